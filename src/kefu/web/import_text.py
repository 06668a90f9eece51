"""Imports in the reader's language: reject reasons under the file's own headers, labels.

The reject log keeps stable reason codes (``unknown_agent: agent is not in the
roster``, ``duplicate_key: same key as row 3``): the CLI prints them and scripts
read them. A page shows the code's sentence from the catalogue instead, and names
the column as the file did (``坐席工号``), not by its canonical name (``agent_id``)::

    >>> from kefu.web.i18n import Translator
    >>> t = Translator("zh-CN")
    >>> reason(t, "contacts", "agent_id", "unknown_agent: agent is not in the roster")
    '坐席不在花名册中'
    >>> header("contacts", "agent_id", {"坐席工号": "KF9", "渠道": "电话"}, t)
    '坐席工号'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kefu.store.tables import TABLES, Column

Translate = Callable[..., str]

_DUPLICATE_ROW = re.compile(r"row (\d+)")
_BOUNDS = re.compile(r"must be ([0-9.]+)[–-]([0-9.]+)")
_AT_LEAST = re.compile(r"must be at least ([0-9.]+)")


def _column(table: str | None, column: str | None) -> Column | None:
    spec = TABLES.get(table or "")
    if spec is None or column is None:
        return None
    return next((c for c in spec.columns if c.name == column), None)


def header(
    table: str | None, column: str | None, raw: Mapping[str, Any] | None, t: Translate
) -> str | None:
    """The column as the file named it: the header of ``raw`` that is one of the column's
    names; else the column's name in the reader's language; None for a whole-row reason."""
    if not column:
        return None
    col = _column(table, column)
    names = {column.lower(), *(a.lower() for a in col.aliases)} if col else {column.lower()}
    for source in raw or {}:
        if str(source).strip().lower() in names:
            return str(source)
    key = f"wizard.column.{table}.{column}"
    label = t(key)
    return label if label != key else t("reject.other_column")


def reason(t: Translate, table: str | None, column: str | None, rule: str) -> str:
    """The stored reason ``code: English detail`` as a sentence in the reader's language."""
    code, _, detail = rule.partition(":")
    detail = detail.strip()
    if code == "unparsable":
        col = _column(table, column)
        kind = col.kind.value if col is not None else "text"
        return t(f"reject.unparsable.{kind}")
    if code == "duplicate_key":
        found = _DUPLICATE_ROW.search(detail)
        return t("reject.duplicate_key", row=found.group(1) if found else "?")
    if code == "out_of_range":
        bounds, least = _BOUNDS.search(detail), _AT_LEAST.search(detail)
        if bounds:
            return t("reject.out_of_range", low=bounds.group(1), high=bounds.group(2))
        if least:
            return t("reject.at_least", low=least.group(1))
        return t("reject.out_of_range_score")
    key = f"reject.rule.{code}"
    text = t(key)
    return text if text != key else t("reject.rule.other")


# The label the fact outbox gives the batches Kefu writes itself (kefu.ingest.outbox).
_OUTBOX_LABEL = re.compile(r"^(?P<source>\S+): (?P<n>\d+) (?P<table>[a-z_]+) record\(s\)$")


def file_label(name: str, t: Translate) -> str:
    """A batch's file name, or the label of records Kefu wrote itself in the reader's
    language (``kefu: 1 improvement_items record(s)`` → ``系统写入的 1 条改进计划项记录``)."""
    found = _OUTBOX_LABEL.match(name)
    if found is None or found["table"] not in TABLES:
        return name
    table = t(f"pages.imports.table_name.{found['table']}")
    return t("batch.records", n=found["n"], table=table)
