from __future__ import annotations

import re
from pathlib import Path

import pytest

from kefu.errors import UsageError
from kefu.metrics import INDICATORS, Dimension, indicator
from kefu.metrics.sources import SOURCES
from kefu.store.tables import TABLES

# The indicator contract, in the repository (tests/test_docs.py checks it further).
PAGE = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_every_indicator_of_the_spec_is_registered():
    expected = {
        "frt_avg", "frt_within_target", "aht_avg", "fcr_rate", "ticket_ontime_rate",
        "info_accuracy_rate", "compliance_score", "complaint_rate", "error_rate", "csat_rate",
        "csat_mean", "nps", "negative_review_rate", "praise_count", "teamwork_score",
        "training_attendance_rate", "training_exam_score", "improvement_completion_rate",
        "contacts_handled", "short_contact_rate", "aht_index", "fcr_index",
    }  # fmt: skip
    expected |= {f"{base}.{ch}" for base in ("frt_avg", "aht_avg")
                 for ch in ("phone", "chat", "email", "other")}  # fmt: skip
    assert set(INDICATORS) == expected


def test_every_id_in_the_definitions_of_the_indicators_page_is_known():
    ids = set(re.findall(r"^### `([a-z_.]+)` — ", PAGE.read_text(encoding="utf-8"), re.M))
    assert ids and ids <= set(INDICATORS)


def test_definitions_are_complete():
    for ind in INDICATORS.values():
        assert ind.dimension in set(Dimension)
        assert ind.zh and ind.en
        assert set(ind.tables) <= set(TABLES)
        assert {SOURCES[s].table for s in ind.sources} <= set(ind.tables)
        assert set(ind.details) <= set(ind.sources)


def test_unknown_id_lists_the_known_ones():
    with pytest.raises(UsageError) as err:
        indicator("first_response")
    assert "frt_avg" in err.value.message and "fcr_index" in err.value.message
