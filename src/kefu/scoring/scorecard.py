"""The scorecard (考核方案): a versioned YAML file loaded into typed models.

The file format is fixed (spec scorecard.md); unknown keys are refused with
their key path. :func:`load_scorecard` validates everything at once and raises
:class:`ScorecardInvalid` listing every issue::

    card = load_scorecard(Path("hotline.yaml"))
    card.content_hash            # sha256 of the normalised content
    card.indicator_params()      # IndicatorParams for the indicator engine

The models themselves live in :mod:`kefu.scoring.schema` (validation reads them
without importing this loader); they are re-exported here because a scorecard's
users think of one module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kefu.errors import KefuError
from kefu.scoring.schema import (
    DEFAULT_RESPONSE_TARGETS,
    Alert,
    AlertCount,
    AlertLevel,
    Applications,
    AppliesTo,
    BonusRule,
    Dimension,
    Direction,
    Distribution,
    EventKind,
    Grades,
    IndicatorRule,
    LocalName,
    Monitor,
    PenaltyRule,
    Population,
    Promotion,
    SamplePolicy,
    Scorecard,
    Shrinkage,
    Step,
    VetoRule,
    Where,
    parse_window_hours,
)
from kefu.scoring.validation import Issue, validate

__all__ = [
    "DEFAULT_RESPONSE_TARGETS",
    "DEFAULT_SCORECARD",
    "Alert",
    "AlertCount",
    "AlertLevel",
    "Applications",
    "AppliesTo",
    "BonusRule",
    "Dimension",
    "Direction",
    "Distribution",
    "EventKind",
    "Grades",
    "IndicatorRule",
    "LocalName",
    "Monitor",
    "PenaltyRule",
    "Population",
    "Promotion",
    "SamplePolicy",
    "Scorecard",
    "ScorecardInvalid",
    "Shrinkage",
    "Step",
    "VetoRule",
    "Where",
    "default_scorecard",
    "load_scorecard",
    "parse_scorecard",
    "parse_window_hours",
    "read_yaml",
]

DEFAULT_SCORECARD = Path(__file__).with_name("default_scorecard.yaml")


class ScorecardInvalid(KefuError):
    """A scorecard with one or more issues; ``issues`` lists them all."""

    def __init__(self, where: str, issues: list[Any]) -> None:
        self.issues = issues
        lines = "\n".join(f"  - {i}" for i in issues)
        super().__init__(f"scorecard {where} has {len(issues)} issue(s):\n{lines}")


def read_yaml(text: str, where: str) -> Any:
    try:
        # libyaml's parser when present (the same constructors and resolvers as safe_load,
        # seven times faster): pages rebuild a run's scorecard from its stored text.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}" if mark is not None else "the file"
        raise ScorecardInvalid(where, [Issue("", f"not valid YAML at {at}")]) from None


def load_scorecard(source: Path | str) -> Scorecard:
    """Load and validate a scorecard from a path or from YAML text.

    A :class:`str` that names an existing file is read as a path; any other
    string is taken as the YAML text itself (see :func:`parse_scorecard`).
    """
    if isinstance(source, Path) or ("\n" not in source and Path(source).is_file()):
        path = Path(source)
        if not path.is_file():
            raise KefuError(f"no scorecard file at {path}")
        return parse_scorecard(path.read_text(encoding="utf-8"), where=str(path), path=path)
    return parse_scorecard(source)


def parse_scorecard(text: str, *, where: str = "text", path: Path | None = None) -> Scorecard:
    """Validate YAML text as a scorecard; :class:`ScorecardInvalid` lists every issue."""
    raw = read_yaml(text, where)
    issues = validate(raw)
    if issues:
        raise ScorecardInvalid(where, issues)
    card = Scorecard.model_validate(raw)
    card._source = text
    card._path = path
    return card


def default_scorecard() -> Scorecard:
    """The scorecard that ships with Kefu (scorecard.md's table)."""
    return load_scorecard(DEFAULT_SCORECARD)
