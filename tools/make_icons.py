"""Render the app icon (src/cmdesk/resources/icons/app.svg) for the installers.

    .venv/bin/python tools/make_icons.py            (or `make icons`)
    .venv/bin/python tools/make_icons.py --check    exits 1 if the committed files differ

Writes into installers/icons/:
    cmdesk-<N>.png   N = 16 24 32 48 64 128 256 512 1024 (Linux hicolor theme, the .dmg)
    cmdesk.ico       Windows: the 16..256 renderings as PNG-compressed entries
    cmdesk.icns      macOS: ic07..ic14, PNG payloads from 16@2x to 512@2x

The outputs are committed, so a release build on any runner needs neither Qt rendering
nor Pillow (not in requirements.lock): both containers are written here with the standard
library. Each size is rendered from the vector source rather than scaled from a bigger
bitmap, so the 16 and 32 pixel icons stay sharp.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "src" / "cmdesk" / "resources" / "icons" / "app.svg"
OUT = ROOT / "installers" / "icons"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
# Windows picks the nearest entry for each place it shows an icon (taskbar, Explorer views
# up to "extra large", Alt+Tab at 150% scale): 256 is the largest an .ico entry can be.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS types holding PNG data (macOS 10.7+): the @2x types serve Retina screens.
ICNS_TYPES = (
    (b"ic11", 32),  # 16@2x
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128@2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256@2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512@2x
)


def render_pngs(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """PNG bytes of the SVG at each size, transparent background, rendered offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # QPainter on a QImage works without one, but SVG text and fonts need a GUI application.
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    pngs: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"png"))
        if not writer.write(image):
            raise SystemExit(f"make_icons: {size} px PNG: {writer.errorString()}")
        buffer.close()
        pngs[size] = bytes(data.data())
    return pngs


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (supported since Windows Vista).

    ICONDIR (reserved 0, type 1, count), then one 16-byte ICONDIRENTRY per image (width and
    height as one byte each, 0 meaning 256; colour count 0; reserved; planes 1; 32 bits per
    pixel; data size; data offset), then the PNG data, all little-endian.
    """
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        if not 1 <= size <= 256:
            raise ValueError(f"an .ico entry is 1..256 px, not {size}")
        data = pngs[size]
        side = 0 if size == 256 else size
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset))
        blobs.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(blobs)


def build_icns(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: b"icns" and the total length, then (type, length incl. 8, data)
    elements, big-endian, here only the PNG-holding types of ICNS_TYPES."""
    elements = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def outputs(pngs: dict[int, bytes]) -> dict[str, bytes]:
    files = {f"cmdesk-{size}.png": pngs[size] for size in PNG_SIZES}
    files["cmdesk.ico"] = build_ico({size: pngs[size] for size in ICO_SIZES})
    files["cmdesk.icns"] = build_icns(pngs)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--check", action="store_true", help="compare with the files in --out, write nothing"
    )
    args = parser.parse_args(argv)
    files = outputs(render_pngs(SVG, PNG_SIZES))
    if args.check:
        stale = [
            name
            for name, data in files.items()
            if not (args.out / name).is_file() or (args.out / name).read_bytes() != data
        ]
        for name in stale:
            print(f"make_icons: {args.out / name} is out of date", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
        print(f"{args.out / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
