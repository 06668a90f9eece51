"""The drill-down's words: every record column the engine lists has a label in both
languages, and stored codes read as people say them."""

from __future__ import annotations

import pytest

from kefu.metrics.explain import LINEAGE
from kefu.metrics.registry import INDICATORS
from kefu.metrics.sources import SOURCES
from kefu.reports.labels import column_label, table_label, value_label

LISTED = {"table", "id", "in_numerator", "in_denominator", *LINEAGE} | {
    c for ind in INDICATORS.values() for cols in ind.details.values() for c in cols
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_listed_column_and_kind_of_record_has_a_label(locale: str) -> None:
    assert [c for c in sorted(LISTED) if column_label(c, locale) == c] == []
    kinds = {s.table for s in SOURCES.values()}
    assert [t for t in sorted(kinds) if table_label(t, locale) == t] == []


def test_codes_read_as_words_in_each_language() -> None:
    assert value_label("channel", "phone", "zh-CN") == "电话"
    assert value_label("direction", "in", "zh-CN") == "呼入"
    assert value_label("direction", "out", "en") == "outbound"
    assert value_label("status", "upheld", "zh-CN") == "成立"
    assert value_label("attributed", True, "zh-CN") == "是"
    assert value_label("fatal", False, "en") == "no"


def test_values_without_a_label_are_unchanged() -> None:
    assert value_label("evaluator", "王质检", "zh-CN") == "王质检"
    assert value_label("frt_seconds", 12.0, "zh-CN") == 12.0
    assert value_label("channel", "fax", "en") == "fax"
