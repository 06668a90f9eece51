"""Seeded random streams: one independent stream per (seed, purpose, day).

Keying every stream by what it generates keeps the output byte-identical for a
seed, and lets a day be generated without drawing the days before it.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    ROSTER = 1
    CONTACTS = 2
    DERIVED = 3
    MONTHLY = 4
    DIRTY = 5


def rng(seed: int, stream: Stream, *keys: int) -> np.random.Generator:
    """The generator for ``stream`` under ``seed`` (and e.g. a day number)."""
    return np.random.default_rng([seed, int(stream), *keys])
