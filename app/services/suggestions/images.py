"""Images attached to suggestions: verified by decoding, stripped of EXIF/GPS and other
metadata, re-encoded, and stored through ``app.storage`` (never under static)."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.models import SuggestionImage
from app.services.errors import ServiceError
from app.storage import file_storage

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs long before memory runs out
MAX_EDGE = 2560  # larger photos are scaled down; phones send 4000+ px


@dataclass
class PreparedImage:
    """A decoded and re-encoded image, ready to store."""

    data: bytes
    mime_type: str
    width: int
    height: int


def max_images() -> int:
    """How many images one suggestion may carry."""
    return int(current_app.config.get("SUGGESTION_MAX_IMAGES", 3))


def max_image_bytes() -> int:
    """The largest accepted upload per image, in bytes."""
    return int(current_app.config.get("SUGGESTION_MAX_IMAGE_BYTES", 5 * 1024 * 1024))


def prepare_image(raw: bytes) -> PreparedImage:
    """Decode an upload with Pillow, refuse anything but JPEG/PNG/WebP, apply the EXIF
    orientation, drop all metadata and re-encode."""
    limit = max_image_bytes()
    if not raw:
        raise ServiceError(_l("图片是空文件。"), code="image_empty", field="images")
    if len(raw) > limit:
        raise ServiceError(_l("每张图片不能超过 %(mb)d MB。", mb=limit // (1024 * 1024)),
                           code="image_too_large", field="images")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format
                if fmt not in ALLOWED_FORMATS:
                    raise ServiceError(_l("只支持 JPG、PNG 和 WebP 格式的图片。"),
                                       code="image_type", field="images")
                if probe.width * probe.height > MAX_PIXELS:
                    raise ServiceError(_l("图片尺寸过大。"), code="image_pixels", field="images")
                probe.verify()
            # verify() leaves the image unusable: open again to decode the pixels.
            with Image.open(io.BytesIO(raw)) as img:
                img.load()
                img = ImageOps.exif_transpose(img)
                if max(img.size) > MAX_EDGE:
                    img.thumbnail((MAX_EDGE, MAX_EDGE))
                return _encode(img, fmt)
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ServiceError(_l("无法识别这张图片，请换一张 JPG、PNG 或 WebP 图片。"),
                           code="image_invalid", field="images") from exc


def _encode(img: Image.Image, fmt: str) -> PreparedImage:
    out = io.BytesIO()
    has_alpha = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
    if fmt == "JPEG":
        img = img.convert("RGB")
        img.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        img = img.convert("RGBA" if has_alpha else "RGB")
        img.save(out, "PNG", optimize=True)
    else:
        img = img.convert("RGBA" if has_alpha else "RGB")
        img.save(out, "WEBP", quality=85)
    # Saving without exif=/icc_profile=/pnginfo= writes no metadata at all.
    return PreparedImage(out.getvalue(), ALLOWED_FORMATS[fmt], img.width, img.height)


def prepare_images(uploads: list[bytes]) -> list[PreparedImage]:
    """Check the number of images and prepare each one; nothing is stored yet."""
    uploads = [u for u in uploads if u]
    if len(uploads) > max_images():
        raise ServiceError(_l("最多上传 %(n)d 张图片。", n=max_images()), code="too_many_images",
                           field="images")
    return [prepare_image(raw) for raw in uploads]


def image_key(community_id: int, stored_name: str) -> str:
    """The storage key of a suggestion image (``uploads/suggestions/<community>/<name>``)."""
    return f"uploads/suggestions/{int(community_id)}/{stored_name}"


def store_image(prepared: PreparedImage, *, suggestion_id: int, community_id: int,
                position: int) -> SuggestionImage:
    """Store the file (``app.storage``) and return its (unsaved) row."""
    ext = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[prepared.mime_type]
    name = secrets.token_hex(16) + ext
    file_storage().put(image_key(community_id, name), prepared.data,
                       content_type=prepared.mime_type, community_id=community_id)
    return SuggestionImage(
        suggestion_id=suggestion_id, community_id=community_id, position=position,
        stored_name=name, mime_type=prepared.mime_type, width=prepared.width,
        height=prepared.height, size_bytes=len(prepared.data),
    )


def stored_key(image: SuggestionImage) -> str:
    """The storage key of a stored image."""
    return image_key(image.community_id, image.stored_name)


def delete_files(images: list[SuggestionImage]) -> None:
    """Remove the files of images whose rows are being deleted (in the caller's transaction
    with the database storage)."""
    storage = file_storage()
    for image in images:
        try:
            storage.delete(stored_key(image))
        except OSError:
            current_app.logger.warning("could not delete image file %s", image.stored_name)
