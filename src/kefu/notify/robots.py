"""The group robots of 企业微信, 钉钉 and 飞书: request format, signature, answer.

What each platform documents, and what is implemented here:

* **企业微信 group robot** (群机器人配置说明, developer.work.weixin.qq.com
  document 90136/91770): ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY``
  with ``{"msgtype": "markdown", "markdown": {"content": "..."}}``; the
  content is UTF-8 and at most 4096 bytes. The answer is
  ``{"errcode": 0, "errmsg": "ok"}``; a robot may send 20 messages a minute
  (``45009`` when exceeded). No signature: the key in the URL is the secret.
* **钉钉 custom robot** (自定义机器人接入, open.dingtalk.com): ``POST`` the
  webhook ``https://oapi.dingtalk.com/robot/send?access_token=TOKEN`` with
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``. With
  加签 (signing) on: ``timestamp`` in milliseconds, ``string_to_sign =
  timestamp + "\\n" + secret``, ``sign = urlEncode(base64(HmacSHA256(key=secret,
  msg=string_to_sign)))``, appended as ``&timestamp=…&sign=…``; the timestamp
  must be within an hour of the platform's clock. Answer ``{"errcode": 0,
  "errmsg": "ok"}``; 20 messages a minute per robot (``130101`` send too fast),
  ``310000`` when the security settings (keyword, signature, IP) refuse it.
* **飞书 custom bot** (自定义机器人使用指南, open.feishu.cn): ``POST`` the webhook
  ``https://open.feishu.cn/open-apis/bot/v2/hook/ID`` with ``{"msg_type":
  "post", "content": {"post": {"zh_cn": {"title": ..., "content": [[{"tag":
  "text", "text": ...}], ...]}}}}``. With 签名校验 on: ``timestamp`` in
  seconds, ``string_to_sign = timestamp + "\\n" + secret`` used as the HMAC-SHA256
  *key* over an empty message, ``sign = base64(digest)``, both put in the
  JSON body (``"timestamp"`` as a string). Answer ``{"code": 0, "msg":
  "success"}`` (older bots: ``{"StatusCode": 0}``); ``19021`` is a signature
  or timestamp refusal, ``11232``/``9499`` rate limiting. The request body is
  at most 20 KB.

Each request also carries ``X-Kefu-Event`` and ``X-Kefu-Message-Id`` headers:
the platforms ignore them; a relay or a test server can recognise a resend.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus

from kefu.notify.messages import Message
from kefu.notify.models import ChannelKind
from kefu.notify.transport import Answer, Refused

#: Robot messages longer than this are cut (企业微信 documents 4096 bytes of content).
MAX_CONTENT_BYTES = 4096


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes


def cut(text: str, limit: int = MAX_CONTENT_BYTES) -> str:
    """``text`` within ``limit`` UTF-8 bytes, cut at a character boundary with "…"."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - len("…".encode())].decode("utf-8", "ignore") + "…"


def _json(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _markdown_lines(message: Message) -> list[str]:
    lines = list(message.lines)
    if message.link:
        lines.append(f"[{message.link_label}]({message.link})")
    return lines


# -- 企业微信 ---------------------------------------------------------------------------
def wecom_request(webhook: str, secret: str | None, message: Message, now: datetime) -> Request:
    content = "\n".join([f"**{message.title}**", *_markdown_lines(message)])
    return Request(webhook, _json({"msgtype": "markdown", "markdown": {"content": cut(content)}}))


# -- 钉钉 --------------------------------------------------------------------------------
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The 加签 value for ``timestamp_ms`` (already URL-encoded, as 钉钉 documents)."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def dingtalk_request(webhook: str, secret: str | None, message: Message, now: datetime) -> Request:
    url = webhook
    if secret:
        timestamp = int(now.timestamp() * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    # Markdown paragraphs need a blank line between them on 钉钉.
    text = "\n\n".join([f"#### {message.title}", *_markdown_lines(message)])
    return Request(
        url,
        _json({"msgtype": "markdown", "markdown": {"title": message.title, "text": cut(text)}}),
    )


# -- 飞书 --------------------------------------------------------------------------------
def feishu_sign(secret: str, timestamp_s: int) -> str:
    """The 签名校验 value: HMAC-SHA256 keyed by ``timestamp\\nsecret`` over nothing."""
    string_to_sign = f"{timestamp_s}\n{secret}"
    digest = hmac.new(string_to_sign.encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_request(webhook: str, secret: str | None, message: Message, now: datetime) -> Request:
    paragraphs: list[list[dict[str, str]]] = [
        [{"tag": "text", "text": cut(line, 1000)}] for line in message.lines
    ]
    if message.link:
        paragraphs.append([{"tag": "a", "text": message.link_label, "href": message.link}])
    language = "zh_cn" if message.locale.startswith("zh") else "en_us"
    payload: dict[str, object] = {
        "msg_type": "post",
        "content": {"post": {language: {"title": message.title, "content": paragraphs}}},
    }
    if secret:
        timestamp = int(now.timestamp())
        payload = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **payload}
    return Request(webhook, _json(payload))


# -- answers -----------------------------------------------------------------------------
#: Codes that say the channel is set up wrongly: trying again cannot help.
#: Every other non-zero code (rate limits, the platform's own troubles) is tried again
#: with backoff and dead-lettered after the configured number of tries.
PERMANENT = {
    ChannelKind.WECOM: {93000},  # 全局错误码: invalid webhook url (a removed robot)
    ChannelKind.DINGTALK: {310000},  # the security settings (keyword, 加签, IP) refuse it
    ChannelKind.FEISHU: {19021},  # sign match fail, or timestamp not within one hour
}


def check_answer(kind: ChannelKind, answer: Answer) -> None:
    """Return when the platform took the message; raise :class:`Refused` otherwise."""
    status = answer.status
    if status == 429 or status >= 500:
        raise Refused(f"HTTP {status}", permanent=False)
    if status >= 400:
        raise Refused(f"HTTP {status}: {answer.body[:200].decode('utf-8', 'replace')}",
                      permanent=status in (400, 401, 403, 404, 410))  # fmt: skip
    try:
        data = json.loads(answer.body or b"{}")
    except ValueError:
        raise Refused(f"HTTP {status}, not a JSON answer", permanent=False) from None
    if not isinstance(data, dict):
        raise Refused(f"HTTP {status}, unexpected answer", permanent=False)
    if kind is ChannelKind.FEISHU:
        answered = data.get("code", data.get("StatusCode", 0))
        text = data.get("msg", data.get("StatusMessage", ""))
    else:
        answered, text = data.get("errcode", -1), data.get("errmsg", "")
    try:
        code = -1 if answered is None else int(answered)
    except (TypeError, ValueError):
        code = -1
    if code != 0:
        # Rate limits and the platform's own troubles pass; a wrong key or signature stays.
        raise Refused(f"code {code}: {text}"[:300], permanent=code in PERMANENT[kind])


BUILDERS: dict[ChannelKind, Callable[[str, str | None, Message, datetime], Request]] = {
    ChannelKind.WECOM: wecom_request,
    ChannelKind.DINGTALK: dingtalk_request,
    ChannelKind.FEISHU: feishu_request,
}
