"""Time-based one-time passwords (RFC 6238) with a locally rendered QR code."""

from __future__ import annotations

import io
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "Kefu"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an inline SVG document (no image service, no network)."""
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf)
    text = buf.getvalue().decode("utf-8")
    # Drop the XML declaration so the SVG can sit inside an HTML page.
    return text[text.index("<svg") :]


def accept(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, or None if wrong or already used.

    One step of clock drift either way is tolerated; a step at or before
    ``last_step`` is refused, so an intercepted code cannot be replayed.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step_now = totp.timecode(now)
    for step in (step_now - 1, step_now, step_now + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None
