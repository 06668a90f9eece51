from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.metrics.explain import explain
from tests.factories import add_records
from tests.metrics.helpers import AS_OF, contact, roster, sh


@pytest.fixture
def ws1(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    t = sh(2026, 10, 5, 9)
    add_records(ws, "contacts", [
        contact("c1", "A1", t, customer_id="K1", waybill_no="W1"),
        contact("c2", "A1", t + timedelta(hours=1), customer_id="K1", waybill_no="W1"),
        contact("c3", "A1", t, transferred=True),
        contact("c4", "A1", t, direction="out"),  # not an FCR opportunity
        contact("c5", "A2", t),
        contact("c6", "A1", sh(2026, 11, 2)),  # November
    ], source_file="calls-oct.csv")  # fmt: skip
    return ws


def test_drilldown_returns_exactly_the_counted_records_with_lineage(ws1):
    ex = explain(ws1, level="agent", key="A1", period="2026-10", indicator="fcr_rate", as_of=AS_OF)
    assert (ex.figure.numerator, ex.figure.denominator) == (1, 3)
    by_id = {r.id: r for r in ex.records}
    assert set(by_id) == {"c1", "c2", "c3"}
    assert (by_id["c1"].in_numerator, by_id["c1"].in_denominator) == (False, True)
    assert by_id["c1"].values["repeat"] is True
    assert by_id["c2"].in_numerator is True
    assert by_id["c3"].values["transferred"] is True
    assert sum(r.in_numerator for r in ex.records) == ex.figure.numerator
    assert sum(r.in_denominator for r in ex.records) == ex.figure.denominator
    r = by_id["c2"]
    assert (r.table, r.source_file, r.source_row) == ("contacts", "calls-oct.csv", 3)
    assert r.batch_id is not None
    # Times are shown in the workspace zone.
    assert by_id["c1"].values["offered_at"] == "2026-10-05T09:00:00+08:00"


def test_drilldown_of_a_mean_and_a_team(ws1):
    ex = explain(ws1, level="team", key="T1", period="2026-10", indicator="aht_avg")
    assert {r.id for r in ex.records} == {"c1", "c2", "c3", "c4", "c5"}
    assert all(r.in_numerator and r.in_denominator for r in ex.records)
    rows = ex.to_rows()
    assert rows[0]["table"] == "contacts" and "handle_seconds" in rows[0]


def test_drilldown_across_tables_and_self_ratings_shown_not_scored(ws1):
    from datetime import date

    add_records(ws1, "operation_errors", [
        {"error_id": "E1", "agent_id": "A1", "occurred_at": sh(2026, 10, 7)},
    ])  # fmt: skip
    ex = explain(ws1, level="agent", key="A1", period="2026-10", indicator="error_rate")
    assert {(r.table, r.id) for r in ex.records} == {
        ("operation_errors", "E1"),
        *(("contacts", c) for c in ("c1", "c2", "c3", "c4")),
    }
    assert [r.id for r in ex.records if r.in_numerator] == ["E1"]
    add_records(ws1, "ratings", [
        {"rating_id": "R1", "agent_id": "A1", "rater_role": "peer", "score": 80.0,
         "rated_on": date(2026, 10, 9)},
        {"rating_id": "R2", "agent_id": "A1", "rater_role": "self", "score": 100.0,
         "rated_on": date(2026, 10, 9)},
    ])  # fmt: skip
    tw = explain(ws1, level="agent", key="A1", period="2026-10", indicator="teamwork_score")
    assert tw.figure.value == pytest.approx(80)
    flags = {r.id: (r.in_numerator, r.in_denominator) for r in tw.records}
    assert flags == {"R1": (True, True), "R2": (False, False)}


@pytest.fixture
def ws_errors(ws1):
    add_records(ws1, "operation_errors", [
        {"error_id": "E1", "agent_id": "A1", "occurred_at": sh(2026, 10, 7)},
    ])  # fmt: skip
    return ws1


def _page(ws, offset, limit, key="A1"):
    return explain(
        ws, level="agent", key=key, period="2026-10", indicator="error_rate", as_of=AS_OF,
        offset=offset, limit=limit,
    )  # fmt: skip


# error_rate lists its tables in order: operation_errors (E1), then A1's October contacts
# by time then id: c1, c3, c4 offered at 09:00, c2 at 10:00 (c6 is November); no ticket
# closed. So the whole list is E1, c1, c3, c4, c2: five records, pages of 2 are
# [E1, c1], [c3, c4], [c2], and page 4 (offset 6) is past the end.
WHOLE = ["E1", "c1", "c3", "c4", "c2"]


def test_the_whole_list_is_in_table_then_time_then_id_order(ws_errors):
    ex = explain(ws_errors, level="agent", key="A1", period="2026-10", indicator="error_rate")
    assert [r.id for r in ex.records] == WHOLE
    assert ex.total == 5


@pytest.mark.parametrize(
    ("offset", "limit", "ids"),
    [
        (0, 2, ["E1", "c1"]),  # first page: crosses from operation_errors into contacts
        (2, 2, ["c3", "c4"]),  # inside one table
        (4, 2, ["c2"]),  # last page, one record short
        (6, 2, []),  # a page past the end
        (5, 2, []),  # the page that starts just at the end
        (0, 0, []),  # an empty page
        (0, 5, WHOLE),  # one page holding every record
        (1, 1, ["c1"]),  # the first record of the second table alone
    ],
)
def test_a_page_is_that_slice_of_the_whole_list(ws_errors, offset, limit, ids):
    ex = _page(ws_errors, offset, limit)
    assert [r.id for r in ex.records] == ids
    assert ex.total == 5
    # The figure and the columns do not depend on the page: 1 error over 4 contacts, and
    # the columns of both tables with records (none of tickets_closed, which has none).
    assert (ex.figure.numerator, ex.figure.denominator) == (1, 4)
    assert ex.columns() == [
        "table", "id", "in_numerator", "in_denominator",
        "occurred_at", "kind", "severity", "found_by",
        "source_file", "source_row", "batch_id",
        "channel", "direction", "offered_at", "answered_at",
    ]  # fmt: skip


def test_a_key_without_records_has_an_empty_list(ws_errors):
    ex = _page(ws_errors, 0, 10, key="A9")
    assert (ex.records, ex.total, ex.columns()) == ([], 0, [])
    assert ex.figure.value is None


def test_a_negative_offset_is_refused(ws_errors):
    with pytest.raises(ValueError):
        _page(ws_errors, -1, 2)
