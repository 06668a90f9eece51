"""Acceptance: an export none of the other tests use imports with no --mapping.

tests/data/vendors/unseen-7moor-cdr-2026-11.csv is a second 容联七陌 queryCdr export,
written from vendors.md's fields: its columns in another order, only those the
7moor-cdr profile reads (no REF_CALL_SHEET_ID or RECORD_FILE_NAME), other calls, UTF-8
with a BOM and CRLF line ends. ``kefu import FILE`` must recognise the profile from the
headers alone, and the figures must be those worked out by hand below (docs/indicators.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli import app
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.metrics.helpers import AS_OF

UNSEEN = Path(__file__).parents[1] / "data" / "vendors" / "unseen-7moor-cdr-2026-11.csv"


def _ratios(ws: Workspace, level: str, indicator: str) -> dict[str, tuple]:
    figures = compute(ws, "2026-11", level=level, indicators=[indicator], as_of=AS_OF)
    return {f.key: (f.numerator, f.denominator) for f in figures}


def test_an_unseen_7moor_export_is_recognised_and_gives_the_right_figures(
    ws: Workspace,
) -> None:
    result = CliRunner().invoke(
        app, ["import", str(UNSEEN), "--format", "json", "--home", str(ws.home)]
    )
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)
    # 12 calls; u06 is blackList (never offered): skipped.
    assert {k: summary[k] for k in ("table", "rows_read", "accepted", "rejected")} == {
        "table": "contacts", "rows_read": 12, "accepted": 11, "rejected": 0,
    }  # fmt: skip
    assert "7moor-cdr" in result.output
    # Answered (dealing): u01, u02, u04, u05 (outbound), u07 (transfer leg), u09, u11, u12.
    #   8101: u01 6 s / 240, u04 10 / 360, u09 25 / 600, u12 10 / 180
    #         → frt 51 / 4, aht 1380 / 4
    #   8102: u02 35 / 120, u05 outbound – / 180, u07 4 / 300, u11 8 / 7
    #         → frt 47 / 3, aht 607 / 4
    assert _ratios(ws, "agent", "frt_avg") == {"8101": (51, 4), "8102": (47, 3)}
    assert _ratios(ws, "agent", "aht_avg") == {"8101": (1380, 4), "8102": (607, 4)}
    # Within 20 s: 8101 u01, u04, u12; 8102 u07, u11: 5 of 7.
    assert _ratios(ws, "centre", "frt_within_target") == {"centre": (5, 7)}
    # Repeats (same caller, same queue, within 48 h):
    #   u01 (…001 售后组 08:00) ← u07, the transfer leg in the same queue at 08:04:10;
    #   u02 (…002 售后组 08:10) ← u04 (…002 售后组 09:00);
    #   u09 (…007 理赔组 11-04 09:00:00) is not repeated by u12: 48 h and 1 s later.
    #   8101: 3 of 4 (u01); 8102: 2 of 3 (u02); centre 5 of 7.
    assert _ratios(ws, "agent", "fcr_rate") == {"8101": (3, 4), "8102": (2, 3)}
    # Handled: 4 each; u08 rang 8101 unanswered and is nobody's.
    handled = _ratios(ws, "agent", "contacts_handled")
    assert {k: n for k, (n, _d) in handled.items()} == {"8101": 4, "8102": 4}


SHIPPED = [
    ("7moor-cdr.csv", "7moor-cdr"),
    ("7moor-cdr-zh.csv", "7moor-cdr-zh"),
    ("udesk-im-sessions.csv", "udesk-im-sessions"),
    ("udesk-calls.csv", "udesk-calls"),
    ("udesk-tickets.csv", "udesk-tickets"),
    ("sobot-calls.json", "sobot-calls"),
    ("huawei-cec-calls.json", "huawei-cec-calls"),
    ("meiqia-conversations.csv", "meiqia-conversations"),
    ("zendesk-ticket-metrics.json", "zendesk-ticket-metrics"),
    ("zendesk-satisfaction.json", "zendesk-satisfaction"),
    ("freshdesk-tickets.csv", "freshdesk-tickets"),
    ("qiyu-session-export.zip", "qiyu-sessions"),
    ("aliyun-ccc-call-detail-records.json", "aliyun-ccc-calls"),
    ("amazon-connect-ctr.json", "amazon-connect-ctr"),
    ("genesys-cloud-conversations.csv", "genesys-cloud-conversations"),
    ("clink-cdr-ib.json", "clink-inbound-cdr"),
]


@pytest.mark.parametrize(("fixture", "profile"), SHIPPED)
def test_each_vendor_fixture_is_recognised_as_its_own_profile(
    ws: Workspace, fixture: str, profile: str
) -> None:
    # No two shipped vendor profiles fit the same export: each fixture is recognised as
    # the one profile written for it (a dry run: nothing is stored).
    path = UNSEEN.parent / fixture
    result = CliRunner().invoke(
        app, ["import", str(path), "--dry-run", "--format", "json", "--home", str(ws.home)]
    )
    assert result.exit_code == 0, result.output
    assert f"recognised as {profile} (" in result.output
