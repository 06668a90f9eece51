"""Context — the volume figure ``contacts_handled`` shown beside every appraisal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.metrics.definition import Dimension, Indicator, IndicatorKind, Part, Unit, one

if TYPE_CHECKING:
    pass


def indicators() -> list[Indicator]:
    return [
        Indicator(
            "contacts_handled",
            Dimension.CONTEXT,
            Unit.COUNT,
            IndicatorKind.COUNT,
            "处理量",
            "Answered contacts (any direction) offered in the period",
            ("contacts",),
            (
                Part("contacts_handled:num", "contacts", "num", one),
                Part("contacts_handled:sample", "contacts", "sample", one),
            ),
            details={"contacts": ("channel", "direction", "offered_at", "answered_at")},
            name_en="Contacts handled",
        )
    ]
