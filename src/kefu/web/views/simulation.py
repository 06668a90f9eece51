"""The what-if simulation as the API and the CLI hand it out, in the reader's language.

The engine (:mod:`kefu.scoring.simulation`) returns numbers and indicator ids;
this adds, for each agent whose grade moves, the indicators' names and one
sentence built from the message catalogue (``locales/<locale>/simulation.yaml``)::

    answer = simulation_answer(ws, user, yaml_text, ["2026-10"], "zh-CN")
    answer["rows"][0]["reason_text"]   # 等级由 B 变为 A：一次解决率多得 6.0 分。
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kefu.reports.catalogue import indicator_name
from kefu.scoring.scorecard import Scorecard
from kefu.scoring.simulation import Reason, Simulation, SimulationRow, sensitivity, simulate
from kefu.users.roles import Principal, Role
from kefu.web.i18n import format_number, translate
from kefu.web.views.operations import check_scorecard
from kefu.workspace import Workspace

#: Most months one request may simulate (each reads a month's figures).
MAX_PERIODS = 12


def reason_label(indicator_id: str, locale: str) -> str:
    """The name of what moved: an indicator, or the bonus or the penalties."""
    if indicator_id in ("bonus", "penalty"):
        return translate(locale, f"simulation.{indicator_id}")
    return indicator_name(indicator_id, locale)


def _event(kind: str, locale: str) -> str:
    known = ("complaint", "qa_fatal", "operation_error")
    return translate(locale, f"simulation.event.{kind}") if kind in known else kind


def _point(reason: Reason, locale: str) -> str:
    key = "simulation.point_up" if reason.delta > 0 else "simulation.point_down"
    return translate(
        locale,
        key,
        indicator=reason_label(reason.indicator_id, locale),
        points=format_number(abs(reason.delta), locale, 1),
    )


def reason_text(row: SimulationRow, locale: str) -> str | None:
    """Why the agent's grade moves, in one sentence (None when it does not move)."""
    if not row.grade_changed:
        return None
    parts = [_point(r, locale) for r in row.reasons]
    parts += [
        translate(locale, "simulation.veto_new", event=_event(e, locale), cap=cap)
        for e, cap in row.new_vetoes
    ]
    parts += [
        translate(locale, "simulation.veto_lifted", event=_event(e, locale), cap=cap)
        for e, cap in row.lifted_vetoes
    ]
    points = translate(locale, "simulation.joiner").join(parts)
    points = points or translate(locale, "simulation.no_reasons")
    if row.current is None:
        assert row.draft is not None
        return translate(locale, "simulation.moved_in", after=row.draft.grade, reasons=points)
    if row.draft is None:
        return translate(locale, "simulation.moved_out", before=row.current.grade, reasons=points)
    return translate(
        locale, "simulation.moved", before=row.current.grade, after=row.draft.grade, reasons=points
    )


def explained(sim: Simulation, locale: str) -> dict[str, Any]:
    """``sim.to_json()`` with each reason's label and each mover's sentence."""
    out = sim.to_json()
    for row, data in zip(sim.rows, out["rows"], strict=True):
        data["reason_text"] = reason_text(row, locale)
        for reason in data["reasons"]:
            reason["label"] = reason_label(reason["indicator_id"], locale)
    return out


def simulation_answer(
    ws: Workspace,
    user: Principal,
    text: str,
    periods: Sequence[str],
    locale: str,
    *,
    with_sensitivity: bool = False,
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The simulation of the draft ``text`` over ``periods``, or the draft's issues.

    The same roles as editing a scorecard (manager, admin). Stores nothing.
    """
    user.require(Role.admin, Role.manager)
    draft, issues = check_scorecard(text)
    if draft is None:
        return None, issues
    return simulated(ws, draft, periods, locale, with_sensitivity=with_sensitivity), []


def simulated(
    ws: Workspace,
    draft: Scorecard,
    periods: Sequence[str],
    locale: str,
    *,
    with_sensitivity: bool = False,
) -> dict[str, Any]:
    """The explained simulation of ``draft`` (and its sensitivity when asked)."""
    answer = explained(simulate(ws, draft, list(periods)), locale)
    answer["sensitivity"] = (
        sensitivity(ws, draft, list(periods)).to_json() if with_sensitivity else None
    )
    if answer["sensitivity"] is not None:
        for item in answer["sensitivity"]["indicators"] + answer["sensitivity"]["targets"]:
            item["label"] = reason_label(item["indicator_id"], locale)
    return answer
