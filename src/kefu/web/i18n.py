"""Translations and locale-aware formatting for pages (zh-CN by default, English).

Messages live in YAML catalogues, one folder per locale and one file per page
family (``locales/<locale>/<area>.yaml``), so each page family adds its own
file; keys are dotted (``nav.home``) and must exist in every locale (a test
checks). In templates: ``{{ t("login.title") }}``, ``{{ fmt_pct(0.875) }}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kefu.timefmt import format_day, format_moment

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = str(node)


@cache
def catalogue(locale: str) -> Mapping[str, str]:
    """All messages of ``locale``, keyed by dotted id (files merged in name order)."""
    folder = resources.files("kefu.web").joinpath("locales", locale)
    out: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            _flatten("", yaml.safe_load(entry.read_text("utf-8")) or {}, out)
    return out


def normalise_locale(value: str | None) -> str | None:
    """Map ``zh``, ``zh-cn``, ``en-US`` … to a supported locale, or None."""
    if not value:
        return None
    v = value.strip().replace("_", "-").lower()
    if v.startswith("zh"):
        return "zh-CN"
    if v.startswith("en"):
        return "en"
    return None


def translate(locale: str, key: str, **params: Any) -> str:
    """The message ``key`` in ``locale`` (falling back to zh-CN, then to the key itself)."""
    text = catalogue(locale).get(key) or catalogue(DEFAULT_LOCALE).get(key) or key
    return text.format(**params) if params else text


def _round(value: float, digits: int) -> Decimal:
    # Half-up, as people round on paper (Python's round() is banker's rounding).
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_number(value: float | int | None, locale: str, digits: int = 0) -> str:
    """``1234.5`` → ``1,234.5``; None → an em dash (no data)."""
    if value is None:
        return "—"
    return f"{_round(float(value), digits):,.{digits}f}"


def format_percent(value: float | None, locale: str, digits: int = 1) -> str:
    """A ratio as a percentage: ``0.8765`` → ``87.7%``; None → an em dash."""
    if value is None:
        return "—"
    return f"{_round(float(value) * 100, digits):,.{digits}f}%"


def format_date(value: date | datetime | None, locale: str) -> str:
    if value is None:
        return "—"
    return format_day(value, locale)


def format_datetime(value: datetime | None, locale: str, tz: str | None = None) -> str:
    """A moment in the workspace's time zone, labelled, e.g. ``2026年10月5日 09:30 (UTC+8)``
    (the one formatting of :mod:`kefu.timefmt`; naive moments are UTC)."""
    if value is None:
        return "—"
    return format_moment(value, tz or "UTC", locale)


class Translator:
    """The helpers of one locale, handed to templates as ``t``, ``fmt_num`` …"""

    def __init__(self, locale: str, tz: str | None = None) -> None:
        self.locale = locale
        self.tz = tz

    def __call__(self, key: str, **params: Any) -> str:
        return translate(self.locale, key, **params)

    def globals(self) -> dict[str, Any]:
        return {
            "t": self,
            "locale": self.locale,
            "fmt_num": lambda v, digits=0: format_number(v, self.locale, digits),
            "fmt_pct": lambda v, digits=1: format_percent(v, self.locale, digits),
            "fmt_date": lambda v: format_date(v, self.locale),
            "fmt_dt": lambda v: format_datetime(v, self.locale, self.tz),
        }
