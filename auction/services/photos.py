"""Lot photos: checked by content (not by name), re-encoded without metadata, with a thumbnail."""
from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from auction.domain.errors import InvalidValue

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED = {"JPEG", "PNG", "WEBP"}
FULL_SIZE = 1600
THUMB_SIZE = 400


def thumbnail_of(path: str) -> str:
    return path.removesuffix(".jpg") + "-vignette.jpg"


def _process(content: bytes, media_dir: Path) -> str:
    if not content:
        raise InvalidValue("Le fichier est vide.", field="photo")
    if len(content) > MAX_BYTES:
        raise InvalidValue("Photo trop lourde : 10 Mo au plus.", field="photo")
    try:
        with Image.open(io.BytesIO(content)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED:
            raise InvalidValue("Format refusé : JPEG, PNG ou WebP seulement.", field="photo")
        image = Image.open(io.BytesIO(content))
        if image.width * image.height > MAX_PIXELS:
            raise InvalidValue("Photo trop grande (40 mégapixels au plus).", field="photo")
        image = ImageOps.exif_transpose(image).convert("RGB")   # drops EXIF (a GPS position, for one)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidValue("Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP).", field="photo") from None
    relative = f"lots/{uuid.uuid4().hex}.jpg"
    target = media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    full = image.copy()
    full.thumbnail((FULL_SIZE, FULL_SIZE))
    full.save(target, "JPEG", quality=85)
    image.thumbnail((THUMB_SIZE, THUMB_SIZE))
    image.save(media_dir / thumbnail_of(relative), "JPEG", quality=80)
    return relative


async def store_photo(content: bytes, media_dir: Path) -> str:
    """Check and store an uploaded photo; returns its path under the media directory."""
    return await asyncio.to_thread(_process, content, media_dir)


def remove_photo(media_dir: Path, relative: str) -> None:
    for path in (relative, thumbnail_of(relative)):
        (media_dir / path).unlink(missing_ok=True)
