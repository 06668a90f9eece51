from __future__ import annotations

from decimal import Decimal

import ibis
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.metrics.exact import exact_mean, exact_sum

# Values as exports carry them: at most a few decimals (seconds, scores, weights).
value_st = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: n / 1000)


def _sums(values: list[float]) -> dict:
    t = ibis.memtable(
        {"k": ["a"] * len(values), "x": values}, schema={"k": "string", "x": "float64"}
    )
    con = ibis.duckdb.connect()
    try:
        expr = t.group_by("k").aggregate(s=exact_sum(t.x), m=exact_mean(t.x))
        return con.to_pyarrow(expr).to_pylist()[0]
    finally:
        con.disconnect()


@settings(max_examples=40, deadline=None)
@given(st.lists(value_st, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_a_sum_is_the_exact_sum_whatever_the_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    exact = float(sum(Decimal(str(v)) for v in values))
    assert _sums(values)["s"] == _sums(shuffled)["s"] == exact


def test_tenths_add_up_as_written():
    assert 0.1 + 0.2 + 0.3 != 0.6  # in doubles
    assert _sums([0.1, 0.2, 0.3])["s"] == 0.6
    assert _sums([0.3, 0.1, 0.2])["m"] == 0.6 / 3  # the exact sum over the count


def test_integers_are_summed_as_integers():
    t = ibis.memtable({"n": [1, 2, 3]})
    assert exact_sum(t.n).type().is_integer()
