"""docs/scorecards.md against the scoring rules: its worked examples and the shipped scorecard.

The agent's month is scored by a real scoring run (hand-made figures, events
in the fact store, the shipped scorecard); the forced distribution, target
suggestions and the rule examples in the prose go through the same functions
the runs use; the shipped scorecard's tables are rebuilt from the YAML file.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from kefu.metrics.figures import Figure, Level, Status
from kefu.scoring import results, score_period
from kefu.scoring.fairness import wilson_interval
from kefu.scoring.grading import forced_distribution, grade_by_thresholds, quotas
from kefu.scoring.scorecard import Direction, Scorecard, default_scorecard
from kefu.scoring.shares import band_share, linear_share
from kefu.scoring.targets import suggest
from tests.factories import add_records
from tests.markdown import DOCS, code, examples
from tests.metrics.helpers import sh
from tests.scoring.helpers import FakeEngine

PAGE = (DOCS / "scorecards.md").read_text(encoding="utf-8")
EXAMPLES = {e.name: e for e in examples(PAGE)}
CARD = default_scorecard()


def _number(cell: str) -> float | None:
    text = code(cell)
    if text in ("—", "null"):
        return None
    return float(text)


def _agrees(actual: float | None, printed: str) -> bool:
    expected = _number(printed)
    if expected is None or actual is None:
        return expected is None and actual is None
    text = code(printed)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(actual - expected) <= 0.5 * 10**-decimals + 1e-9


def _g(x: float) -> str:
    return f"{x:g}"


# -- the agent's month ------------------------------------------------------------


def test_the_agent_month_example_is_what_a_scoring_run_gives(ws):
    example = EXAMPLES["agent-month"]
    lines, summary = example.tables
    assert [code(r["indicator"]) for r in lines] == CARD.indicator_ids
    figures = [
        Figure("2026-10", Level.AGENT, "A1", code(r["indicator"]), _number(r["value"]), None,
               None, int(r["sample"]), Status.NO_DATA if r["value"] == "null" else Status.OK)
        for r in lines
    ]  # fmt: skip
    # The events the example names: 7 praise, 1 upheld major complaint, 1 QA fatal error.
    totals = {r[""]: r["points"] for r in summary}
    assert "bonus (7 praise, capped at 5)" in totals
    assert "penalty (1 major complaint × 5)" in totals
    assert "veto (1 QA fatal error, cap C)" in totals
    figures.append(Figure("2026-10", Level.AGENT, "A1", "praise_count", 7.0, 7.0, None, 7,
                          Status.OK))  # fmt: skip
    add_records(ws, "agents", [{"agent_id": "A1", "name": "A1", "team": "T1", "site": "S1"}])
    add_records(ws, "complaints", [
        {"complaint_id": "P1", "agent_id": "A1", "received_at": sh(2026, 10, 7, 9),
         "severity": "major", "attributed": True, "status": "upheld"},
    ])  # fmt: skip
    add_records(ws, "qa_evaluations", [
        {"evaluation_id": "Q4", "agent_id": "A1", "evaluated_at": sh(2026, 10, 30, 10),
         "fatal": True},
    ])  # fmt: skip
    score_period(ws, "2026-10", actor="test", compute=FakeEngine(figures),
                 as_of=datetime(2026, 11, 5, tzinfo=UTC))  # fmt: skip
    (row,) = results(ws, "2026-10")
    scored = {i["indicator"]: i for i in row["indicators"]}
    wrong = []
    for r in lines:
        got = scored[code(r["indicator"])]
        same = (
            _agrees(got["weight"], r["weight"])
            and got["status"] == r["status"]
            and _agrees(got["share"], r["share"])
            and _agrees(got["effective_weight"], r["effective weight"])
            and _agrees(got["points"], r["points"])
        )
        if not same:
            wrong.append((r, got))
    assert not wrong, wrong
    assert _agrees(sum(i["points"] for i in row["indicators"]), totals["indicators"])
    assert _agrees(row["bonus"], totals["bonus (7 praise, capped at 5)"])
    assert _agrees(row["penalty"], totals["penalty (1 major complaint × 5)"])
    assert _agrees(row["total"], totals["total"])
    assert row["grade_before_veto"] == totals["grade by thresholds"]
    assert row["grade"] == totals["veto (1 QA fatal error, cap C)"]
    assert _agrees(row["pay_coefficient"], totals["pay coefficient"])
    dims = {d["id"]: d["points"] for d in row["dimensions"]}
    printed = re.search(
        r"efficiency ([\d.]+), quality ([\d.]+), satisfaction\s+([\d.]+) and\s+development "
        r"([\d.]+) points",
        example.body,
    )
    assert printed is not None
    for dim, text in zip(("efficiency", "quality", "satisfaction", "development"),
                         printed.groups(), strict=True):  # fmt: skip
        assert _agrees(dims[dim], text), (dim, dims[dim], text)


# -- grades, targets and the rules in the prose --------------------------------------------


def _shares(text: str) -> dict[str, float]:
    return {g: float(s) for g, s in re.findall(r"([A-Z]) ([\d.]+)", text)}


def test_the_forced_distribution_example_is_what_grading_gives():
    example = EXAMPLES["forced-distribution"]
    shares = _shares(example.settings["shares"])
    assert list(shares) == ["S", "A", "B", "C", "D"]
    (rows,) = example.tables
    totals = {r["agent"]: float(r["total"]) for r in rows}
    assert forced_distribution(totals, shares) == {r["agent"]: r["grade"] for r in rows}
    assert quotas(len(rows), shares) == {"S": 1, "A": 2, "B": 5, "C": 2, "D": 0}
    assert "quotas S 1, A 2, B 5, C 2, D 0" in " ".join(example.body.split())
    # The team of three in the prose: A 1, B 2.
    assert quotas(3, shares) == {"S": 0, "A": 1, "B": 2, "C": 0, "D": 0}


def test_the_threshold_examples_round_the_total_before_grading():
    thresholds = CARD.grades.thresholds
    assert thresholds is not None
    assert "84.996 is displayed 85.00 and graded A" in " ".join(PAGE.split())
    assert grade_by_thresholds(84.996, thresholds) == "A"
    assert grade_by_thresholds(84.994, thresholds) == "B"


def test_the_target_suggestion_example_is_what_suggest_gives():
    example = EXAMPLES["targets"]
    indicator = example.settings["indicator"]
    values = [float(v) for v in example.settings["values"].split(",")]
    (row,) = [r for r in suggest(CARD, {indicator: values}) if r["indicator"] == indicator]
    (table,) = example.tables
    printed = {r[""]: float(r["suggested"].split()[0]) for r in table}
    assert row["suggested_target"] == pytest.approx(printed["target"])
    assert row["suggested_threshold"] == pytest.approx(printed["threshold"])


def test_the_rule_examples_in_the_prose_hold():
    hb, lb = Direction.HIGHER_BETTER, Direction.LOWER_BETTER
    assert 12 * linear_share(hb, 0.85, 0.6, 0.80) == pytest.approx(9.6)
    assert 8 * linear_share(lb, 0.0, 0.005, 0.002) == pytest.approx(4.8)
    assert band_share(180, 420, 120, 460) == pytest.approx(1 - 40 / 120)
    assert band_share(180, 420, 120, 540) == 0 and band_share(180, 420, 120, 60) == 0
    text = " ".join(PAGE.split())
    for phrase in ("earns (0.80 − 0.6) / (0.85 − 0.6) = 0.8 of 12 = 9.6 points",
                   "0.002 earns (0.005 − 0.002) / 0.005 = 0.6 of 8 = 4.8 points",
                   "460 s earns 1 − 40 / 120 = 0.6667"):  # fmt: skip
        assert phrase in text


def test_the_wilson_intervals_in_the_indicators_page_hold():
    text = " ".join((DOCS / "indicators.md").read_text(encoding="utf-8").split())
    for successes, trials, printed in ((4, 5, "38–96 %"), (400, 500, "76–83 %")):
        interval = wilson_interval(successes, trials)
        assert interval is not None
        low, high = (round(100 * x) for x in interval)
        assert printed == f"{low}–{high} %"
        assert f"{successes} of {trials} (80 %, interval {printed})" in text


# -- the shipped scorecard -----------------------------------------------------------------


def _rule(r: Any) -> str:
    if r.steps:
        parts = []
        for s in r.steps:
            bound = (
                f"≤ {_g(s.max)}" if s.max is not None else f"≥ {_g(s.min)}" if s.min is not None
                else "else"
            )  # fmt: skip
            parts.append(f"{bound} → {_g(s.share)}")
        return "steps: " + ", ".join(parts)
    if r.direction is Direction.BAND:
        assert r.band is not None
        return f"band {_g(r.band[0])}–{_g(r.band[1])}, tolerance {_g(r.tolerance)}"
    assert r.target is not None and r.threshold is not None
    return f"{r.direction}, target {_g(r.target)}, threshold {_g(r.threshold)}"


def _where(where: dict[str, Any]) -> str:
    return "".join(f" where {k} {v}" for k, v in where.items())


def _grades_list(mapping: dict[str, float]) -> str:
    return ", ".join(f"{g} {_g(v)}" for g, v in mapping.items())


def _shipped(card: Scorecard) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    indicators = []
    for dim in card.dimensions:
        for i, r in enumerate(dim.indicators):
            label = f"{dim.id} {dim.name.zh}" if i == 0 else ""
            indicators.append([label, f"`{r.id}`", _g(r.weight), _rule(r), str(r.min_sample)])
    rules = [
        ["bonus", f"`{b.indicator}`: +{_g(b.points_each)} each, cap {_g(b.cap)}"]
        for b in card.bonus
    ]
    rules += [
        ["penalty", f"`{p.event}`{_where(p.where)}: −{_g(p.points_each)} each"]
        for p in card.penalties
    ]
    rules += [["veto", f"`{v.event}`{_where(v.where)}: grade at most {v.cap_grade}"]
              for v in card.veto]  # fmt: skip
    assert card.grades.thresholds is not None and card.applications.promotion is not None
    apps = card.applications
    promo = apps.promotion
    assert promo is not None
    rules += [
        ["grades", f"thresholds {_grades_list(card.grades.thresholds)}"],
        ["pay coefficient", _grades_list(apps.pay_coefficient)],
        ["promotion", f"grade {promo.min_grade} or better in each of the last "
                      f"{promo.consecutive_months} months"],
        ["training", f"a dimension below {_g(apps.training_below_share or 0)} of its weight"],
        ["improvement plan", f"grades {', '.join(apps.improvement_plan_grades)}"],
        ["insufficient sample", str(card.insufficient_sample)],
    ]  # fmt: skip
    assert card.monitor is not None
    alerts = []
    for a in card.monitor.alerts:
        if a.above is not None:
            when = f"above {_g(a.above)}"
        elif a.below is not None:
            when = f"below {_g(a.below)}"
        elif a.outside is not None:
            when = f"outside {_g(a.outside[0])}–{_g(a.outside[1])}"
        else:
            assert a.at_least is not None
            when = f"at least {_g(a.at_least)}"
        alerts.append([f"`{a.indicator or a.count}`", when, str(a.min_sample), str(a.level),
                       a.severity])  # fmt: skip
    return indicators, rules, alerts


def test_the_default_scorecard_tables_are_the_shipped_file():
    block = PAGE.split("<!-- default-scorecard -->")[1].split("<!-- /default-scorecard -->")[0]
    from tests.markdown import tables

    printed = [[list(r.values()) for r in t] for t in tables(block)]
    indicators, rules, alerts = _shipped(CARD)
    assert printed == [indicators, rules, alerts]
    assert CARD.monitor is not None
    monitor = ", ".join(f"`{i}`" for i in CARD.monitor.indicators[:-1])
    monitor += f" and `{CARD.monitor.indicators[-1]}`"
    assert f"Daily monitor: {monitor}," in " ".join(block.split())
