"""QR codes for shared links (survey links, channel links), as PNG or SVG bytes."""

from __future__ import annotations

import io

import segno

QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}


def qr_code(url: str, kind: str = "png", *, scale: int | None = None) -> bytes:
    """A QR code of ``url`` with medium error correction (survives a logo or a crease).

    PNG defaults to 10 px per module (sharp when printed on a poster); SVG scales freely.
    """
    if kind not in QR_KINDS:
        raise ValueError(f"unknown QR format {kind!r}; known: {', '.join(QR_KINDS)}")
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "png":
        code.save(buffer, kind="png", scale=scale or 10, border=3)
    else:
        code.save(buffer, kind="svg", scale=scale or 8, border=3, xmldecl=True,
                  title="QR code", desc=url)
    return buffer.getvalue()
