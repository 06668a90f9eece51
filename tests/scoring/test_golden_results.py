"""Golden results: the figures, totals, grades, pay and stored rows of fixed inputs.

This test exists to prove that reorganising the scoring code changes nothing:
the constants below were recorded from the code before the indicator catalogue
was made one and the results typed (issue 12), and every later step must keep
them. They are not worked out by hand (the other scoring tests are); a change
here is a change to what people are paid, and must be explained as such.

Two inputs: hand-built figures and events scored by the pure
:func:`build_results` under three scorecards that reach every rule (steps,
bands, shrinkage, each small-sample policy, bonus and penalty caps, vetoes,
forced distribution), and the demo centre at a small size scored end to end
(import, three months, the quarter) and read back from the store.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select

from kefu import scoring
from kefu.demo.run import (
    DemoRun,
    fresh_workspace,
    generate_exports,
    import_exports,
    install_centre_scorecard,
    score_months,
    write_mapping_profiles,
)
from kefu.metrics.figures import Figure, Level, Status
from kefu.periods import Period
from kefu.scoring.inputs import Assignment
from kefu.scoring.models import ScoringResult
from kefu.scoring.month import build_results
from kefu.scoring.registry import ScorecardSet
from kefu.scoring.runs import results_hash
from tests.scoring.helpers import card

# -- hand-built figures -----------------------------------------------------------------

RULES = """
dimensions:
  - id: efficiency
    name: {{zh: 效率, en: Efficiency}}
    indicators:
      - {{id: fcr_rate, weight: 30, direction: higher_better,
         target: 0.9, threshold: 0.5, min_sample: 20}}
      - {{id: aht_avg, weight: 20, direction: band, band: [180, 420],
         tolerance: 120, min_sample: 20}}
      - {{id: frt_within_target, weight: 10, direction: higher_better, target: 0.9, threshold: 0.6}}
  - id: quality
    name: {{zh: 质量, en: Quality}}
    indicators:
      - {{id: complaint_rate, weight: 20, direction: lower_better,
         target: 0.0, threshold: 0.005, min_sample: 30}}
      - {{id: error_rate, weight: 10, min_sample: 30, steps: [{{max: 0.001, share: 1.0}},
         {{max: 0.003, share: 0.5}}, {{min: 0.01, share: 0.0}}]}}
      - {{id: csat_rate, weight: 10, direction: higher_better,
         target: 0.95, threshold: 0.75, min_sample: 10}}
bonus:
  - {{indicator: praise_count, points_each: 2, cap: 5}}
penalties:
  - {{event: complaint, where: {{severity: major}}, points_each: 4, cap: 6}}
  - {{event: complaint, where: {{severity: [minor, moderate]}}, points_each: 1}}
veto:
  - {{event: qa_fatal, cap_grade: C}}
insufficient_sample: {policy}
{extra}
applications:
  pay_coefficient: {{S: 1.5, A: 1.2, B: 1.0, C: 0.8, D: 0.5}}
"""
THRESHOLDS = "grades:\n  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}"
DISTRIBUTION = """grades:
  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}
  distribution:
    within: team
    shares: {S: 0.1, A: 0.2, B: 0.5, C: 0.15, D: 0.05}
    min_population: 8"""
SHRINKAGE = "shrinkage: {enabled: true, prior_strength: 15}"

RATES = ("fcr_rate", "frt_within_target", "complaint_rate", "error_rate", "csat_rate")
TEAMS = ("北京一组", "北京二组", "上海一组")


def _figure(rng: random.Random, key: str, indicator: str, level: Level) -> Figure | None:
    if rng.random() < 0.08:
        return None  # no figure at all
    sample = rng.choice([0, 3, 12, 25, 40, 80, 150, 400])
    if indicator == "praise_count":
        value = float(rng.randint(0, 4))
        return Figure("2026-10", level, key, indicator, value, value, None, 1, Status.OK)
    if sample == 0:
        return Figure("2026-10", level, key, indicator, None, None, None, 0, Status.NO_DATA)
    if indicator == "aht_avg":
        value = rng.uniform(60, 600)
        return Figure("2026-10", level, key, indicator, value, value * sample, sample, sample,
                      Status.OK)  # fmt: skip
    centre = {"complaint_rate": 0.004, "error_rate": 0.003}.get(indicator, 0.8)
    hits = min(sample, max(0, round(rng.gauss(centre, 0.15 if centre > 0.1 else 0.004) * sample)))
    return Figure("2026-10", level, key, indicator, hits / sample, float(hits), float(sample),
                  sample, Status.OK)  # fmt: skip


def _centre() -> tuple[dict[str, Assignment], dict[str, Any], dict[str, Any], dict[str, Any]]:
    rng = random.Random(20261012)
    ids = (*RATES, "aht_avg", "praise_count")
    roster, figures, team_figures, events = {}, {}, {}, {}
    for n in range(36):
        agent = f"KF{n:03d}"
        team = TEAMS[n % 3]
        roster[agent] = Assignment(agent, f"坐席{n}", team, team[:2])
        figures[agent] = {
            i: f for i in ids if (f := _figure(rng, agent, i, Level.AGENT)) is not None
        }
        found: dict[str, list[dict[str, Any]]] = {}
        for _ in range(rng.choice([0, 0, 1, 2, 4])):
            severity = rng.choice(["major", "minor", "moderate", "none"])
            found.setdefault("complaint", []).append({"severity": severity})
        if rng.random() < 0.1:
            found["qa_fatal"] = [{}]
        events[agent] = found
    for team in TEAMS:
        team_figures[team] = {
            i: f for i in ids if (f := _figure(rng, team, i, Level.TEAM)) is not None
        }
    return roster, figures, team_figures, events


def _hand_built(policy: str, extra: str) -> list[dict[str, Any]]:
    roster, figures, team_figures, events = _centre()
    scorecard = card(RULES.format(policy=policy, extra=extra), name=f"golden-{policy}")
    return build_results(
        Period.parse("2026-10"),
        ScorecardSet(scorecard, ()),
        roster,
        figures,
        team_figures=team_figures,
        events=events,
    )


HAND_BUILT = {
    # policy, extra → (results hash, sha256 of the totals, grades and pay in agent order)
    ("redistribute", SHRINKAGE + "\n" + THRESHOLDS): (
        "e94e6010976081981b88768b4ca857f8e2df80b59533ce0239a0684a336f6a5a",
        "98998ff206c07f8bac459a004ff070b04176584b8c947e914a6d2f0815a9f5c0",
        "DBSBDBDCCDSDDDDDACDCADSDBDDSBBDDBBCD",
        "0.5,1.0,1.5,1.0,0.5,1.0,0.5,0.8,0.8,0.5,1.5,0.5,0.5,0.5,0.5,0.5,1.2,0.8,0.5,0.8,1.2,0.5,1.5,0.5,1.0,0.5,0.5,1.5,1.0,1.0,0.5,0.5,1.0,1.0,0.8,0.5",
    ),
    ("team_value", DISTRIBUTION): (
        "859198eb50160df9cd0e496deba492afd7825b10763c473ba866904f148482fd",
        "278a578c479b848b43f14a380c72997c288c539bed5a7e4969964dfb5daac2b0",
        "CSSACAACABBCBBBBABDDBBBBBBCSBBCBBBCD",
        "0.8,1.5,1.5,1.2,0.8,1.2,1.2,0.8,1.2,1.0,1.0,0.8,1.0,1.0,1.0,1.0,1.2,1.0,0.5,0.5,1.0,1.0,1.0,1.0,1.0,1.0,0.8,1.5,1.0,1.0,0.8,1.0,1.0,1.0,0.8,0.5",
    ),
    ("zero", THRESHOLDS): (
        "62d9aafe83b3bebeead4c0212c5f7451fb423ecc0dfa2f2a6ac8dd70a3130bb1",
        "1107c1b73b0faab0547091ecbc66ea09c37a8ab5bb178221ebdc0eb245c29bb5",
        "DCBDDDDDDDDDDDDDBDDDDDDDDDDDDDDDDDCD",
        "0.5,0.8,1.0,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,1.0,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.8,0.5",
    ),
}


def _summary(rows: list[dict[str, Any]]) -> tuple[str, str, str, str]:
    ordered = sorted(rows, key=lambda r: r["agent_id"])
    totals = ",".join(repr(r["total"]) for r in ordered)
    grades = "".join(r["grade"] for r in ordered)
    pay = ",".join(repr(r["pay_coefficient"]) for r in ordered)
    return results_hash(rows), hashlib.sha256(totals.encode()).hexdigest(), grades, pay


@pytest.mark.parametrize(("policy", "extra"), list(HAND_BUILT))
def test_hand_built_figures_score_as_recorded(policy: str, extra: str) -> None:
    rows = _hand_built(policy, extra)
    assert _summary(rows) == HAND_BUILT[(policy, extra)]


# -- the demo centre, end to end --------------------------------------------------------

MONTHS = ("2026-10", "2026-11", "2026-12")
GOLDEN_AS_OF = datetime(2027, 1, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """24 agents over a quarter (forced distribution: the centre has more than 20)."""
    home = tmp_path_factory.mktemp("golden") / "demo"
    # Scored as of one fixed instant after the quarter, whatever day the suite runs.
    run = DemoRun(home=home, agents=24, months=3, start=MONTHS[0], seed=2026,
                  console=Console(file=io.StringIO()), as_of=GOLDEN_AS_OF)  # fmt: skip
    steps = [fresh_workspace, generate_exports, write_mapping_profiles, import_exports,
             install_centre_scorecard, score_months]  # fmt: skip
    try:
        for step in steps:
            step(run)
        scoring.score_period(run.workspace, "2026-Q4", actor="golden", as_of=GOLDEN_AS_OF)
        yield run
    finally:
        if run.ws is not None:
            run.ws.close()


def _stored(run: DemoRun, period: str) -> tuple[str, str]:
    """The run's results hash and the sha256 of its stored rows (agent order)."""
    ws = run.workspace
    found = scoring.latest_run(ws, period)
    assert found is not None
    with ws.db.session() as s:
        stored = s.scalars(
            select(ScoringResult.detail_json)
            .where(ScoringResult.run_id == found.id)
            .order_by(ScoringResult.agent_id)
        ).all()
    return found.results_hash, hashlib.sha256("\n".join(stored).encode()).hexdigest()


DEMO_STORED: dict[str, tuple[str, str]] = {
    "2026-10": (
        "2cbde16ee2d6b97a47db3ffb5262ad5f57760c69d56b86a791d22266da8f5d37",
        "c6e044ec47269d9ed681447d4f9268ebd193bbb35da91b24019194ee89846b97",
    ),
    "2026-11": (
        "3d4f26ebb329dbc456a6beb65b24b6d6cf1d43ee43af4120f558095e6ca1be87",
        "1eac9567c6a5e7e13851f0be6f100f1b92f32db25def8293545cfe1cf7eff956",
    ),
    "2026-12": (
        "186b6b4c49838f7c6abe8132d66b1c9123333a9b08e2e98183fbd3182a2e214e",
        "6ec2058cf5f6ec948599505b3411e7f69f72a3916173fbc53d3e23cd2caf1ce1",
    ),
    "2026-Q4": (
        "d77fce73b5e663e78b8f5338ff7a7bb94cab890ca0ac5cddbaad55633bcd8993",
        "0b0702120121d21b45c6c65b9f23e8b0d9b264855f7e24e8e214bc1dd8f48026",
    ),
}
DEMO_OCTOBER: list[tuple[str, float, str, float | None]] = [
    ("KF10019", 97.7365206093485, "S", 1.5),
    ("KF10015", 97.6584810090863, "S", 1.5),
    ("KF10016", 96.57975612192006, "A", 1.2),
    ("KF10024", 93.44275763544516, "A", 1.2),
    ("KF10020", 87.97360847123258, "A", 1.2),
    ("KF10022", 87.78359024715208, "A", 1.2),
    ("KF10014", 87.60260157102292, "A", 1.2),
    ("KF10008", 86.10477367711411, "B", 1.0),
    ("KF10023", 84.86278288723668, "B", 1.0),
    ("KF10001", 84.3565480141994, "B", 1.0),
    ("KF10012", 75.34760350277368, "B", 1.0),
    ("KF10006", 73.85316671563912, "B", 1.0),
    ("KF10009", 73.0318596768307, "B", 1.0),
    ("KF10007", 64.90471480886171, "B", 1.0),
    ("KF10010", 57.85786382903629, "B", 1.0),
    ("KF10018", 52.24663832746252, "B", 1.0),
    ("KF10005", 47.61799042956757, "B", 1.0),
    ("KF10004", 47.10634315684043, "B", 1.0),
    ("KF10002", 45.54317480393482, "B", 1.0),
    ("KF10003", 43.66449184575552, "C", 0.8),
    ("KF10021", 24.825897237970256, "C", 0.8),
    ("KF10017", 19.569558686218365, "C", 0.8),
    ("KF10013", 10.515584546042797, "D", 0.5),
]


@pytest.mark.parametrize("period", [*MONTHS, "2026-Q4"])
def test_demo_results_are_stored_as_recorded(demo: DemoRun, period: str) -> None:
    assert _stored(demo, period) == DEMO_STORED[period]


def test_demo_october_totals_grades_and_pay_are_as_recorded(demo: DemoRun) -> None:
    rows = scoring.results(demo.workspace, "2026-10")
    found = [(r["agent_id"], r["total"], r["grade"], r["pay_coefficient"]) for r in rows]
    assert found == DEMO_OCTOBER
