"""The sender: plans new events and delivers what is due, with retries, safe against kills.

One delivery, step by step, and what a kill at each point leaves:

1. **claim** — one conditional UPDATE ``pending → sending`` with a new claim
   token, ``attempts + 1`` and a lease; committed. Killed before: nothing
   happened. Killed after: the row is ``sending`` under a dead claim.
2. **send all but the end** of the request (:mod:`kefu.notify.transport`).
   Killed here: the platform holds an incomplete request and drops it.
3. **mark** ``sending → committing`` (same claim), committed, then send the
   end of the request. Killed between: nothing was delivered, yet the row
   says it may have been; killed after: the platform has the whole request.
4. **record** the answer: ``sent``; or a refusal: back to ``pending`` with
   exponential backoff, or ``dead`` once ``max_attempts`` refusals are used
   up (or at once when the platform says the channel is wrong).

Recovery (each pass) finds rows whose claim is dead — the lease ran out, or
the claiming process on this host is gone — and moves ``sending`` back to
``pending`` (step 2 delivered nothing: sent again, automatically) and
``committing`` to ``unconfirmed`` (it may have been delivered: never sent
again automatically; the administrator sees it with the dead letters and may
resend it). Hence: **nothing is lost** (every delivery ends ``sent``, or
``dead``/``unconfirmed`` in the administrator's list) and **nothing is sent
twice** by Kefu on its own. A resend asked for by the administrator reuses the
message id (e-mail ``Message-ID``, ``X-Kefu-Message-Id``), so a receiver that
got the first copy can tell.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from kefu.errors import KefuError
from kefu.ingest.batches import pid_alive
from kefu.notify import channels, planning, schedule
from kefu.notify.config import NotifySettings, notify_settings
from kefu.notify.messages import Message
from kefu.notify.models import Channel, Delivery, DeliveryState
from kefu.notify.transport import InDoubt, NotSent, Refused
from kefu.store.appdb import changed_rows, utcnow
from kefu.workspace import Workspace

log = logging.getLogger(__name__)

HOST = socket.gethostname()[:60]


def worker_id() -> str:
    return f"{HOST}:{os.getpid()}"


class LostClaim(Exception):
    """Another sender took the delivery over (our lease ran out): leave it alone."""


@dataclass
class Summary:
    planned: int = 0
    scheduled: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    unconfirmed: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "errors"}


def backoff(settings: NotifySettings, failures: int) -> timedelta:
    """``backoff_seconds × 2^(failures−1)``, at most ``backoff_max_seconds``."""
    seconds = settings.backoff_seconds * 2 ** max(failures - 1, 0)
    return timedelta(seconds=min(seconds, settings.backoff_max_seconds))


def _claim_is_dead(row: Delivery, now: datetime) -> bool:
    if row.lease_until is not None and row.lease_until <= now:
        return True
    host, _, pid = (row.claimed_by or "").rpartition(":")
    if host == HOST and pid.isdigit() and int(pid) != os.getpid():
        return not pid_alive(int(pid))
    return False


class Sender:
    """Delivers a workspace's notifications; ``run_once`` for cron, ``serve`` in a thread."""

    def __init__(self, ws: Workspace, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.ws = ws
        self.clock = clock
        self.settings = notify_settings(ws)
        self.schedule = schedule.Schedule(ws, self.settings)

    # -- recovery ------------------------------------------------------------------
    def recover(self, summary: Summary) -> None:
        now = self.clock()
        with self.ws.db.session() as s:
            claimed = list(
                s.scalars(
                    select(Delivery).where(
                        Delivery.state.in_([DeliveryState.SENDING, DeliveryState.COMMITTING])
                    )
                )
            )
        for row in claimed:
            if not _claim_is_dead(row, now):
                continue
            if row.state == DeliveryState.SENDING:
                values = {
                    "state": DeliveryState.PENDING,
                    "next_attempt_at": now,
                    "last_error": "interrupted before the request was complete; sent again",
                }
            else:
                values = {
                    "state": DeliveryState.UNCONFIRMED,
                    "last_error": "interrupted after the whole request was sent: it may have "
                    "been delivered; not sent again by itself",
                }
            with self.ws.db.transaction() as s:
                done = changed_rows(
                    s,
                    update(Delivery)
                    .where(Delivery.id == row.id, Delivery.claim == row.claim,
                           Delivery.state == row.state)
                    .values(claim=None, lease_until=None, updated_at=now, **values),
                )  # fmt: skip
            if done:
                summary.recovered += 1
                if row.state == DeliveryState.COMMITTING:
                    summary.unconfirmed += 1

    # -- one delivery ----------------------------------------------------------------
    def claim_next(self) -> tuple[Delivery, str] | None:
        now = self.clock()
        with self.ws.db.session() as s:
            due = s.execute(
                select(Delivery.id, Delivery.attempts)
                .where(Delivery.state == DeliveryState.PENDING, Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(20)
            ).all()
        lease = timedelta(seconds=self.settings.lease_seconds)
        for delivery_id, attempts in due:
            token = str(uuid.uuid4())
            with self.ws.db.transaction() as s:
                taken = changed_rows(
                    s,
                    update(Delivery)
                    .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING,
                           Delivery.attempts == attempts)
                    .values(state=DeliveryState.SENDING, attempts=attempts + 1, claim=token,
                            claimed_by=worker_id(), lease_until=now + lease, updated_at=now),
                )  # fmt: skip
                if taken == 1:
                    row = s.get(Delivery, delivery_id)
                    assert row is not None
                    s.expunge(row)
                    return row, token
        return None

    def _mark_committing(self, delivery_id: int, token: str) -> None:
        with self.ws.db.transaction() as s:
            marked = changed_rows(
                s,
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.claim == token,
                       Delivery.state == DeliveryState.SENDING)
                .values(state=DeliveryState.COMMITTING, updated_at=self.clock()),
            )  # fmt: skip
        if marked != 1:
            raise LostClaim()

    def _finish(self, row: Delivery, token: str, state: DeliveryState, error: str | None,
                *, failed: bool) -> bool:  # fmt: skip
        now = self.clock()
        values: dict[str, object] = {"state": state, "claim": None, "lease_until": None,
                                     "updated_at": now, "last_error": error}  # fmt: skip
        if state == DeliveryState.SENT:
            values["sent_at"] = now
        if failed:
            values["failures"] = row.failures + 1
            values["next_attempt_at"] = now + backoff(self.settings, row.failures + 1)
        with self.ws.db.transaction() as s:
            done = changed_rows(
                s,
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.claim == token,
                       Delivery.state.in_([DeliveryState.SENDING, DeliveryState.COMMITTING]))
                .values(**values),
            )  # fmt: skip
        return done == 1

    def deliver(self, row: Delivery, token: str, summary: Summary) -> DeliveryState:
        with self.ws.db.session() as s:
            channel = s.get(Channel, row.channel_id)
            if channel is not None:
                s.expunge(channel)
        if channel is None or channel.removed_at is not None:
            self._finish(row, token, DeliveryState.DEAD, "the channel was removed", failed=True)
            summary.dead += 1
            return DeliveryState.DEAD
        message = Message.from_dict(row.message)
        error: str | None = None
        permanent = False
        try:
            channels.send(
                self.ws, channel, message, recipient=row.recipient, message_id=row.message_id,
                timeout=self.settings.timeout_seconds,
                # Signatures carry the real time: the platform checks it against its own clock.
                before_commit=lambda: self._mark_committing(row.id, token), now=utcnow(),
            )  # fmt: skip
        except LostClaim:
            return DeliveryState.PENDING
        except InDoubt as exc:
            self._finish(row, token, DeliveryState.UNCONFIRMED,
                         f"no answer after the whole request was sent ({exc.reason}): it may "
                         "have been delivered; not sent again by itself", failed=False)  # fmt: skip
            summary.unconfirmed += 1
            return DeliveryState.UNCONFIRMED
        except (NotSent, Refused) as exc:
            error, permanent = exc.reason, exc.permanent
        except KefuError as exc:  # a secret that cannot be read, a workbook that cannot be built
            error = exc.message
        except Exception as exc:
            log.exception("delivery %s failed unexpectedly", row.id)
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            self._finish(row, token, DeliveryState.SENT, None, failed=False)
            summary.sent += 1
            return DeliveryState.SENT
        used_up = row.failures + 1 >= self.settings.max_attempts
        state = DeliveryState.DEAD if permanent or used_up else DeliveryState.PENDING
        self._finish(row, token, state, error[:2000], failed=True)
        if state == DeliveryState.DEAD:
            summary.dead += 1
        else:
            summary.retried += 1
        return state

    # -- passes ------------------------------------------------------------------------
    def run_once(self, *, limit: int = 10_000) -> Summary:
        """Recover, schedule, plan, and deliver everything due now (at most ``limit``)."""
        summary = Summary()
        self.recover(summary)
        try:
            summary.scheduled = self.schedule.run(self.clock())
        except Exception as exc:  # a digest that cannot be computed must not stop delivery
            log.exception("the notification schedule failed")
            summary.errors.append(f"schedule: {type(exc).__name__}: {exc}")
        summary.planned = planning.plan_pending(self.ws, self.clock())
        for _ in range(limit):
            claimed = self.claim_next()
            if claimed is None:
                break
            self.deliver(*claimed, summary)
        return summary

    def serve(self, stop: threading.Event) -> None:
        """Run passes until ``stop`` is set (the thread inside ``kefu serve``)."""
        while not stop.is_set():
            try:
                self.run_once(limit=200)
            except Exception:  # the database away for a moment: try again next pass
                log.exception("notification pass failed")
            stop.wait(self.settings.poll_seconds)


def run_forever(ws: Workspace, *, on_error: Callable[[Exception], object] | None = None) -> None:
    """Passes every ``poll_seconds`` until interrupted (``kefu notify run``)."""
    sender = Sender(ws)
    while True:
        try:
            sender.run_once(limit=200)
        except KefuError:
            raise
        except Exception as exc:  # the database away for a moment: try again next pass
            log.exception("notification pass failed")
            if on_error is not None:
                on_error(exc)
        time.sleep(sender.settings.poll_seconds)


def start_background(ws: Workspace) -> tuple[threading.Thread, threading.Event]:
    """The sender on a daemon thread (``kefu serve``): network waits stay off the event loop."""
    stop = threading.Event()
    sender = Sender(ws)
    thread = threading.Thread(target=sender.serve, args=(stop,), name="kefu-notify", daemon=True)
    thread.start()
    return thread, stop
