"""QR codes as SVG data URIs (pages) and PNG bytes (email attachments)."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg


def svg_data_uri(text: str, box_size: int = 8) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def png_bytes(text: str, box_size: int = 8) -> bytes:
    buffer = BytesIO()
    qrcode.make(text, box_size=box_size, border=2).save(buffer, format="PNG")
    return buffer.getvalue()
