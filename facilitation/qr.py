"""Join QR codes, as inline SVG for pages and PNG for print shops."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.pure
import qrcode.image.svg


def svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    return image.to_string(encoding="unicode")


def png(data: str, box_size: int = 12) -> bytes:
    code = qrcode.QRCode(border=2, box_size=box_size, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.pure.PyPNGImage).save(buffer)
    return buffer.getvalue()
