"""What the demo's steps share: :class:`DemoRun` and the demo months.

Kept apart from :mod:`kefu.demo.run` so that steps in their own modules
(:mod:`kefu.demo.workflow`) can take a ``DemoRun`` without importing the
module that lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from kefu.demo.generator import (
    DEFAULT_AGENTS,
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    DEFAULT_START,
    DemoSummary,
)
from kefu.errors import KefuError
from kefu.periods import Period
from kefu.workspace import Workspace

ACTOR = "demo"


@dataclass
class DemoRun:
    """What the steps share: options, the workspace, and what earlier steps produced."""

    home: Path
    host: str = "127.0.0.1"
    port: int = 8000
    agents: int = DEFAULT_AGENTS
    months: int = DEFAULT_MONTHS
    seed: int = DEFAULT_SEED
    start: str = DEFAULT_START
    volume_scale: float = 1.0  # contacts per agent, as a share of the demo's (benchmarks)
    console: Console = field(default_factory=Console)
    ws: Workspace | None = None
    exports: DemoSummary | None = None
    imports: list[Any] = field(default_factory=list)
    serve: bool = False  # main() serves after the steps (the command line's default)
    users: dict[str, str] = field(default_factory=dict)
    # The instant months are scored at (open tickets judged then); None: now. Tests that
    # compare stored results pin it, or a month under way would change from day to day.
    as_of: datetime | None = None

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def workspace(self) -> Workspace:
        if self.ws is None:
            raise KefuError("the demo workspace has not been created yet")
        return self.ws


def month_labels(start: str, count: int) -> list[str]:
    """``count`` consecutive month labels from ``start`` (``"2026-10"``)."""
    month, labels = Period.parse(start), []
    for _ in range(count):
        labels.append(month.label)
        month = Period.parse(month.end.strftime("%Y-%m"))
    return labels


def demo_months(run: DemoRun) -> list[str]:
    """The months the demo generates, oldest first."""
    return month_labels(run.start, run.months)
