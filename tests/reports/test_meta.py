from __future__ import annotations

import pytest
import yaml

from kefu.errors import KefuError
from kefu.reports.catalogue import INDICATORS, indicator_name
from kefu.reports.meta import Direction, ReportMeta, scorecard_meta_from
from tests.reports.conftest import SCORECARD_YAML

SPEC_IDS = [
    "frt_avg",
    "frt_within_target",
    "aht_avg",
    "fcr_rate",
    "ticket_ontime_rate",
    "info_accuracy_rate",
    "compliance_score",
    "complaint_rate",
    "error_rate",
    "csat_rate",
    "csat_mean",
    "nps",
    "negative_review_rate",
    "praise_count",
    "teamwork_score",
    "training_attendance_rate",
    "training_exam_score",
    "improvement_completion_rate",
    "contacts_handled",
]


def test_every_catalogue_indicator_has_a_name_and_unit() -> None:
    assert set(SPEC_IDS) <= set(INDICATORS)


def test_channel_qualified_names() -> None:
    assert indicator_name("frt_avg.chat", "zh-CN") == "首次响应时长(在线)"
    assert indicator_name("frt_avg.email", "en") == "First response time (e-mail)"


def test_scorecard_file_form_becomes_meta() -> None:
    sc = scorecard_meta_from(yaml.safe_load(SCORECARD_YAML))
    assert (sc.name, sc.version) == ("热线客服月度考核", "2026.1")
    assert [d.id for d in sc.dimensions] == ["efficiency", "quality", "satisfaction", "development"]
    # Dimension weight, when not declared, is the sum of its indicators' weights.
    assert [d.weight for d in sc.dimensions] == [
        6 + 6 + 12 + 6,
        10 + 8 + 8 + 4,
        14 + 8 + 8,
        4 + 2 + 2 + 2,
    ]
    aht = sc.indicators["aht_avg.phone"]
    assert aht.direction is Direction.BAND and aht.band == (180, 420) and aht.tolerance == 120
    errors = sc.indicators["error_rate"]
    assert errors.direction is Direction.STEPS and [s.share for s in errors.steps] == [1, 0.5, 0]
    assert sc.grades == ("S", "A", "B", "C", "D")
    assert sc.dimension_of("nps").name("en") == "Satisfaction"


def test_each_result_finds_its_scorecard() -> None:
    data = yaml.safe_load(SCORECARD_YAML)
    hotline = scorecard_meta_from(data)
    chat = scorecard_meta_from({**data, "name": "在线客服", "version": "1"})
    meta = ReportMeta.of(hotline, chat)
    assert meta.for_result({"scorecard": {"name": "在线客服", "version": "1"}}) is chat
    with pytest.raises(KefuError, match="no scorecard '理赔' version '2'"):
        meta.for_result({"scorecard": {"name": "理赔", "version": "2"}})


def test_forced_distribution_grades_keep_their_order() -> None:
    data = yaml.safe_load(SCORECARD_YAML)
    data["grades"] = {"distribution": {"within": "team", "shares": {"A": 0.3, "B": 0.5, "C": 0.2}}}
    assert scorecard_meta_from(data).grades == ("A", "B", "C")
