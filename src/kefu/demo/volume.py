"""How much work arrives, and when: daily volume factors and the hourly profile.

The 11.11 shopping festival (双十一) floods a courier centre from Nov 11 to 13;
6.18 is a smaller wave. Weekends are a little quieter. Phone and chat arrive in
opening hours (08:00–22:00) with a morning and an afternoon peak; e-mail comes
around the clock.
"""

from __future__ import annotations

import numpy as np

# Answered contacts an agent handles in a month, which fixes the centre's volume.
CONTACTS_PER_AGENT_MONTH = 3000
DAYS_PER_MONTH = 30.4

OPEN_HOUR, CLOSE_HOUR = 8, 22
# Relative arrivals per hour 08:00 … 21:00 for phone and chat.
HOURLY = np.array([4, 7, 9, 9, 7, 6, 8, 8, 7, 6, 5, 4, 3, 2], dtype=float)
HOURLY_EMAIL = np.array(
    [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 6, 6, 5, 5, 4, 4, 4, 3, 3, 2, 2], dtype=float
)

# Days around the peaks, (month, day) → factor on the normal daily volume.
PEAKS: dict[tuple[int, int], float] = {
    (11, 1): 1.10, (11, 2): 1.10, (11, 3): 1.10, (11, 4): 1.12, (11, 5): 1.12,
    (11, 6): 1.15, (11, 7): 1.15, (11, 8): 1.18, (11, 9): 1.20, (11, 10): 1.30,
    (11, 11): 2.40, (11, 12): 2.15, (11, 13): 1.85, (11, 14): 1.45, (11, 15): 1.25,
    (11, 16): 1.15, (11, 17): 1.10,
    (6, 18): 1.45, (6, 19): 1.35, (6, 20): 1.20,
}  # fmt: skip


def load_factor(day: np.datetime64) -> float:
    """Demand relative to a normal weekday: the peak factor of ``day`` (1.0 outside peaks)."""
    month = int(day.astype("datetime64[M]").astype(int) % 12) + 1
    dom = int((day - day.astype("datetime64[M]").astype("datetime64[D]")).astype(int)) + 1
    return PEAKS.get((month, dom), 1.0)


def weekday_factor(day: np.datetime64) -> float:
    # 1970-01-01 was a Thursday: weekday index 0 = Monday.
    weekday = (int(day.astype(int)) + 3) % 7
    return 0.88 if weekday >= 5 else 1.0


def daily_volume(day: np.datetime64, active_agents: int) -> float:
    """Expected new contacts on ``day`` for a centre with ``active_agents`` on duty."""
    per_day = CONTACTS_PER_AGENT_MONTH / DAYS_PER_MONTH
    return per_day * active_agents * weekday_factor(day) * load_factor(day)


def seconds_in_day(g: np.random.Generator, email: np.ndarray) -> np.ndarray:
    """Seconds after local midnight of each arrival (opening hours, except e-mail)."""
    n = len(email)
    hour = OPEN_HOUR + g.choice(len(HOURLY), n, p=HOURLY / HOURLY.sum())
    hour_email = g.choice(24, n, p=HOURLY_EMAIL / HOURLY_EMAIL.sum())
    hour = np.where(email, hour_email, hour)
    return hour * 3600 + g.integers(0, 3600, n)
