"""Sentiment of survey comments that carry neither a csat nor an nps answer.

SnowNLP ships its Chinese sentiment model inside the package, so nothing is
downloaded. The distinct comments needing a score are collected in Python,
scored once per text (cached for the process) and joined back through a
memtable, which keeps the indicator expressions engine-agnostic.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import ibis

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from kefu.metrics.sources import Ctx


@lru_cache(maxsize=200_000)
def sentiment(text: str) -> float:
    """SnowNLP's probability that ``text`` is positive, in ``[0, 1]``."""
    from snownlp import SnowNLP

    return float(SnowNLP(text).sentiments)


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
