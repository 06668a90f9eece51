from __future__ import annotations

import pytest

from kefu.scoring import score_period
from kefu.scoring.scorecard import load_scorecard
from kefu.scoring.targets import history_values, percentile, suggest, write_suggestion
from tests.scoring.helpers import FakeEngine, card, fig

BODY = """
dimensions:
  - id: d
    indicators:
      - {id: fcr_rate, weight: 50, direction: higher_better, target: 0.85, threshold: 0.5}
      - {id: complaint_rate, weight: 30, direction: lower_better, target: 0.002, threshold: 0.01}
      - {id: aht_avg, weight: 20, direction: band, band: [180, 420], tolerance: 60}
grades: {thresholds: {A: 80, B: 0}}
"""


def test_percentiles_interpolate_linearly():
    vals = [0.6, 0.7, 0.8, 0.9, 1.0]
    assert percentile(vals, 75) == pytest.approx(0.9)
    assert percentile(vals, 10) == pytest.approx(0.6 + 0.4 * 0.1)  # position 0.4


def test_suggestions_by_direction():
    rows = {
        r["indicator"]: r
        for r in suggest(
            card(BODY),
            {
                "fcr_rate": [0.6, 0.7, 0.8, 0.9, 1.0],
                "complaint_rate": [0.0, 0.001, 0.002, 0.004, 0.008],
                "aht_avg": [200, 300],
            },
        )
    }
    assert rows["fcr_rate"]["suggested_target"] == pytest.approx(0.9)  # P75 above 0.85
    assert rows["fcr_rate"]["suggested_threshold"] == pytest.approx(0.64)  # P10
    # lower_better: P25 = 0.001 (stricter than 0.002); P90 at position 3.6
    assert rows["complaint_rate"]["suggested_target"] == pytest.approx(0.001)
    assert rows["complaint_rate"]["suggested_threshold"] == pytest.approx(0.004 + 0.6 * 0.004)
    assert rows["aht_avg"]["suggested_target"] is None


def test_a_suggestion_is_never_easier_than_the_current_target():
    rows = suggest(card(BODY), {"fcr_rate": [0.5, 0.6, 0.7, 0.8], "complaint_rate": [0.01] * 4})
    fcr, complaint = rows[0], rows[1]
    assert fcr["suggested_target"] == 0.85  # P75 = 0.725 is easier
    assert fcr["suggested_threshold"] == pytest.approx(0.5 + 0.3 * 0.1)
    assert complaint["suggested_target"] == 0.002  # P25 = 0.01 is easier
    # P90 = 0.01 is not above the target…: kept
    assert complaint["suggested_threshold"] == 0.01


def test_suggest_from_scored_months_and_write_a_new_version(ws, tmp_path):
    c = card(BODY)
    figs = []
    for period, vals in (("2026-09", [0.6, 0.7]), ("2026-10", [0.8, 0.9]), ("2026-11", [1.0])):
        for i, v in enumerate(vals):
            figs.append(fig("fcr_rate", v, key=f"{period}-{i}", period=period))
    engine = FakeEngine(figs)
    for period in ("2026-09", "2026-10", "2026-11"):
        score_period(ws, period, scorecard=c, actor="t", compute=engine)
    values, labels = history_values(ws, c, 2)
    assert labels == ["2026-11", "2026-10"]
    assert sorted(values["fcr_rate"]) == [0.8, 0.9, 1.0]
    rows = suggest(c, values)
    out = tmp_path / "new.yaml"
    write_suggestion(c, rows, out, "1+targets")
    new = load_scorecard(out)
    assert new.version == "1+targets"
    fcr = new.dimensions[0].indicators[0]
    assert fcr.target == pytest.approx(0.95)  # P75 of 0.8, 0.9, 1.0
    assert fcr.threshold == pytest.approx(0.82)  # P10
