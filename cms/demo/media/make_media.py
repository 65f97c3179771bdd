"""Makes the demo's digital resources in this folder (see README.md). Run by hand, once:

    python cms/demo/media/make_media.py            # the GLB and the simulation zip (Python only)
    python cms/demo/media/make_media.py --av       # also the video, poster and audio
    python cms/demo/media/make_media.py --cards    # also the other textbooks' short videos

The files are committed; nothing at run time or in CI runs this. ``--av`` needs Debian's
ffmpeg, espeak-ng and fonts-wqy-microhei (apt-get install -y ffmpeg espeak-ng).
"""

import argparse
import json
import math
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NARRATION = "外圆粗车循环，分层切削，留出精车余量。"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed, so the zip is the same bytes every time

# --- the stepped shaft (阶梯轴) of the CNC textbook's G71 task, as glTF 2.0 binary ---

# (length, radius) of each section along +X, in metres.
SECTIONS = [(0.030, 0.015), (0.035, 0.0125), (0.025, 0.009)]
SEGMENTS = 48


def _ring(x, radius):
    return [
        (
            x,
            radius * math.cos(2 * math.pi * i / SEGMENTS),
            radius * math.sin(2 * math.pi * i / SEGMENTS),
        )
        for i in range(SEGMENTS)
    ]


def shaft_mesh():
    """(positions, normals, triangle indices) of the shaft: a smooth side per section and a
    flat face at each step and end. Triangles wind counter-clockwise seen from outside."""
    positions, normals, indices = [], [], []

    def add(points, normal_of):
        base = len(positions)
        positions.extend(points)
        normals.extend(normal_of(point) for point in points)
        return base

    def side(x, length, radius):
        def outward(point):
            return (0.0, point[1] / radius, point[2] / radius)

        a = add(_ring(x, radius), outward)
        b = add(_ring(x + length, radius), outward)
        for i in range(SEGMENTS):
            j = (i + 1) % SEGMENTS
            indices.extend([a + i, a + j, b + i, a + j, b + j, b + i])

    def face(x, inner, outer, facing):
        # The ring between ``inner`` and ``outer`` (a disc when ``inner`` is 0) at ``x``,
        # facing -X or +X.
        def flat(point):
            return (float(facing), 0.0, 0.0)

        rim = add(_ring(x, outer), flat)
        if inner:
            hole = add(_ring(x, inner), flat)
        else:
            centre = add([(x, 0.0, 0.0)], flat)
        for i in range(SEGMENTS):
            j = (i + 1) % SEGMENTS
            if facing < 0:
                i, j = j, i
            if inner:
                indices.extend([rim + i, rim + j, hole + i, rim + j, hole + j, hole + i])
            else:
                indices.extend([rim + i, rim + j, centre])

    x = -sum(length for length, _radius in SECTIONS) / 2  # centred on the origin
    previous = 0.0
    for length, radius in SECTIONS:
        face(x, min(previous, radius), max(previous, radius), -1 if radius > previous else 1)
        side(x, length, radius)
        previous, x = radius, x + length
    face(x, 0.0, previous, 1)
    return positions, normals, indices


def glb():
    positions, normals, indices = shaft_mesh()
    pos_bytes = b"".join(struct.pack("<3f", *p) for p in positions)
    nor_bytes = b"".join(struct.pack("<3f", *n) for n in normals)
    idx_bytes = struct.pack(f"<{len(indices)}H", *indices)
    idx_bytes += b"\0" * (-len(idx_bytes) % 4)
    binary = pos_bytes + nor_bytes + idx_bytes
    views = [
        {"buffer": 0, "byteOffset": 0, "byteLength": len(pos_bytes), "target": 34962},
        {"buffer": 0, "byteOffset": len(pos_bytes), "byteLength": len(nor_bytes), "target": 34962},
        {
            "buffer": 0,
            "byteOffset": len(pos_bytes) + len(nor_bytes),
            "byteLength": len(indices) * 2,
            "target": 34963,
        },
    ]
    document = {
        "asset": {"version": "2.0", "generator": "textbook-lifecycle cms/demo/media/make_media.py"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "stepped shaft"}],
        "meshes": [
            {
                "name": "stepped shaft",
                "primitives": [
                    {"attributes": {"POSITION": 0, "NORMAL": 1}, "indices": 2, "material": 0}
                ],
            }
        ],
        "materials": [
            {
                "name": "45 steel",
                "pbrMetallicRoughness": {
                    "baseColorFactor": [0.72, 0.74, 0.77, 1.0],
                    "metallicFactor": 0.9,
                    "roughnessFactor": 0.35,
                },
            }
        ],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": len(positions),
                "type": "VEC3",
                "min": [min(p[axis] for p in positions) for axis in range(3)],
                "max": [max(p[axis] for p in positions) for axis in range(3)],
            },
            {"bufferView": 1, "componentType": 5126, "count": len(normals), "type": "VEC3"},
            {"bufferView": 2, "componentType": 5123, "count": len(indices), "type": "SCALAR"},
        ],
        "bufferViews": views,
        "buffers": [{"byteLength": len(binary)}],
    }
    text = json.dumps(document, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    chunks = struct.pack("<I4s", len(text), b"JSON") + text
    chunks += struct.pack("<I4s", len(binary), b"BIN\0") + binary
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


# --- the simulation package: index.html at the root of a zip ---


def simulation_zip(source, target):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("index.html", date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, (source / "index.html").read_bytes())


# --- video, poster and audio (ffmpeg, espeak-ng) ---


def run(*command):
    subprocess.run(command, check=True)


def audio_and_video():
    ffmpeg = ("ffmpeg", "-hide_banner", "-loglevel", "error", "-y")
    with tempfile.TemporaryDirectory() as tmp:
        speech = Path(tmp) / "speech.wav"
        run("espeak-ng", "-v", "cmn", "-s", "175", NARRATION, "-w", str(speech))
        run(*ffmpeg, "-i", str(speech), "-ac", "1", "-ar", "22050", "-b:a", "40k",
            "-map_metadata", "-1", "-metadata", "title=G71 外圆粗车循环（讲解）",
            str(HERE / "g71-narration.mp3"))  # fmt: skip
        # A stock bar (grey) turned to a stepped shaft: pass 1 takes the outer layer over the
        # whole length, pass 2 the step; the orange tool moves right to left (-Z). drawbox
        # does not move with time, so the cut (background colour) and the tool are overlays;
        # even coordinates, since yuv420p halves the colour resolution.
        passes = [
            # (start, seconds, x from, x to, y top, y bottom of the removed band)
            (0.6, 2.2, 420, 90, 100, 106),
            (3.2, 1.8, 420, 250, 106, 118),
        ]
        graph = [
            "[0:v]drawbox=x=40:y=80:w=50:h=110:color=0x555d66:t=fill,"
            "drawbox=x=90:y=100:w=330:h=70:color=0x9aa4ad:t=fill,"
            f"drawtext=fontfile={FONT}:text='G71 外圆粗车循环':x=20:y=24:fontsize=22"
            ":fontcolor=white[v0]"
        ]
        layer = 0
        for start, seconds, x0, x1, top, bottom in passes:
            left = f"{x0}-{x0 - x1}*clip((t-{start})/{seconds},0,1)"
            height = bottom - top
            shapes = [
                (f"0x1e2630:s={x0 - x1}x{height}", left, top, f"gte(t,{start})"),
                (f"0x1e2630:s={x0 - x1}x{height}", left, 270 - bottom, f"gte(t,{start})"),
                ("orange:s=8x12", f"{left}-8", top - 12, f"between(t,{start},{start + seconds})"),
            ]
            for colour, x, y, enable in shapes:
                graph.append(f"color=c={colour}:r=15:d=7[s{layer}]")
                graph.append(
                    f"[v{layer}][s{layer}]overlay=x='{x}':y={y}:eval=frame"
                    f":enable='{enable}'[v{layer + 1}]"
                )
                layer += 1
        video = HERE / "g71-roughing.mp4"
        run(*ffmpeg, "-f", "lavfi", "-i", "color=c=0x1e2630:s=480x270:r=15:d=7", "-i", str(speech),
            "-filter_complex", ";".join(graph), "-map", f"[v{layer}]", "-map", "1:a", "-t", "7",
            "-c:v", "libx264", "-profile:v", "baseline", "-level", "3.0", "-pix_fmt", "yuv420p",
            "-crf", "30", "-c:a", "aac", "-ac", "1", "-b:a", "48k",
            "-map_metadata", "-1", "-movflags", "+faststart", str(video))  # fmt: skip
        run(*ffmpeg, "-ss", "4.5", "-i", str(video), "-frames:v", "1", "-q:v", "4",
            str(HERE / "g71-roughing.jpg"))  # fmt: skip


# The other demo textbooks' videos: a narrated card of the steps, 6 s each (file, title, the
# lines on the card, the narration).
CARDS = [
    (
        "battery-insulation.mp4",
        "动力电池包绝缘检测",
        ["1. 断开维修开关，等待 5 分钟", "2. 兆欧表选 1000 V 档", "3. 正、负极分别对壳体测量"],
        "绝缘检测：先断电等待，再用兆欧表测量正负极对壳体的绝缘电阻。",
    ),
    (
        "python-hello.mp4",
        "第一个 Python 程序",
        ["1. 安装 Python 3", "2. 新建 hello.py", '3. print("你好，世界")'],
        "安装 Python，新建文件，写一行打印语句，运行它。",
    ),
    (
        "aseptic-technique.mp4",
        "无菌技术操作",
        ["1. 洗手，戴帽子、口罩", "2. 核对无菌包名称与有效期", "3. 无菌物品不可跨越无菌区"],
        "无菌技术：洗手戴口罩，核对无菌包，手臂不跨越无菌区。",
    ),
]


def title_cards():
    ffmpeg = ("ffmpeg", "-hide_banner", "-loglevel", "error", "-y")
    with tempfile.TemporaryDirectory() as tmp:
        for name, title, lines, narration in CARDS:
            speech = Path(tmp) / "speech.wav"
            run("espeak-ng", "-v", "cmn", "-s", "175", narration, "-w", str(speech))
            # Text from a file: no escaping of quotes and colons in the filter graph. Each
            # line appears a second after the one before.
            graph = [
                f"[0:v]drawtext=fontfile={FONT}:text='{title}':x=24:y=28:fontsize=26"
                ":fontcolor=white[v0]"
            ]
            for index, line in enumerate(lines):
                line_file = Path(tmp) / f"line{index}.txt"
                line_file.write_text(line, encoding="utf-8")
                graph.append(
                    f"[v{index}]drawtext=fontfile={FONT}:textfile={line_file}:x=40"
                    f":y={100 + 44 * index}:fontsize=20:fontcolor=0xf6c177"
                    f":enable='gte(t,{0.8 + index})'[v{index + 1}]"
                )
            run(*ffmpeg, "-f", "lavfi", "-i", "color=c=0x1e2630:s=480x270:r=15:d=6",
                "-i", str(speech), "-filter_complex", ";".join(graph),
                "-map", f"[v{len(lines)}]", "-map", "1:a", "-t", "6",
                "-c:v", "libx264", "-profile:v", "baseline", "-level", "3.0",
                "-pix_fmt", "yuv420p", "-crf", "30", "-c:a", "aac", "-ac", "1", "-b:a", "48k",
                "-map_metadata", "-1", "-movflags", "+faststart", str(HERE / name))  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--av", action="store_true", help="also video, poster and audio")
    parser.add_argument("--cards", action="store_true", help="also the other short videos")
    args = parser.parse_args()
    (HERE / "stepped-shaft.glb").write_bytes(glb())
    simulation_zip(HERE / "feed-rate-calculator", HERE / "feed-rate-calculator.zip")
    if args.av:
        audio_and_video()
    if args.cards:
        title_cards()


if __name__ == "__main__":
    main()
