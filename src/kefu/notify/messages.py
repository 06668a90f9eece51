"""The words of notifications: one Chinese and one English template per event and audience.

Templates live in ``kefu/notify/templates/<locale>.yaml``, keyed
``<topic>.<audience>`` (audience ``group``: what a team's or the centre's
channel may read, aggregates only; ``personal``: what the one person it is
addressed to may read). Each has a ``title`` and a ``body`` (Jinja2, plain
text; each non-empty line of the body is one line of the message). Every
platform formats the same :class:`Message` its own way (``kefu.notify.robots``,
``kefu.notify.mail``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import yaml

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"


@dataclass(frozen=True)
class Message:
    title: str
    lines: tuple[str, ...]
    path: str  # the page on this site
    link: str | None  # the same page's full address (None without a base URL)
    locale: str
    event_key: str
    # Built when sent, not stored: {"kind": "appraisal_workbook", "period": ..., "run_id": ...}
    attachment: dict[str, Any] | None = None
    link_label: str = field(default="")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["lines"] = list(self.lines)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        return cls(**{**data, "lines": tuple(data.get("lines") or ())})

    def text(self) -> str:
        """Title, lines and link as plain text (e-mail, Feishu, in-app)."""
        parts = [self.title, "", *self.lines]
        if self.link:
            parts += ["", f"{self.link_label}: {self.link}"]
        return "\n".join(parts)


def locale_of(value: str | None) -> str:
    if value and value.lower().startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def _round(value: float, digits: int) -> str:
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    return _round(float(value), digits)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, lstrip_blocks=True)
    env.filters["num"] = _num
    return env


@cache
def catalogue(locale: str) -> dict[str, Any]:
    text = resources.files("kefu.notify").joinpath("templates", f"{locale}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def word(locale: str, key: str) -> str:
    """A shared word of the catalogue (``words.<key>``), e.g. a table's name."""
    value: Any = catalogue(locale_of(locale))["words"]
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return key.rsplit(".", 1)[-1]  # a word the catalogue lacks (a new severity)
        value = value[part]
    return str(value)


def watch_name(watch: str, locale: str) -> str:
    """What a monitor alert watches: an indicator's name, or a count's."""
    counts: dict[str, str] = catalogue(locale_of(locale))["words"]["counts"]
    if watch in counts:
        return counts[watch]
    from kefu.reports.catalogue import indicator_name

    return indicator_name(watch, locale)


def watch_value(watch: str, value: Any, locale: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "–".join(watch_value(watch, v, locale) for v in value)
    counts: dict[str, str] = catalogue(locale_of(locale))["words"]["counts"]
    if watch in counts:
        return _round(float(value), 0)
    from kefu.reports.formatting import format_value

    return format_value(watch, float(value), locale)


def render(
    topic: str,
    audience: str,
    context: dict[str, Any],
    *,
    locale: str,
    path: str,
    link: str | None,
    event_key: str,
    attachment: dict[str, Any] | None = None,
) -> Message:
    """The message of ``topic`` for ``audience`` in ``locale``."""
    loc = locale_of(locale)
    entry = catalogue(loc)[topic][audience]
    env = _environment()

    def w(key: str) -> str:
        return word(loc, key)

    ctx = {**context, "w": w, "name": lambda watch: watch_name(watch, loc),
           "value": lambda watch, v: watch_value(watch, v, loc)}  # fmt: skip
    title = env.from_string(entry["title"]).render(ctx).strip()
    body = env.from_string(entry["body"]).render(ctx)
    lines = tuple(line.strip() for line in body.splitlines() if line.strip())
    return Message(
        title=title,
        lines=lines,
        path=path,
        link=link,
        locale=loc,
        event_key=event_key,
        attachment=attachment,
        link_label=word(loc, "open"),
    )
