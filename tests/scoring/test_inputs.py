from __future__ import annotations

from datetime import date

import pyarrow as pa

from kefu.scoring.inputs import Assignment, assignments_on

OCT_1 = date(2026, 10, 1)


def roster(*rows: tuple[str, str, date | None, date | None, int]) -> pa.Table:
    """Rows of (agent_id, team, hire_date, valid_from, batch_id)."""
    return pa.table(
        {
            "agent_id": [r[0] for r in rows],
            "name": [f"name-{r[0]}" for r in rows],
            "team": [r[1] for r in rows],
            "site": ["S1" for _ in rows],
            "supervisor_id": [None for _ in rows],
            "hire_date": pa.array([r[2] for r in rows], pa.date32()),
            "valid_from": pa.array([r[3] for r in rows], pa.date32()),
            "batch_id": pa.array([r[4] for r in rows], pa.int64()),
        }
    )


def teams(table: pa.Table, day: date = OCT_1) -> dict[str, str | None]:
    return {a: who.team for a, who in assignments_on(table, day).items()}


def test_the_latest_version_in_force_on_the_day_wins():
    t = roster(
        ("A1", "T1", date(2025, 1, 1), None, 1),
        ("A1", "T2", None, date(2026, 9, 15), 2),
        ("A1", "T3", None, date(2026, 10, 2), 3),  # from the day after: not yet
    )
    assert teams(t) == {"A1": "T2"}
    assert teams(t, date(2026, 10, 2)) == {"A1": "T3"}


def test_an_agent_hired_after_the_day_gets_the_first_assignment():
    t = roster(
        ("A2", "T9", None, date(2026, 10, 20), 1),
        ("A2", "T8", None, date(2026, 10, 10), 1),
    )
    assert teams(t) == {"A2": "T8"}


def test_the_later_batch_wins_on_the_same_date_then_the_later_row():
    t = roster(
        ("A3", "T2", None, date(2026, 9, 1), 2),
        ("A3", "T1", None, date(2026, 9, 1), 1),
        ("A4", "T5", None, date(2026, 9, 1), 1),
        ("A4", "T6", None, date(2026, 9, 1), 1),
    )
    assert teams(t) == {"A3": "T2", "A4": "T6"}


def test_without_dates_a_version_is_in_force_from_the_beginning_of_time():
    t = roster(("A5", "T1", None, None, 1))
    assert teams(t, date(1990, 1, 1)) == {"A5": "T1"}


def test_agents_come_in_the_order_of_their_first_row_with_their_details():
    t = roster(
        ("B", "T1", None, None, 1),
        ("A", "T2", None, None, 1),
        ("B", "T3", None, date(2026, 1, 1), 2),
    )
    found = assignments_on(t, OCT_1)
    assert list(found) == ["B", "A"]
    assert found["B"] == Assignment("B", "name-B", "T3", "S1", None)


def test_an_empty_roster():
    assert assignments_on(roster(), OCT_1) == {}
