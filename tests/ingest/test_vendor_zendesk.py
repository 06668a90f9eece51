"""Zendesk ticket metrics and satisfaction ratings (JSON), from fixtures written from
vendors.md's fields. Expected figures are worked out by hand below from the fixtures and
docs/indicators.md (e-mail response target 86 400 s = 1 440 min; csat_rate = share of
ratings of 4 or 5; the workspace zone is Asia/Shanghai, so a ticket created at
2026-10-31T17:30:00Z is a November one).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kefu.errors import KefuError
from kefu.ingest import import_file
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.ingest.helpers import rejects, stored
from tests.metrics.helpers import AS_OF

VENDORS = Path(__file__).parents[1] / "data" / "vendors"


def _ratios(ws: Workspace, period: str, level: str, indicator: str) -> dict[str, tuple]:
    figures = compute(ws, period, level=level, indicators=[indicator], as_of=AS_OF)
    return {f.key: (f.numerator, f.denominator) for f in figures}


def test_zendesk_ticket_metrics(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "zendesk-ticket-metrics.json", mapping="zendesk-ticket-metrics")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 20, 0, 0)
    contacts = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # No reply yet (reply_time_in_minutes.calendar null): 2003 (unassigned), 2010.
    assert sorted(k for k, c in contacts.items() if c["answered_at"] is None) == ["2003", "2010"]
    # 2001: created 01:00:00Z, first reply 35 calendar minutes later (business: 35 too).
    c = contacts["2001"]
    assert (c["answered_at"] - c["offered_at"]).total_seconds() == 35 * 60
    assert (c["agent_id"], c["customer_id"], c["channel"]) == ("361001", "380000", "email")
    assert (contacts["2005"]["channel"], contacts["2013"]["channel"]) == ("email", "chat")
    # October's 17 replied tickets (2020, 2026-10-31T17:30Z, is November in Beijing time),
    # calendar minutes to the first reply:
    #   361001: 2001 35, 2005 60, 2008 1440, 2012 30, 2015 75, 2018 3   = 1643 min over 6
    #   361002: 2002 120, 2006 240, 2009 45, 2013 5 (chat), 2016 20, 2019 50
    #                                                                   =  480 min over 6
    #   361003: 2004 8, 2007 15, 2011 90, 2014 1500, 2017 180           = 1793 min over 5
    assert _ratios(ws, "2026-10", "agent", "frt_avg") == {
        "361001": (1643 * 60, 6), "361002": (480 * 60, 6), "361003": (1793 * 60, 5),
    }  # fmt: skip
    # E-mail alone leaves out 2013's 5 minutes: 3911 min = 234 660 s over 16.
    assert _ratios(ws, "2026-10", "centre", "frt_avg.email") == {"centre": (234_660, 16)}
    # E-mail target 1 440 min: all but 2014 (1 500; 2008's 1 440 is within); chat target
    # 30 s: 2013's 300 s is over. 361001 6, 361002 5, 361003 4: 15 of 17.
    assert _ratios(ws, "2026-10", "centre", "frt_within_target") == {"centre": (15, 17)}
    # Reopened, so not resolved the first time: 2002, 2006 (361002), 2014 (361003).
    assert _ratios(ws, "2026-10", "agent", "fcr_rate") == {
        "361001": (6, 6), "361002": (4, 6), "361003": (4, 5),
    }  # fmt: skip
    assert _ratios(ws, "2026-11", "agent", "frt_avg") == {"361001": (600, 1)}


def test_zendesk_ticket_metrics_alone_name_no_agent(ws: Workspace, tmp_path: Path) -> None:
    # The plain /ticket_metrics list (the metric sets without their tickets) has no
    # assignee: the profile refuses it (no "tickets" list) rather than store contacts of
    # nobody, which no figure would count.
    doc = json.loads((VENDORS / "zendesk-ticket-metrics.json").read_text(encoding="utf-8"))
    plain = {"ticket_metrics": [t["metric_set"] for t in doc["tickets"]], "count": 20}
    path = tmp_path / "ticket_metrics.json"
    path.write_text(json.dumps(plain), encoding="utf-8")
    with pytest.raises(KefuError, match="tickets"):
        import_file(ws, path, mapping="zendesk-ticket-metrics")


def test_zendesk_satisfaction_ratings(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "zendesk-satisfaction.json", mapping="zendesk-satisfaction")
    # 21 ratings: offered 9004, 9012, 9014, 9018 and unoffered 9008, 9020 are no answer
    # (skipped); 9021 is good but names no assignee (rejected).
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (21, 14, 6, 1)
    assert [x.rule.split(":")[0] for x in rejects(ws)] == ["missing"]
    surveys = {s["survey_id"]: s for s in stored(ws, "surveys")}
    assert (surveys["9001"]["csat"], surveys["9002"]["csat"]) == (5, 1)
    assert (surveys["9001"]["agent_id"], surveys["9001"]["contact_id"]) == ("361001", "2001")
    #   361001: good 9001, 9007, 9013, 9016; bad 9010       → 4 of 5, mean (4·5 + 1) / 5
    #   361002: good 9011, 9019; bad 9002, 9005, 9017        → 2 of 5, mean (2·5 + 3) / 5
    #   361003: good 9003, 9006, 9015; bad 9009              → 3 of 4, mean (3·5 + 1) / 4
    assert _ratios(ws, "2026-10", "agent", "csat_rate") == {
        "361001": (4, 5), "361002": (2, 5), "361003": (3, 4),
    }  # fmt: skip
    assert _ratios(ws, "2026-10", "agent", "csat_mean") == {
        "361001": (21, 5), "361002": (13, 5), "361003": (16, 4),
    }  # fmt: skip
    assert _ratios(ws, "2026-10", "centre", "csat_rate") == {"centre": (9, 14)}
