"""Sentiment of survey comments that carry neither a csat nor an nps answer.

SnowNLP ships its Chinese sentiment model inside the package, so nothing is
downloaded. The distinct comments needing a score are collected in Python,
scored once per text (cached for the process) and joined back through a
memtable, which keeps the indicator expressions engine-agnostic.
"""

from __future__ import annotations

import gc
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import ibis

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from kefu.metrics.sources import Ctx


@cache
def _snownlp() -> Any:
    """SnowNLP, its models loaded once per process and kept out of the collector's way.

    Its models are three million small objects that live as long as the process; every
    full pass of the cyclic collector would walk them again (a fifth of a second each in
    a scoring run). Frozen once loaded, the collector no longer visits them (nor what
    else is alive at that moment: at worst a little garbage kept, once per process).
    """
    from snownlp import SnowNLP

    gc.freeze()
    return SnowNLP


@lru_cache(maxsize=200_000)
def sentiment(text: str) -> float:
    """SnowNLP's probability that ``text`` is positive, in ``[0, 1]``."""
    return float(_snownlp()(text).sentiments)


def sentiment_table(ctx: Ctx, surveys: ir.Table) -> ir.Table:
    """``(_s_comment, _s_score)`` for every comment-only survey of the relation."""
    needing = surveys.filter(
        surveys.has_comment, surveys.csat.isnull(), surveys.nps.isnull()
    ).select(_s_comment=surveys.comment)
    texts = ctx.con.to_pyarrow(needing.distinct()).column("_s_comment").to_pylist()
    return ibis.memtable(
        {"_s_comment": texts, "_s_score": [sentiment(t) for t in texts]},
        schema={"_s_comment": "string", "_s_score": "float64"},
    )
