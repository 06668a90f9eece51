"""A simulation as a table: one row per agent and period (CSV, xlsx) and a summary sheet.

The rows carry each mover's sentence as the caller worded it (the CLI and the
API word it in the reader's language); every text cell is written so that no
spreadsheet reads it as a formula (:mod:`kefu.reports.safe`)::

    rows = flat_rows(sim, {("KF1", "2026-10"): "等级由 B 变为 A：……"})
    to_csv(rows), to_xlsx(sim, rows)
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from kefu.reports.safe import csv_writer, workbook, write_text
from kefu.scoring.simulation import Outcome, Simulation

#: The columns of the agents' table, in order.
COLUMNS: tuple[str, ...] = (
    "period", "agent_id", "name", "team",
    "current_total", "current_grade", "current_pay_coefficient", "current_rank_centre",
    "draft_total", "draft_grade", "draft_pay_coefficient", "draft_rank_centre",
    "grade_changed", "reasons", "reason_text",
)  # fmt: skip
SUMMARY_COLUMNS: tuple[str, ...] = (
    "period", "agents", "grade_changes", "pay_sum_current", "pay_sum_draft",
    "grades_current", "grades_draft", "baseline",
)  # fmt: skip


def _side(prefix: str, outcome: Outcome | None) -> dict[str, Any]:
    if outcome is None:
        return dict.fromkeys(
            (f"{prefix}_{f}" for f in ("total", "grade", "pay_coefficient", "rank_centre")), None
        )
    return {
        f"{prefix}_total": outcome.total,
        f"{prefix}_grade": outcome.grade,
        f"{prefix}_pay_coefficient": outcome.pay_coefficient,
        f"{prefix}_rank_centre": outcome.rank_centre,
    }


def _grades(counts: Mapping[str, int]) -> str:
    return " ".join(f"{g}:{n}" for g, n in counts.items())


def flat_rows(
    sim: Simulation, texts: Mapping[tuple[str, str], str | None] | None = None
) -> list[dict[str, Any]]:
    """One flat dict of :data:`COLUMNS` per agent and period; ``texts`` maps
    ``(agent_id, period)`` to the mover's sentence."""
    texts = texts or {}
    return [
        {
            "period": r.period,
            "agent_id": r.agent_id,
            "name": r.name,
            "team": r.team,
            **_side("current", r.current),
            **_side("draft", r.draft),
            "grade_changed": r.grade_changed,
            "reasons": "; ".join(f"{x.indicator_id} {x.delta:+.2f}" for x in r.reasons),
            "reason_text": texts.get((r.agent_id, r.period)),
        }
        for r in sim.rows
    ]


def summary_rows(sim: Simulation) -> list[dict[str, Any]]:
    out = []
    for period in sim.periods:
        s = sim.summary[period]
        out.append(
            {
                "period": s.period,
                "agents": s.agents,
                "grade_changes": s.grade_changes,
                "pay_sum_current": s.pay_sum_current,
                "pay_sum_draft": s.pay_sum_draft,
                "grades_current": _grades(s.grades_current),
                "grades_draft": _grades(s.grades_draft),
                "baseline": s.baseline,
            }
        )
    return out


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_plain(r.get(c)) for c in COLUMNS])
    return buf.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    return value


def to_xlsx(sim: Simulation, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A workbook of two sheets: ``agents`` (:data:`COLUMNS`) and ``summary``."""
    buf = io.BytesIO()
    book = workbook(buf, in_memory=True)
    bold = book.add_format({"bold": True})
    # Excel's "typed with a leading apostrophe": editing the cell keeps it text.
    quoted = book.add_format({"quote_prefix": True})
    for name, columns, table in (
        ("agents", COLUMNS, rows),
        ("summary", SUMMARY_COLUMNS, summary_rows(sim)),
    ):
        sheet = book.add_worksheet(name)
        for col, title in enumerate(columns):
            sheet.write_string(0, col, title, bold)
        for i, r in enumerate(table, start=1):
            for col, c in enumerate(columns):
                value = r.get(c)
                if isinstance(value, bool):
                    sheet.write_boolean(i, col, value)
                elif isinstance(value, int | float):
                    sheet.write_number(i, col, value)
                else:
                    write_text(sheet, i, col, value, None, quoted)
        sheet.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
