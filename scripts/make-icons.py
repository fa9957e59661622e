#!/usr/bin/env python3
"""Draws the web app's PNG icons (frontend/web/icons/icon-{192,512}.png) from the geometry of
icon.svg — a white hexagon on a teal rounded square — with the standard library only.

Usage: scripts/make-icons.py     (rewrites the two files; they are committed)
"""

import os
import struct
import zlib

TEAL, WHITE = (0x0F, 0x76, 0x6E), (0xFF, 0xFF, 0xFF)
# icon.svg's coordinates (a 16 × 16 view box).
HEXAGON = [(8, 2.5), (12.8, 5.25), (12.8, 10.75), (8, 13.5), (3.2, 10.75), (3.2, 5.25)]
RADIUS = 3.0
SAMPLES = 3  # per axis and pixel, for smooth edges


def inside_polygon(x, y, points):
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def inside_rounded_square(x, y):
    cx, cy = min(max(x, RADIUS), 16 - RADIUS), min(max(y, RADIUS), 16 - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def pixel(px, py, size):
    """RGBA of one pixel: the average of SAMPLES² samples."""
    totals, alpha = [0, 0, 0], 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            x, y = (px + (i + 0.5) / SAMPLES) * 16 / size, (py + (j + 0.5) / SAMPLES) * 16 / size
            if not inside_rounded_square(x, y):
                continue
            colour = WHITE if inside_polygon(x, y, HEXAGON) else TEAL
            totals = [t + c for t, c in zip(totals, colour)]
            alpha += 1
    if alpha == 0:
        return (0, 0, 0, 0)
    return tuple(round(t / alpha) for t in totals) + (round(255 * alpha / SAMPLES ** 2),)


def png(size):
    rows = b"".join(b"\0" + bytes(c for x in range(size) for c in pixel(x, y, size)) for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def main():
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "frontend", "web", "icons")
    for size in (192, 512):
        with open(os.path.join(folder, f"icon-{size}.png"), "wb") as out:
            out.write(png(size))


if __name__ == "__main__":
    main()
