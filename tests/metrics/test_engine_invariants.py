"""Invariants over random small datasets: roll-ups are sums over records."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import AS_OF, contact, roster, sh

AGENTS = ("A1", "A2", "A3")
TEAM = {"A1": "T1", "A2": "T1", "A3": "T2"}
INDICATORS = ["fcr_rate", "aht_avg", "frt_within_target", "contacts_handled", "short_contact_rate"]

contacts = st.lists(
    st.tuples(
        st.sampled_from(AGENTS),
        st.integers(0, 40 * 24),  # hour offset from 2026-09-25 (some outside October)
        st.sampled_from(["K1", "K2", None]),
        st.sampled_from(["查件", "催件"]),
        st.sampled_from([None, "W1", "W2"]),
        st.sampled_from([None, True, False]),
        st.floats(1, 900),
        st.sampled_from(["phone", "chat"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contacts)
def test_team_and_centre_are_sums_of_agent_numerators_and_denominators(rows):
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws")
        try:
            roster(ws, *((a, TEAM[a]) for a in AGENTS))
            base = sh(2026, 9, 25)
            add_records(ws, "contacts", [
                contact(f"c{i}", agent, base + timedelta(hours=h), customer_id=cust,
                        category=cat, waybill_no=wb, resolved=res, talk_seconds=talk,
                        channel=ch)
                for i, (agent, h, cust, cat, wb, res, talk, ch) in enumerate(rows)
            ])  # fmt: skip
            levels = {
                lvl: {(f.key, f.indicator): f for f in
                      compute(ws, "2026-10", level=lvl, indicators=INDICATORS, as_of=AS_OF)}
                for lvl in ("agent", "team", "centre")
            }  # fmt: skip
        finally:
            ws.close()
    for ind in INDICATORS:
        agents = [levels["agent"][(a, ind)] for a in AGENTS]
        for team in ("T1", "T2"):
            members = [f for f in agents if TEAM[f.key] == team]
            t = levels["team"].get((team, ind))
            if t is None:
                assert all(f.sample == 0 for f in members)
                continue
            assert t.numerator == pytest.approx(sum(f.numerator for f in members))
            assert t.sample == sum(f.sample for f in members)
        centre = levels["centre"][("centre", ind)]
        assert centre.numerator == pytest.approx(sum(f.numerator for f in agents))
        assert centre.sample == sum(f.sample for f in agents)
        for f in [*agents, centre]:
            if f.value is not None and ind.endswith(("rate", "target")):
                assert 0 <= f.value <= 1
            assert (f.value is None) == (f.sample == 0)
