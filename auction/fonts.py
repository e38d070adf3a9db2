"""The font the generated images use (paddle cards, the demo's photos): DejaVu Sans, which has every
French accent (scripts/ensure-system-packages.sh installs Debian's fonts-dejavu-core). Pillow's own
default font has none, so it is the fallback only when DejaVu is missing."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size=size)
