"""Notification settings: ``base_url`` and the ``notifications:`` section of ``kefu.yaml``.

```yaml
base_url: https://kefu.example.com
notifications:
  max_attempts: 8          # refused tries before a delivery goes to the dead letters
  backoff_seconds: 30      # first retry after 30 s, then 60, 120 … (capped)
  backoff_max_seconds: 3600
  timeout_seconds: 10      # per connection to a platform or SMTP server
  poll_seconds: 2          # how often the sender looks for work
  monitor_digest_hour: 8   # local hour of the daily monitor digest (absent: none)
  monitor_digest_day: yesterday   # or today
  plan_due_days: 3         # plan items are announced this many days before they fall due
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kefu.errors import UsageError
from kefu.workspace import Workspace


class NotifySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(8, ge=1, le=100)
    backoff_seconds: float = Field(30, gt=0, le=86_400)
    backoff_max_seconds: float = Field(3600, gt=0, le=7 * 86_400)
    timeout_seconds: float = Field(10, gt=0, le=300)
    poll_seconds: float = Field(2, gt=0, le=3600)
    monitor_digest_hour: int | None = Field(None, ge=0, le=23)
    monitor_digest_day: Literal["today", "yesterday"] = "yesterday"
    plan_due_days: int = Field(3, ge=0, le=60)

    @property
    def lease_seconds(self) -> float:
        """How long a claimed delivery is left to its sender: a connection, the request,
        the answer, with room to spare."""
        return 4 * self.timeout_seconds + 30


def notify_settings(ws: Workspace) -> NotifySettings:
    """The workspace's notification settings, or one clear error naming the bad key."""
    raw = ws.settings.notifications or {}
    if not isinstance(raw, dict):
        raise UsageError("kefu.yaml: notifications must be a mapping of settings")
    try:
        return NotifySettings(**raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"notifications.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise UsageError(f"kefu.yaml: {problems}") from None


def base_url(ws: Workspace) -> str | None:
    """The site's address without a trailing slash (None: links are left out)."""
    url = (ws.settings.base_url or "").strip().rstrip("/")
    return url or None


def link(ws: Workspace, path: str) -> str | None:
    """The full address of ``path`` on this site, when the base URL is set."""
    root = base_url(ws)
    return None if root is None else root + path
