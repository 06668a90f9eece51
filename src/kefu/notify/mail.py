"""E-mail: a notification as a text and HTML message, with the workbook attached.

The ``Message-ID`` is made from the event id and the delivery (the same on
every try and on a resend), so a copy that arrives twice is recognisable as
one message: mail clients and many servers show or keep it once.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate

from markupsafe import escape

from kefu.notify.messages import Message


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "kefu.invalid"


def build(
    message: Message,
    *,
    sender: str,
    sender_name: str | None,
    recipients: list[str],
    message_id: str,
    attachment: tuple[str, bytes, str] | None = None,
) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = formataddr((sender_name, sender)) if sender_name else sender
    mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = f"<kefu.{message_id}@{domain_of(sender)}>"
    mail["X-Kefu-Event"] = message.event_key
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
    mail.set_content(message.text() + "\n")
    items = "".join(f"<p>{escape(line)}</p>" for line in message.lines)
    link = (
        f'<p><a href="{escape(message.link)}">{escape(message.link_label)}</a></p>'
        if message.link
        else ""
    )
    lang = "zh-CN" if message.locale.startswith("zh") else "en"
    mail.add_alternative(
        f'<!doctype html><html lang="{lang}"><body><h2>{escape(message.title)}</h2>'
        f"{items}{link}</body></html>\n",
        subtype="html",
    )
    if attachment is not None:
        filename, data, media_type = attachment
        maintype, _, subtype = media_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail
