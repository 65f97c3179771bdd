"""Digital resources play in the leaf page, from the copy the edition pins: video with its
poster and captions, audio, 3D models in model-viewer (served from our static files), and
simulation packages in a sandbox that never runs as this site."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files import File

from media.models import ShortLink
from media.services import create_asset
from tests.media.conftest import media_block
from tests.workflow.conftest import published_edition
from workflow.models import CaseKind

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "cms" / "demo" / "media"
CAPTIONS = (DEMO / "g71-roughing.zh.vtt").read_text(encoding="utf-8")


def demo_asset(textbook, user, name, kind, title, **extra):
    with open(DEMO / name, "rb") as handle:
        return create_asset(
            title=title, kind=kind, textbook=textbook, user=user, fileobj=File(handle), **extra
        )


@pytest.fixture
def extra_assets():
    """More assets for ``mixed``'s leaf ({name: factory(textbook, author)}): none here."""
    return {}


@pytest.fixture
def mixed(users, school_textbook, add_leaf, extra_assets):
    """A leaf with a video (poster, captions), an audio clip, a 3D model and a simulation
    (and ``extra_assets``), published as edition 1.0."""
    author = users["author"]
    with open(DEMO / "g71-roughing.jpg", "rb") as poster:
        video = demo_asset(
            school_textbook, author, "g71-roughing.mp4", "video", "G71 循环",
            transcript=CAPTIONS, poster=File(poster),
        )  # fmt: skip
    assets = {
        "video": video,
        "audio": demo_asset(school_textbook, author, "g71-narration.mp3", "audio", "讲解"),
        "model3d": demo_asset(school_textbook, author, "stepped-shaft.glb", "model3d", "阶梯轴"),
        "simulation": demo_asset(
            school_textbook, author, "feed-rate-calculator.zip", "simulation", "计算器"
        ),
    }
    assets.update({name: make(school_textbook, author) for name, make in extra_assets.items()})
    leaf = add_leaf(school_textbook, "g71", blocks=[media_block(a) for a in assets.values()])
    edition = published_edition(school_textbook, author, users["reviewer"], users["national"])
    links = {kind: ShortLink.for_asset(asset).code for kind, asset in assets.items()}
    return {"textbook": school_textbook, "leaf": leaf, "assets": assets, "links": links,
            "edition": edition}  # fmt: skip


def leaf_html(client, mixed):
    response = client.get(mixed["leaf"].url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_video_has_its_pinned_poster_and_captions(client, mixed):
    html = leaf_html(client, mixed)
    base = f"/r/{mixed['links']['video']}/1.0/"
    video = re.search(r"<video[^>]*>", html).group(0)
    assert f'src="{base}"' in video and f'poster="{base}poster/"' in video and "controls" in video
    assert f'<track kind="captions" src="{base}captions.vtt" srclang="zh"' in html

    poster = client.get(base + "poster/")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"
    assert b"".join(poster.streaming_content) == (DEMO / "g71-roughing.jpg").read_bytes()
    captions = client.get(base + "captions.vtt")
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert captions.content.decode() == CAPTIONS


def test_an_edition_keeps_the_poster_and_captions_it_reviewed(client, users, mixed):
    video = mixed["assets"]["video"]
    video.transcript = "这是一段文字稿，不是字幕。"
    video.poster = ""
    video.save()
    base = f"/r/{mixed['links']['video']}/1.0/"
    assert client.get(base + "captions.vtt").content.decode() == CAPTIONS
    assert client.get(base + "poster/").status_code == 200

    # The next edition shows the asset as its case reviewed it: no poster, no captions.
    published_edition(
        mixed["textbook"], users["author"], users["reviewer"], users["national"], CaseKind.MINOR
    )
    html = leaf_html(client, mixed)
    video_tag = re.search(r"<video[^>]*>", html).group(0)
    assert "poster=" not in video_tag and "<track" not in html
    new = f"/r/{mixed['links']['video']}/1.1/"
    assert client.get(new + "captions.vtt").status_code == 404
    assert client.get(new + "poster/").status_code == 404
    # The old edition's page still plays its own copy, with its poster.
    old_page = client.get(f"/textbooks/{mixed['textbook'].slug}/editions/1.0/g71/")
    assert f'poster="{base}poster/"' in old_page.content.decode()


def test_audio_plays_in_the_page(client, mixed):
    html = leaf_html(client, mixed)
    assert re.search(rf'<audio [^>]*controls[^>]*src="/r/{mixed["links"]["audio"]}/1.0/"', html)


def test_the_3d_model_is_shown_by_the_vendored_model_viewer(client, mixed):
    html = leaf_html(client, mixed)
    src = f"/r/{mixed['links']['model3d']}/1.0/"
    assert re.search(rf'<model-viewer [^>]*src="{src}"[^>]*camera-controls', html)
    script = re.search(r'<script type="module" src="([^"]+model-viewer[^"]*)"', html).group(1)
    assert script.startswith(settings.STATIC_URL)  # our own static files, no CDN
    vendored = Path(finders.find("media/vendor/model-viewer/model-viewer.min.js"))
    assert vendored.stat().st_size > 500_000
    assert "Apache License" in (vendored.parent / "LICENSE").read_text()
    response = client.get(src)
    assert response["Content-Type"] == "model/gltf-binary"


def test_the_simulation_runs_sandboxed_in_an_opaque_origin(client, mixed):
    html = leaf_html(client, mixed)
    base = f"/r/{mixed['links']['simulation']}/1.0/package/"
    iframe = re.search(r"<iframe [^>]*>", html).group(0)
    assert f'src="{base}index.html"' in iframe
    sandbox = re.search(r'sandbox="([^"]*)"', iframe).group(1).split()
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox

    response = client.get(base + "index.html")
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == (DEMO / "feed-rate-calculator" / "index.html").read_bytes()
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert policy[0].split()[0] == "sandbox" and "allow-same-origin" not in policy[0]
    assert "frame-ancestors 'self'" in policy
    for bad in ("../../../../etc/passwd", "js/../../index.html", "missing.js"):
        assert client.get(base + bad).status_code == 404, bad
    # Only a simulation has a package; a video has no such part.
    assert client.get(f"/r/{mixed['links']['video']}/1.0/package/index.html").status_code == 404


def test_a_package_from_a_draft_is_sandboxed_too(client, users, mixed):
    """Authors preview their working copy with the same policy."""
    simulation = mixed["assets"]["simulation"]
    client.force_login(users["author"])
    response = client.get(f"/media-assets/{simulation.pk}/package/index.html")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox allow-scripts")


def test_a_poster_must_be_an_image(client, users, school_textbook):
    from django.urls import reverse

    from tests.media.conftest import mp4_bytes, upload

    client.force_login(users["author"])
    response = client.post(
        reverse("wagtailsnippets_media_mediaasset:add"),
        {
            "title": "带封面的视频",
            "kind": "video",
            "textbook": school_textbook.pk,
            "file": upload("clip.mp4", mp4_bytes()),
            "poster": upload("poster.jpg", mp4_bytes("冒充图片")),
            "transcript": "",
        },
    )
    assert response.status_code == 200
    assert "poster" in response.context["form"].errors
    with open(DEMO / "g71-roughing.jpg", "rb") as image:
        response = client.post(
            reverse("wagtailsnippets_media_mediaasset:add"),
            {
                "title": "带封面的视频",
                "kind": "video",
                "textbook": school_textbook.pk,
                "file": upload("clip.mp4", mp4_bytes()),
                "poster": upload("poster.jpg", image.read()),
                "transcript": CAPTIONS,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    from media.models import MediaAsset

    asset = MediaAsset.objects.get(title="带封面的视频")
    assert asset.poster.name.startswith("assets/") and asset.poster.name.endswith(".jpg")
    shown = asset.shown()
    assert shown.poster_url == f"/media-assets/{asset.pk}/poster/"
    assert shown.captions_url == f"/media-assets/{asset.pk}/captions.vtt"
    assert client.get(shown.poster_url).status_code == 200
