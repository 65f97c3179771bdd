"""Types are detected from the bytes, and each kind accepts only its own types and sizes."""

import io

import pytest
from django.core.exceptions import ValidationError

from media.validation import detect, inspect
from tests.media.conftest import (
    elf_bytes,
    glb_bytes,
    gltf_json_bytes,
    mp4_bytes,
    pdf_bytes,
    pe_bytes,
    zip_bytes,
)


@pytest.mark.parametrize(
    ("data", "rule_type", "content_type"),
    [
        (mp4_bytes(), "video/mp4", "video/mp4"),
        (elf_bytes(), "application/x-executable", "application/x-executable"),
        (pe_bytes(), "application/x-msdownload", "application/x-msdownload"),
        (glb_bytes(), "model/gltf-binary", "model/gltf-binary"),
        (gltf_json_bytes(), "model/gltf+json", "model/gltf+json"),
        (zip_bytes(["index.html", "js/app.js"]), "html5-package", "application/zip"),
        (zip_bytes(["readme.txt"]), "application/zip", "application/zip"),
        (pdf_bytes(), "application/pdf", "application/pdf"),
        (b"just some text", "application/octet-stream", "application/octet-stream"),
    ],
)
def test_detects_type_from_bytes(data, rule_type, content_type):
    detected = detect(io.BytesIO(data))
    assert (detected.rule_type, detected.content_type) == (rule_type, content_type)


def test_each_kind_accepts_its_types():
    assert inspect(io.BytesIO(mp4_bytes()), "video").detected.rule_type == "video/mp4"
    assert inspect(io.BytesIO(glb_bytes()), "model3d").key.endswith(".glb")
    assert inspect(io.BytesIO(gltf_json_bytes()), "model3d").key.endswith(".gltf")
    assert inspect(io.BytesIO(zip_bytes(["index.html"])), "simulation").key.endswith(".zip")
    assert inspect(io.BytesIO(pdf_bytes()), "document").detected.content_type == "application/pdf"


def test_key_is_content_addressed():
    inspection = inspect(io.BytesIO(mp4_bytes("甲")), "video")
    assert inspection.key == f"assets/{inspection.sha256[:2]}/{inspection.sha256}.mp4"
    assert inspection.size == len(mp4_bytes("甲"))
    assert inspect(io.BytesIO(mp4_bytes("甲")), "video").key == inspection.key
    assert inspect(io.BytesIO(mp4_bytes("乙")), "video").key != inspection.key


@pytest.mark.parametrize(
    ("data", "kind", "named"),
    [
        (elf_bytes(), "video", "ELF 可执行程序（application/x-executable）"),
        (pe_bytes(), "video", "Windows 可执行程序（PE）（application/x-msdownload）"),
        (zip_bytes(["readme.txt"]), "simulation", "ZIP 压缩包（application/zip）"),
        (mp4_bytes(), "document", "MP4 视频（video/mp4）"),
        (b"plain", "audio", "无法识别的格式（application/octet-stream）"),
    ],
)
def test_wrong_type_is_refused_naming_what_it_is(data, kind, named):
    with pytest.raises(ValidationError) as refused:
        inspect(io.BytesIO(data), kind)
    assert named in refused.value.messages[0]


def test_oversize_is_refused_with_the_limit(settings):
    settings.MEDIA_ASSET_RULES = {
        **settings.MEDIA_ASSET_RULES,
        "video": {"max_size": 50, "content_types": ["video/mp4"]},
    }
    with pytest.raises(ValidationError) as refused:
        inspect(io.BytesIO(mp4_bytes("一个超过五十字节限制的示例视频")), "video")
    assert "文件过大" in refused.value.messages[0]
    assert "视频最大允许 50\xa0字节" in refused.value.messages[0]
