"""Join QR codes, as inline SVG for pages and PNG for print shops.

Drawing one is pure Python (~7 ms as SVG, ~16 ms as PNG), and the same few links are drawn again and again (the
projector's, a table screen's, the cards): each is kept once drawn, for a bounded number of links."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
import qrcode.image.pure
import qrcode.image.svg

KEPT = 1024  # links whose drawing is kept: every table and the online link, and a hall's seat codes


@lru_cache(maxsize=KEPT)
def svg(data: str) -> str:
    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathImage, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    return image.to_string(encoding="unicode")


@lru_cache(maxsize=KEPT)
def png(data: str, box_size: int = 12) -> bytes:
    code = qrcode.QRCode(border=2, box_size=box_size, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.pure.PyPNGImage).save(buffer)
    return buffer.getvalue()
