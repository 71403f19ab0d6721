"""The committed icons (tools/make_icons.py) are well-formed: the .ico and .icns containers
parse, hold every size the platforms ask for, and each payload is a valid PNG of that size.

Read with parsers written here from the formats' documentation, independent of the writer.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "installers" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG after checking its structure: signature, every chunk's
    CRC, IHDR first, IEND last, and image data that inflates to the size IHDR implies."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG signature"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append(kind)
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", chunks
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    assert colour in (3, 6), "an icon needs transparency: RGBA or a palette"
    assert data[28] == 0, "interlaced (the size check below assumes rows in order)"
    row = 1 + (width * channels * depth + 7) // 8  # a filter byte, then the pixels
    assert len(zlib.decompress(idat)) == height * row
    return width, height


def test_png_renderings() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
        path = ICONS / f"cmdesk-{size}.png"
        assert png_size(path.read_bytes()) == (size, size), path.name


def test_ico_holds_png_entries_from_16_to_256() -> None:
    data = (ICONS / "cmdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1), "not an icon file (type 1)"
    sizes = []
    for i in range(count):
        entry = data[6 + 16 * i : 6 + 16 * (i + 1)]
        width, height, _colours, _reserved, planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", entry
        )
        side = width or 256  # 0 stands for 256
        assert (height or 256) == side
        assert (planes, bits) == (1, 32)
        assert offset + length <= len(data)
        assert png_size(data[offset : offset + length]) == (side, side)
        sizes.append(side)
    assert sorted(sizes) == [16, 24, 32, 48, 64, 128, 256]


def test_icns_holds_png_elements_ic07_to_ic14() -> None:
    data = (ICONS / "cmdesk.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    found: dict[bytes, tuple[int, int]] = {}
    pos = 8
    while pos < len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack(">I", data[pos + 4 : pos + 8])
        assert length > 8 and pos + length <= len(data), kind
        found[kind] = png_size(data[pos + 8 : pos + length])
        pos += length
    expected = {
        b"ic07": 128,
        b"ic08": 256,
        b"ic09": 512,
        b"ic10": 1024,  # 512@2x
        b"ic11": 32,  # 16@2x
        b"ic12": 64,  # 32@2x
        b"ic13": 256,  # 128@2x
        b"ic14": 512,  # 256@2x
    }
    assert found == {kind: (side, side) for kind, side in expected.items()}


@pytest.mark.parametrize(
    ("user", "needle"),
    [
        ("installers/cmdesk.spec", "cmdesk.ico"),
        ("installers/cmdesk.spec", "cmdesk.icns"),
        ("installers/windows/cmdesk.iss", r"..\icons\cmdesk.ico"),
        ("installers/linux/build.sh", "installers/icons/cmdesk-${size}.png"),
    ],
)
def test_the_packagers_use_the_icons(user: str, needle: str) -> None:
    assert needle in (ROOT / user).read_text(encoding="utf-8")
