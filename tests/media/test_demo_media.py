"""The demo's digital resources (cms/demo/media/) are real files that the upload validation
accepts as their kind, small enough for the repository."""

import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from media.validation import inspect

MEDIA = Path(__file__).resolve().parents[2] / "cms" / "demo" / "media"


@pytest.mark.parametrize(
    "name, kind, limit",
    [
        ("g71-roughing.mp4", "video", 300_000),
        ("battery-insulation.mp4", "video", 100_000),
        ("python-hello.mp4", "video", 100_000),
        ("aseptic-technique.mp4", "video", 100_000),
        ("g71-roughing.jpg", "image", 50_000),
        ("g71-narration.mp3", "audio", 100_000),
        ("stepped-shaft.glb", "model3d", 100_000),
        ("feed-rate-calculator.zip", "simulation", 20_000),
    ],
)
def test_each_file_is_accepted_as_its_kind(name, kind, limit):
    with open(MEDIA / name, "rb") as handle:
        inspection = inspect(handle, kind)
    assert inspection.size < limit


@pytest.mark.parametrize(
    "name",
    ["g71-roughing.mp4", "battery-insulation.mp4", "python-hello.mp4", "aseptic-technique.mp4"],
)
def test_the_video_is_h264_with_aac_sound_ready_to_stream(name):
    data = (MEDIA / name).read_bytes()
    assert b"avc1" in data and b"mp4a" in data
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable while loading


def test_the_glb_is_glTF_2_binary_with_its_chunks():
    data = (MEDIA / "stepped-shaft.glb").read_bytes()
    magic, version, length = struct.unpack_from("<4sII", data)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    json_length, json_type = struct.unpack_from("<I4s", data, 12)
    document = json.loads(data[20 : 20 + json_length])
    bin_length, bin_type = struct.unpack_from("<I4s", data, 20 + json_length)
    assert (json_type, bin_type) == (b"JSON", b"BIN\0")
    assert document["asset"]["version"] == "2.0"
    assert document["buffers"][0]["byteLength"] == bin_length


def test_the_simulation_zip_holds_its_source():
    with zipfile.ZipFile(MEDIA / "feed-rate-calculator.zip") as archive:
        assert archive.namelist() == ["index.html"]
        packaged = archive.read("index.html")
    assert packaged == (MEDIA / "feed-rate-calculator" / "index.html").read_bytes()
    assert b"http" not in packaged  # self-contained: nothing is fetched


def test_the_captions_are_webvtt_in_order():
    lines = (MEDIA / "g71-roughing.zh.vtt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "WEBVTT"
    times = [line.split(" --> ") for line in lines if " --> " in line]
    flat = [t for pair in times for t in pair]
    assert len(times) == 3 and flat == sorted(flat)


def test_each_simulation_field_sits_on_one_row_of_name_field_and_unit():
    """The calculator's labels are three-column grids; a bare symbol or unit became a grid item
    of its own and wrapped the unit (or the field) onto the next line in the leaf page."""
    html = (MEDIA / "feed-rate-calculator" / "index.html").read_text(encoding="utf-8")
    labels = re.findall(r"<label>(.*?)</label>", html)
    assert len(labels) == 4
    for label in labels:
        assert re.fullmatch(r"<span>.+?</span> <input [^>]+> <span>[^<]+</span>", label), label
