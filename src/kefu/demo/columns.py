"""numpy arrays → canonical Arrow columns (nulls marked by sentinel values)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def timestamps(seconds: np.ndarray) -> pa.Array:
    """Local wall-clock seconds since the epoch; negative = null."""
    return pa.array(seconds.astype("datetime64[s]"), pa.timestamp("s"), mask=seconds < 0)


def dates(days: np.ndarray) -> pa.Array:
    """``datetime64[D]`` with NaT as null."""
    return pa.array(days, pa.date32(), mask=np.isnat(days))


def ints(values: np.ndarray) -> pa.Array:
    """Non-negative integers; negative = null."""
    return pa.array(values, pa.int64(), mask=values < 0)


def flags(values: np.ndarray) -> pa.Array:
    """1 → true, 0 → false, negative → null."""
    return pa.array(values == 1, pa.bool_(), mask=values < 0)


def strings(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values).astype(str), pa.string(), mask=mask)


def ids(prefix: str, n: int, width: int = 6) -> pa.Array:
    """``prefix`` followed by a zero-padded sequence: ``GD20261001000001``…"""
    seq = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, seq, "")
