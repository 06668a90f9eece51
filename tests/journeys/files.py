"""Reading the centre's own export files, to know what the pages must show."""

from __future__ import annotations

import csv
from pathlib import Path

# The demo feedback system's complaint export (kefu.demo.exports: 投诉.csv).
COMPLAINT_HEADERS = ("投诉单号", "被投诉坐席", "通话ID", "投诉时间", "投诉原因", "严重程度",
                     "是否客服责任", "处理状态")  # fmt: skip


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def upheld_cs_complaints(rows: list[dict[str, str]], agent_id: str, month: str) -> list[str]:
    """Complaints the scorecard counts against ``agent_id`` in ``month`` (YYYY-MM):
    caused by customer service (是否客服责任 = 是) and upheld (处理状态 = 成立)."""
    return [
        r["投诉单号"]
        for r in rows
        if r["被投诉坐席"] == agent_id
        and r["投诉时间"].startswith(month)
        and r["是否客服责任"] == "是"
        and r["处理状态"] == "成立"
    ]


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COMPLAINT_HEADERS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def complaints(path: Path, agent_id: str, month: str) -> list[dict[str, str]]:
    """The rows of ``agent_id`` in ``month`` as the complaints export has them."""
    return [
        r for r in read_csv(path) if r["被投诉坐席"] == agent_id and r["投诉时间"].startswith(month)
    ]
