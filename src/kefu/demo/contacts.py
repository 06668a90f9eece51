"""Contacts, one day at a time, vectorised with numpy.

Memory is bounded by one day of contacts plus the repeats still waiting for a
later day (at most four days ahead), whatever the number of months: the
generator never holds a month. Times are local wall-clock seconds since the
epoch (``int64``), so a day is a plain integer range.

What makes the data realistic for the indicators: an agent's latent skill
drives handle time, explicit non-resolution, transfers and repeat contacts
(same ``customer_id`` and ``waybill_no`` again within 48 h, any agent); peaks
lengthen waits and raise abandonment; gaming agents cut some calls to a few
seconds, and those customers call back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kefu.demo.columns import flags, ids, ints, timestamps
from kefu.demo.random import Stream, rng
from kefu.demo.roster import Roster
from kefu.demo.vocab import (
    CATEGORIES,
    CATEGORY_REPEAT,
    CATEGORY_SHARE,
    CATEGORY_TALK,
    CHANNEL_SHARE,
    CHANNELS,
    WAYBILL_PREFIXES,
)
from kefu.demo.volume import CLOSE_HOUR, OPEN_HOUR, daily_volume, load_factor, seconds_in_day

DAY = 86_400
PHONE, CHAT, EMAIL = 0, 1, 2
CLAIM, COMPLAINT, CHASE = (CATEGORIES.index(c) for c in ("理赔", "投诉", "催件"))
# New arrivals are this share of the day's volume; repeats make up the rest.
NEW_SHARE = 0.87
NULL_INT = -1


@dataclass
class Pending:
    """Repeat contacts already decided, waiting for the day they arrive on."""

    offered: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    customer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    waybill: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    brand: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    category: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    channel: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    outbound: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def __len__(self) -> int:
        return len(self.offered)

    def select(self, mask: np.ndarray) -> Pending:
        return Pending(*(getattr(self, f)[mask] for f in _PENDING_FIELDS))

    def take_before(self, t: int) -> Pending:
        """Remove and return the contacts offered before ``t``."""
        due = self.offered < t
        taken = self.select(due)
        for f in _PENDING_FIELDS:
            setattr(self, f, getattr(self, f)[~due])
        return taken

    def add(self, other: Pending) -> None:
        for f in _PENDING_FIELDS:
            setattr(self, f, np.concatenate([getattr(self, f), getattr(other, f)]))


_PENDING_FIELDS = ("offered", "customer", "waybill", "brand", "category", "channel", "outbound")


@dataclass
class ContactDay:
    """One day of contacts as parallel arrays, sorted by ``offered``."""

    day: np.datetime64
    load: float
    offered: np.ndarray  # int64 local seconds
    channel: np.ndarray  # index into CHANNELS
    outbound: np.ndarray  # bool
    category: np.ndarray  # index into CATEGORIES
    customer: np.ndarray  # int64, 0 = unknown
    waybill: np.ndarray  # int64, 0 = none
    brand: np.ndarray  # index into WAYBILL_PREFIXES
    agent: np.ndarray  # roster index, -1 = abandoned
    answered: np.ndarray  # int64 local seconds, -1 = never
    ended: np.ndarray  # int64 local seconds
    talk: np.ndarray  # int64 seconds, -1 = none
    hold: np.ndarray
    acw: np.ndarray
    transferred: np.ndarray  # int8: 1, 0, -1 = not recorded
    resolved: np.ndarray
    short: np.ndarray  # bool: a gaming agent's cut-off call
    contact_id: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))

    def __len__(self) -> int:
        return len(self.offered)

    @property
    def is_answered(self) -> np.ndarray:
        return self.agent >= 0


def waybill_strings(brand: np.ndarray, number: np.ndarray) -> pa.Array:
    """``SF123456789012``-style waybill numbers; null where there is none."""
    prefixes = pa.array(np.array(WAYBILL_PREFIXES)[brand], pa.string())
    digits = pc.cast(pa.array(number, pa.int64()), pa.string())
    joined = pc.binary_join_element_wise(prefixes, digits, "")
    return pc.if_else(pa.array(number > 0), joined, pa.nulls(len(number), pa.string()))


def contacts_table(day: ContactDay, roster: Roster) -> dict[str, pa.Array]:
    """The canonical columns of one day of contacts."""
    agent = np.where(day.agent >= 0, day.agent, 0)
    return {
        "contact_id": day.contact_id,
        "channel": pa.array(np.array(CHANNELS)[day.channel], pa.string()),
        "direction": pa.array(np.where(day.outbound, "out", "in"), pa.string()),
        "agent_id": pa.array(roster.agent_id[agent], pa.string(), mask=day.agent < 0),
        "customer_id": pa.array(day.customer.astype(str), pa.string(), mask=day.customer == 0),
        "waybill_no": waybill_strings(day.brand, day.waybill),
        "category": pa.array(np.array(CATEGORIES)[day.category], pa.string()),
        "offered_at": timestamps(day.offered),
        "answered_at": timestamps(day.answered),
        "ended_at": timestamps(day.ended),
        "talk_seconds": ints(day.talk),
        "hold_seconds": ints(day.hold),
        "acw_seconds": ints(day.acw),
        "transferred": flags(day.transferred),
        "resolved": flags(day.resolved),
    }


class ContactGenerator:
    """Generates consecutive days; repeats decided on one day arrive on later ones."""

    def __init__(self, roster: Roster, seed: int, *, volume_scale: float = 1.0) -> None:
        self.roster = roster
        self.seed = seed
        self.volume_scale = volume_scale
        self.pending = Pending()
        # Gaming agents take a little more work: short calls free them up.
        self.weight = np.where(roster.gaming, 1.3, 1.0) * np.exp(0.05 * roster.skill)

    def day(self, day: np.datetime64) -> ContactDay:
        g = rng(self.seed, Stream.CONTACTS, int(day.astype(int)))
        start = int(day.astype("datetime64[s]").astype(np.int64))
        active = self.roster.active(day)
        load = load_factor(day)
        arrivals = self._arrivals(g, day, start, len(active))
        self.pending.take_before(start)  # only when days are skipped: drop the stale ones
        arrivals.add(self.pending.take_before(start + DAY))
        parts: list[ContactDay] = []
        # Follow-ups that land later the same day are handled the same day, in rounds.
        while len(arrivals):
            handled = self._handle(g, day, load, active, arrivals)
            parts.append(handled)
            follow_ups = self._repeats(g, handled)
            today = follow_ups.offered < start + DAY
            self.pending.add(follow_ups.select(~today))
            arrivals = follow_ups.select(today)
        contacts = _concat(day, load, parts)
        contacts.contact_id = ids("C" + str(day).replace("-", ""), len(contacts), width=7)
        return contacts

    def _arrivals(
        self, g: np.random.Generator, day: np.datetime64, start: int, active: int
    ) -> Pending:
        """New contacts of the day (not follow-ups)."""
        expected = daily_volume(day, active) * self.volume_scale * NEW_SHARE
        n = int(g.poisson(expected)) if active else 0
        channel = g.choice(3, n, p=CHANNEL_SHARE)
        category = g.choice(len(CATEGORIES), n, p=CATEGORY_SHARE)
        outbound = (channel == PHONE) & (g.random(n) < 0.06)
        # Outbound calls are call-backs about chased parcels and claims.
        category = np.where(outbound, np.where(g.random(n) < 0.6, CHASE, CLAIM), category)
        customer = g.integers(13_000_000_000, 19_999_999_999, n)
        customer[(channel == CHAT) & (g.random(n) < 0.05)] = 0  # anonymous web chat
        has_waybill = g.random(n) < np.where(category == CATEGORIES.index("寄件"), 0.3, 0.92)
        return Pending(
            offered=start + seconds_in_day(g, channel == EMAIL),
            customer=customer,
            waybill=np.where(has_waybill, g.integers(10**11, 10**12, n), 0),
            brand=g.integers(0, len(WAYBILL_PREFIXES), n),
            category=category,
            channel=channel,
            outbound=outbound,
        )

    def _route(
        self, g: np.random.Generator, load: float, active: np.ndarray, arrivals: Pending
    ) -> tuple[np.ndarray, np.ndarray]:
        """Which contacts are abandoned, and the agent of each other one (-1: none)."""
        channel, n = arrivals.channel, len(arrivals.offered)
        inbound = ~arrivals.outbound
        p_abandon = np.where(channel == PHONE, 1.0, 0.6) * min(0.35, 0.03 * load**2)
        abandoned = inbound & (channel != EMAIL) & (g.random(n) < p_abandon)
        if len(active):
            w = self.weight[active]
            agent = active[g.choice(len(active), n, p=w / w.sum())]
        else:
            abandoned, agent = np.ones(n, bool), np.zeros(n, np.int64)
        return abandoned, np.where(abandoned, -1, agent)

    def _durations(
        self, g: np.random.Generator, load: float, agent: np.ndarray, arrivals: Pending
    ) -> tuple[np.ndarray, ...]:
        """Wait, give-up time, talk, hold and after-call work in seconds, and the short calls.

        The draws are made in one fixed order: the seeded demo depends on it.
        """
        channel, category, outbound = arrivals.channel, arrivals.category, arrivals.outbound
        n, r = len(arrivals.offered), self.roster
        inbound = ~outbound
        a = np.where(agent >= 0, agent, 0)
        skill = r.skill[a]
        wait = np.select(
            [channel == PHONE, channel == CHAT],
            [g.exponential(11.0 * load**2.2, n), g.exponential(16.0 * load**2, n)],
            g.exponential(3.5 * 3600 * load, n),
        )
        wait = np.where(outbound, g.integers(5, 25, n), np.round(wait) + 1).astype(np.int64)
        give_up = (np.round(g.exponential(35.0, n)) + 3).astype(np.int64)

        mult = np.select([channel == PHONE, channel == CHAT], [1.0, 1.6], 2.2)
        talk = (
            np.array(CATEGORY_TALK)[category]
            * mult
            * np.where(outbound, 0.6, 1.0)
            * np.exp(-0.12 * skill)
            * g.lognormal(0.0, 0.45, n)
        )
        hold = np.where((channel == PHONE) & (g.random(n) < 0.25), g.exponential(45.0, n), 0.0)
        acw = np.select(
            [channel == PHONE, channel == CHAT],
            [g.exponential(25.0, n) + 5, g.exponential(15.0, n) + 3],
            g.exponential(120.0, n) + 30,
        )
        short = r.gaming[a] & (agent >= 0) & (channel == PHONE) & inbound & (g.random(n) < 0.35)
        talk = np.where(short, g.uniform(2, 9, n), talk)
        hold = np.where(short, 0.0, hold)
        acw = np.where(short, g.uniform(0, 3, n), acw)
        seconds = (np.round(x).astype(np.int64) for x in (talk, hold, acw))
        return wait, give_up, *seconds, short

    def _handle(
        self,
        g: np.random.Generator,
        day: np.datetime64,
        load: float,
        active: np.ndarray,
        arrivals: Pending,
    ) -> ContactDay:
        offered, channel, category = arrivals.offered, arrivals.channel, arrivals.category
        outbound = arrivals.outbound
        n = len(offered)
        inbound = ~outbound
        abandoned, agent = self._route(g, load, active, arrivals)
        skill = self.roster.skill[np.where(agent >= 0, agent, 0)]
        wait, give_up, talk, hold, acw, short = self._durations(g, load, agent, arrivals)

        answered = offered + wait
        # E-mail arriving at night is answered after the centre opens.
        email = channel == EMAIL
        answered[email] = _within_opening_hours(g, answered[email], np.zeros(email.sum(), int))
        answered = np.where(abandoned, NULL_INT, answered)
        ended = np.where(abandoned, offered + give_up, answered + talk + hold)
        hard = np.isin(category, (CLAIM, COMPLAINT))
        p_transfer = np.clip(0.04 + 0.05 * hard - 0.015 * skill, 0.005, 0.3)
        transfer = inbound & (channel != EMAIL) & (g.random(n) < p_transfer)
        p_unresolved = np.clip(
            0.03 + 0.5 * np.array(CATEGORY_REPEAT)[category] * np.exp(-0.3 * skill), 0, 0.6
        )
        unresolved = (g.random(n) < p_unresolved) | (short & (g.random(n) < 0.6))
        # E-mail systems record no transfer flag; abandoned contacts have no disposition.
        transferred = np.where(abandoned | (channel == EMAIL), NULL_INT, transfer.astype(int))
        resolved = np.where(abandoned, NULL_INT, (~unresolved).astype(int))
        return ContactDay(
            day=day,
            load=load,
            offered=offered,
            channel=channel,
            outbound=outbound,
            category=category,
            customer=arrivals.customer,
            waybill=arrivals.waybill,
            brand=arrivals.brand,
            agent=agent,
            answered=answered,
            ended=ended,
            talk=np.where(abandoned, NULL_INT, talk),
            hold=np.where(abandoned, NULL_INT, hold),
            acw=np.where(abandoned, NULL_INT, acw),
            transferred=transferred,
            resolved=resolved,
            short=short,
        )

    def _repeats(self, g: np.random.Generator, c: ContactDay) -> Pending:
        """Decide which contacts the customer follows up, and when."""
        n = len(c)
        a = np.where(c.agent >= 0, c.agent, 0)
        p = (
            np.array(CATEGORY_REPEAT)[c.category]
            * np.exp(-0.35 * self.roster.skill[a])
            * np.where(c.resolved == 0, 2.2, 1.0)
            * np.where(c.transferred == 1, 1.6, 1.0)
            * (1 + 0.3 * (c.load - 1))
        )
        p = np.where(c.short, 0.7, p)
        p = np.where(c.agent < 0, 0.55, np.where(c.outbound, 0.0, p))  # callers who gave up
        follow = (g.random(n) < np.clip(p, 0, 0.9)) & (c.customer != 0)
        delay = np.where(
            g.random(n) < 0.9,
            np.clip(g.exponential(6 * 3600, n), 600, 47.5 * 3600),
            g.uniform(48 * 3600, 96 * 3600, n),  # beyond the repeat window
        )
        delay = np.where(c.agent < 0, g.exponential(900, n) + 60, delay).astype(np.int64)
        base = np.where(c.answered >= 0, c.ended, c.offered)
        t = (base + delay)[follow]
        channel = np.where(g.random(n) < 0.7, c.channel, g.choice(3, n, p=CHANNEL_SHARE))[follow]
        t = _within_opening_hours(g, t, channel)
        escalate = (g.random(n) < 0.15) & (c.waybill > 0)
        category = np.where(escalate, np.where(g.random(n) < 0.5, CHASE, COMPLAINT), c.category)
        return Pending(
            offered=t,
            customer=c.customer[follow],
            waybill=c.waybill[follow],
            brand=c.brand[follow],
            category=category[follow],
            channel=channel,
            outbound=np.zeros(len(t), bool),
        )


def _concat(day: np.datetime64, load: float, parts: list[ContactDay]) -> ContactDay:
    """Merge the rounds of a day into one batch sorted by arrival (then customer)."""
    names = [f for f in _ARRAY_FIELDS]
    if not parts:
        empty = {f: np.zeros(0, bool if f in ("outbound", "short") else np.int64) for f in names}
        return ContactDay(day=day, load=load, **empty)
    arrays = {f: np.concatenate([getattr(p, f) for p in parts]) for f in names}
    order = np.lexsort((arrays["customer"], arrays["offered"]))
    return ContactDay(day=day, load=load, **{f: a[order] for f, a in arrays.items()})


_ARRAY_FIELDS = (
    "offered", "channel", "outbound", "category", "customer", "waybill", "brand", "agent",
    "answered", "ended", "talk", "hold", "acw", "transferred", "resolved", "short",
)  # fmt: skip


def _within_opening_hours(g: np.random.Generator, t: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Move phone and chat follow-ups that fall at night to the next morning."""
    midnight = t - t % DAY
    hour = (t % DAY) // 3600
    morning = OPEN_HOUR * 3600 + g.integers(0, 2 * 3600, len(t))
    late = (hour >= CLOSE_HOUR) & (channel != EMAIL)
    early = (hour < OPEN_HOUR) & (channel != EMAIL)
    return np.where(late, midnight + DAY + morning, np.where(early, midnight + morning, t))
