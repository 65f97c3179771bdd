"""Fixtures for the media tests: sample files by real type, storage in a temporary folder,
an S3 endpoint (moto's server on 127.0.0.1), and a mixed-media textbook with leaves."""

import io
import json
import struct
import zipfile

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.moto_api._internal.models import moto_api_backend
from wagtail.models import Page

from media.services import create_asset
from textbooks.blocks import LeafStreamBlock
from textbooks.models import UnitPage
from textbooks.publication import reviewed_publication

BUCKET = "textbooks-test"


def mp4_bytes(label="示例视频"):
    """A few hundred bytes that are a real MP4 container (ftyp + free box), so that
    content-type detection sees video/mp4; ``label`` makes each distinct. Not a playable film."""
    ftyp = b"ftypisom" + struct.pack(">I", 0x200) + b"isomiso2mp41"
    free = label.encode("utf-8")
    return (
        struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", len(free) + 8) + b"free" + free
    )


def elf_bytes():
    # An ELF header (x86-64 executable) followed by padding: what `file` calls an executable.
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 200


def pe_bytes():
    return b"MZ" + b"\x90" * 58 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 200


def glb_bytes():
    return b"glTF" + struct.pack("<II", 2, 20) + b"\x00" * 8


def gltf_json_bytes():
    return json.dumps({"asset": {"version": "2.0"}, "scenes": [{"nodes": []}]}).encode()


def zip_bytes(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<!doctype html><title>仿真</title>")
    return buffer.getvalue()


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="video/mp4")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MEDIA_CDN_BASE_URL = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def textbook(users, make_textbook):
    return make_textbook(users["author"], is_mixed_media=True)


@pytest.fixture
def school_textbook(users, make_textbook):
    """A textbook one subject expert reviews (what tests.workflow's published_edition does)."""
    return make_textbook(users["author"], tier="school", is_mixed_media=True)


@pytest.fixture
def make_asset(users):
    def make(textbook, title="G71 循环演示", data=None, kind="video"):
        return create_asset(
            title=title,
            kind=kind,
            textbook=textbook,
            user=users["author"],
            fileobj=ContentFile(data or mp4_bytes(title), name="clip.mp4"),
        )

    return make


def replace_asset(client, asset, data, *, title=None):
    """The logged-in user replaces ``asset``'s file (and title) in the snippet editor."""
    response = client.post(
        reverse("wagtailsnippets_media_mediaasset:edit", args=[asset.pk]),
        {
            "title": title or asset.title,
            "kind": asset.kind,
            "textbook": asset.textbook_id,
            "file": upload("v2.mp4", data),
            "transcript": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def media_block(asset, *, show_qr=True, caption="扫码观看"):
    return {
        "type": "media_resource",
        "value": {
            "kind": asset.kind,
            "asset": asset.pk,
            "caption": caption,
            "show_qr_in_print": show_qr,
        },
    }


@pytest.fixture
def add_leaf(users):
    """Add a leaf under the textbook's page; publish it (by the national admin) if asked."""

    def add(textbook, slug, *, blocks=(), publish=False, number="单元 1"):
        book_page = textbook.page
        leaf = UnitPage(
            title=f"活页 {slug}",
            slug=slug,
            number=number,
            body=LeafStreamBlock().to_python(list(blocks)),
            owner=users["author"],
            live=False,  # as the admin creates it: a draft until published
        )
        book_page.add_child(instance=leaf)
        revision = leaf.save_revision(user=users["author"])
        if publish:
            # Stands in for the pages an edition publishes (only the workflow may).
            with reviewed_publication():
                if not book_page.live:
                    book_page.save_revision(user=users["author"]).publish(
                        user=users["national"], skip_permission_checks=True
                    )
                revision.publish(user=users["national"], skip_permission_checks=True)
        return UnitPage.objects.get(pk=leaf.pk)

    return add


def edit_leaf(leaf, user, blocks, *, publish_by=None):
    leaf = Page.objects.get(pk=leaf.pk).specific
    leaf.body = LeafStreamBlock().to_python(list(blocks))
    revision = leaf.save_revision(user=user)
    if publish_by is not None:
        with reviewed_publication():  # stands in for the workflow's publish
            revision.publish(user=publish_by, skip_permission_checks=True)
    return revision


# ---- S3 through moto's HTTP server ----


class S3Endpoint:
    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.running = True

    def stop(self):
        if self.running:
            self.server.stop()
            self.running = False

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def use(self, settings):
        """Make this endpoint the default and the private storage (fresh S3Storages are built
        from it; private objects under "private/", as in cms/settings/base.py)."""
        options = {
            "bucket_name": BUCKET,
            "endpoint_url": self.url,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "access_key": "testing",
            "secret_key": "testing",
            "querystring_auth": True,
            "signature_version": "s3v4",
            "default_acl": None,
        }
        private = {"location": "private", "default_acl": "private", "file_overwrite": False}
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            "private": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": options | private,
            },
        }

    def keys(self):
        listing = self.client().list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def s3(settings, monkeypatch):
    """Default storage on a fresh bucket of a real HTTP S3 endpoint (moto's server)."""
    endpoint = S3Endpoint()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    endpoint.client().create_bucket(Bucket=BUCKET)
    endpoint.use(settings)
    yield endpoint
    endpoint.stop()
    moto_api_backend.reset()  # moto keeps its buckets in this process, across servers
