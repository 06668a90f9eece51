from __future__ import annotations

from datetime import date, timedelta

import pytest

from kefu.errors import UsageError
from kefu.metrics import INDICATORS, Level, Status, compute
from tests.factories import add_records
from tests.metrics.helpers import AS_OF, contact, figure, figures_by, roster, sh


def test_period_boundaries_are_read_in_the_workspace_zone(ws):
    roster(ws, ("A1", "T1"))
    add_records(ws, "contacts", [
        contact("last", "A1", sh(2026, 10, 31, 23, 59)),  # 15:59 UTC on 31 October
        contact("first", "A1", sh(2026, 11, 1, 0, 0)),  # 16:00 UTC on 31 October
    ])  # fmt: skip
    assert sh(2026, 10, 31, 23, 59).hour == 15
    october = figure(ws, "2026-10", "contacts_handled", "A1")
    november = figure(ws, "2026-11", "contacts_handled", "A1")
    assert (october.value, november.value) == (1, 1)
    assert figure(ws, "2026-10-31", "contacts_handled", "A1").value == 1
    assert figure(ws, "2026-11-01", "contacts_handled", "A1").value == 1
    assert figure(ws, "2026-Q4", "contacts_handled", "A1").value == 2
    assert figure(ws, "2026", "contacts_handled", "A1").value == 2
    assert figure(ws, "2026-Q3", "contacts_handled", "A1").value is None


def test_date_records_use_local_dates(ws):
    roster(ws, ("A1", "T1"))
    add_records(ws, "training", [
        {"record_id": "1", "agent_id": "A1", "held_on": date(2026, 10, 31), "attended": True},
        {"record_id": "2", "agent_id": "A1", "held_on": date(2026, 11, 1), "attended": False},
    ])  # fmt: skip
    assert figure(ws, "2026-10", "training_attendance_rate", "A1").value == 1.0
    assert figure(ws, "2026-11", "training_attendance_rate", "A1").value == 0.0


def test_team_move_mid_month_splits_the_agents_records_by_date(ws):
    roster(
        ws,
        {"agent_id": "A1", "team": "T1", "site": "S1", "valid_from": date(2026, 1, 1)},
        {"agent_id": "A1", "team": "T2", "site": "S2", "valid_from": date(2026, 10, 15)},
        ("A2", "T2", "S2"),
    )
    add_records(ws, "contacts", [
        contact("x1", "A1", sh(2026, 10, 14, 23, 50), talk_seconds=100.0),  # still T1
        contact("x2", "A1", sh(2026, 10, 15, 0, 10), talk_seconds=200.0),  # now T2
        contact("x3", "A1", sh(2026, 10, 20), talk_seconds=300.0),
        contact("y1", "A2", sh(2026, 10, 20), talk_seconds=600.0),
    ])  # fmt: skip
    teams = figures_by(ws, "2026-10", "team", ["aht_avg", "contacts_handled"])
    assert teams[("T1", "aht_avg")].value == pytest.approx(100)
    assert teams[("T2", "aht_avg")].value == pytest.approx((200 + 300 + 600) / 3)
    assert teams[("T2", "contacts_handled")].value == 3
    sites = figures_by(ws, "2026-10", "site", ["contacts_handled"])
    assert sites[("S1", "contacts_handled")].value == 1
    assert sites[("S2", "contacts_handled")].value == 3
    # The agent's own figure is whole, whatever the team.
    assert figure(ws, "2026-10", "aht_avg", "A1").value == pytest.approx((100 + 200 + 300) / 3)
    # September: A1 was in T1 only; the move does not rewrite history.
    assert figure(ws, "2026-09", "contacts_handled", "T2", level="team").value is None


def test_rollups_are_sums_over_records_not_means_of_ratios(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    t = sh(2026, 10, 5, 9)
    add_records(ws, "contacts", [
        contact("a1", "A1", t, resolved=False),  # A1: 0 / 1
        *[contact(f"b{i}", "A2", t) for i in range(3)],  # A2: 3 / 3
    ])  # fmt: skip
    team = figure(ws, "2026-10", "fcr_rate", "T1", level="team")
    assert team.value == pytest.approx((0 + 3) / (1 + 3))  # not (0/1 + 3/3) / 2
    assert (team.numerator, team.denominator) == (3, 4)
    centre = figure(ws, "2026-10", "fcr_rate", "centre", level="centre")
    assert centre.value == pytest.approx(3 / 4)


def test_every_roster_agent_gets_every_indicator_and_no_data_is_null(ws):
    roster(
        ws,
        ("A1", "T1"),
        ("A2", "T1"),
        {"agent_id": "OLD", "team": "T1", "leave_date": date(2026, 9, 1)},
        {"agent_id": "NEW", "team": "T9", "hire_date": date(2026, 11, 1)},
    )
    # An agent missing from the roster but with a record is included too.
    add_records(ws, "contacts", [contact("c1", "A1", sh(2026, 10, 5)),
                                 contact("c2", "GHOST", sh(2026, 10, 5))])  # fmt: skip
    figures = compute(ws, "2026-10", as_of=AS_OF)
    keys = {f.key for f in figures}
    assert keys == {"A1", "A2", "GHOST"}
    assert len(figures) == 3 * len(INDICATORS)
    a2 = [f for f in figures if f.key == "A2"]
    assert all(f.value is None and f.status is Status.NO_DATA for f in a2)
    assert all(f.sample == 0 for f in a2)
    teams = {f.key for f in compute(ws, "2026-10", level=Level.TEAM, indicators=["nps"])}
    assert teams == {"T1"}


def test_reimported_corrected_records_are_counted_once(ws):
    roster(ws, ("A1", "T1"))
    t = sh(2026, 10, 5, 9)
    add_records(ws, "contacts", [contact("c1", "A1", t, talk_seconds=100.0),
                                 contact("c2", "A1", t, talk_seconds=200.0)])  # fmt: skip
    add_records(ws, "contacts", [contact("c1", "A1", t, talk_seconds=160.0)])
    f = figure(ws, "2026-10", "aht_avg", "A1")
    assert (f.value, f.sample) == (pytest.approx((160 + 200) / 2), 2)
    # The same id from another source system is another record.
    add_records(ws, "contacts", [contact("c1", "A1", t, talk_seconds=40.0)], source="cc2")
    assert figure(ws, "2026-10", "aht_avg", "A1").sample == 3


def test_keys_restrict_and_unknown_keys_are_no_data(ws):
    roster(ws, ("A1", "T1"), ("A2", "T2"))
    add_records(ws, "contacts", [contact("c1", "A1", sh(2026, 10, 5)),
                                 contact("c2", "A2", sh(2026, 10, 5))])  # fmt: skip
    figures = compute(ws, "2026-10", indicators=["contacts_handled"], keys=["A2", "NOPE"])
    assert [(f.key, f.value) for f in figures] == [("A2", 1), ("NOPE", None)]
    teams = compute(ws, "2026-10", level="team", indicators=["contacts_handled"], keys=["T1"])
    assert [(f.key, f.value) for f in teams] == [("T1", 1)]


def test_unknown_indicator_lists_the_known_ids(ws):
    with pytest.raises(UsageError, match="fcr_rate"):
        compute(ws, "2026-10", indicators=["fcr"])


def test_empty_workspace_gives_no_figures_at_agent_level_and_no_data_for_centre(ws):
    assert compute(ws, "2026-10", indicators=["fcr_rate"]) == []
    (centre,) = compute(ws, "2026-10", level="centre", indicators=["fcr_rate"])
    assert centre.value is None and centre.status is Status.NO_DATA


def test_workspace_time_zone_other_than_shanghai(tmp_path):
    from kefu.workspace import Workspace

    ws = Workspace.init(tmp_path / "berlin", timezone="Europe/Berlin")
    try:
        roster(ws, ("A1", "T1"))
        # 2026-10-25 is the DST change in Berlin; 31 Oct 23:30 CET = 22:30 UTC.
        from datetime import datetime

        add_records(ws, "contacts", [
            contact("c1", "A1", datetime(2026, 10, 31, 22, 30)),
            contact("c2", "A1", datetime(2026, 10, 31, 23, 30)),  # 1 Nov 00:30 CET
            contact("c3", "A1", datetime(2026, 9, 30, 22, 30)),  # 1 Oct 00:30 CEST
        ])  # fmt: skip
        assert figure(ws, "2026-10", "contacts_handled", "A1").value == 2
        assert figure(ws, "2026-11", "contacts_handled", "A1").value == 1
    finally:
        ws.close()


def test_day_grain_team_attribution_on_the_move_day(ws):
    roster(
        ws,
        {"agent_id": "A1", "team": "T1", "valid_from": date(2026, 1, 1)},
        {"agent_id": "A1", "team": "T2", "valid_from": date(2026, 10, 15)},
    )
    t = sh(2026, 10, 15, 8)
    add_records(
        ws, "contacts", [contact("c1", "A1", t), contact("c2", "A1", t - timedelta(hours=9))]
    )
    day = figures_by(ws, "2026-10-15", "team", ["contacts_handled"])
    assert day[("T2", "contacts_handled")].value == 1
    assert ("T1", "contacts_handled") not in day or day[("T1", "contacts_handled")].value is None


def test_an_agent_who_left_is_off_the_roster_after_leaving(ws):
    roster(
        ws,
        {"agent_id": "A1", "team": "T1", "valid_from": date(2026, 1, 1)},
        {"agent_id": "A1", "team": "T2", "valid_from": date(2026, 6, 1),
         "leave_date": date(2026, 9, 15)},
        ("A2", "T1"),
    )  # fmt: skip
    assert {f.key for f in compute(ws, "2026-10", indicators=["nps"])} == {"A2"}
    assert {f.key for f in compute(ws, "2026-09", indicators=["nps"])} == {"A1", "A2"}
