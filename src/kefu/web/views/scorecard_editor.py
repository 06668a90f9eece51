"""The scorecard editor's document: YAML text and the form's JSON model, kept as one.

The form edits a JSON model of the scorecard; the YAML view edits its text. Both
round-trip through :func:`check_document`, which reads either, runs every
validation rule (:func:`kefu.scoring.validation.validate`) and answers the
issues by key path in the page's language, the normalised YAML and the model.
Nothing is stored: saving and activating go through :mod:`kefu.web.views.operations`.

    >>> check_document("name: x\\n", None, "en").valid
    False
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from pydantic import BaseModel, Field

from kefu.reports.catalogue import indicator_name
from kefu.scoring import catalogue
from kefu.scoring.validation import Issue, validate
from kefu.web.i18n import catalogue as messages
from kefu.web.i18n import translate

MAX_DOCUMENT = 200_000


class EditorIssue(BaseModel):
    key_path: str = Field(description="Key path, e.g. dimensions[0](efficiency).weight")
    message: str = Field(description="The issue in the page's language")


class EditorCheck(BaseModel):
    """What the editor shows after each change: issues, the YAML and the form's model."""

    valid: bool
    issues: list[EditorIssue]
    normalised_yaml: str | None = Field(description="The document as YAML; None if unreadable")
    model: dict[str, Any] | None = Field(description="The document as the form edits it")


# The validation rules' English sentences that carry no catalogue key, read back into
# keys of locales/*/editor.yaml with their figures as parameters. A sentence no pattern
# knows is shown as the rule wrote it.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), key)
    for p, key in [
        (r"^not valid YAML at line (?P<line>\d+)$", "yaml_at"),
        (r"^not valid YAML at the file$", "yaml"),
        (r"^a scorecard must be a YAML mapping", "mapping"),
        (r"^indicator weights must sum to 100; they sum to (?P<total>\S+)$", "weights_total"),
        (
            r"^the dimension weight is (?P<weight>\S+) but its indicator weights sum to "
            r"(?P<total>\S+)$",
            "dimension_weight",
        ),
        (r"^a weight cannot be negative$", "weight_negative"),
        (r"^dimension '(?P<id>.+)' appears twice$", "dimension_twice"),
        (r"^indicator '(?P<id>.+)' is scored twice$", "indicator_twice"),
        (r"^unknown indicator '(?P<id>[^']+)'", "unknown_indicator"),
        (r"^give a direction \(higher_better, lower_better, band\) or steps$", "direction"),
        (r"^a (?P<direction>\w+) indicator needs a (?P<field>\w+)$", "needs"),
        (r"^target and threshold are both (?P<value>\S+); they must differ$", "same"),
        (
            r"^higher_better: the target \((?P<target>\S+)\) must be above the threshold "
            r"\((?P<threshold>\S+)\)$",
            "higher_order",
        ),
        (
            r"^lower_better: the target \((?P<target>\S+)\) must be below the threshold "
            r"\((?P<threshold>\S+)\)$",
            "lower_order",
        ),
        (r"^a band indicator needs band: \[low, high\]$", "band_missing"),
        (r"^band must be two numbers: \[low, high\]$", "band_numbers"),
        (
            r"^the band's low end \((?P<low>\S+)\) is above its high end \((?P<high>\S+)\)$",
            "band_order",
        ),
        (r"^tolerance cannot be negative$", "tolerance_negative"),
        (r"^min_sample cannot be negative$", "min_sample_negative"),
        (r"^required key missing$", "required"),
        (r"^unknown key '(?P<name>[^']+)'", "unknown_key"),
        (r"^'(?P<value>.*)' is not allowed; use (?P<allowed>.+)$", "not_allowed"),
        (r"^input should be a valid number", "number"),
        (r"^input should be a valid integer", "integer"),
        (r"^input should be a valid (list|dictionary)", "shape"),
        (r"^give thresholds or a distribution$", "grades_missing"),
        (r"^the shares must sum to 1; they sum to (?P<total>\S+)$", "shares_total"),
        (r"^a share cannot be negative$", "share_negative"),
        (r"^the lowest grade needs threshold 0", "lowest_zero"),
        (r"^thresholds and distribution must name the same grades$", "same_grades"),
        (r"^unknown grade '(?P<grade>[^']+)'; the grades are (?P<grades>.+)$", "unknown_grade"),
        (r"^no pay coefficient for grade\(s\) (?P<grades>.+)$", "pay_missing"),
        (r"^a bonus cap cannot be negative$", "cap_negative"),
        (r"^'(?P<id>[^']+)' is not a count; bonus points", "bonus_count"),
        (r"^write penalty points as a positive number$", "penalty_positive"),
        (r"^'(?P<column>[^']+)' is not a column of the (?P<event>\w+) events", "where_column"),
        (r"^(?P<value>\S+) is not between 0 and 1$", "zero_one"),
        (r"^must be at least 1$", "at_least_one"),
    ]
]


def issue_message(issue: Issue, locale: str) -> str:
    """The issue in ``locale``: its own catalogue key, a known sentence, or as written."""
    if issue.key:
        return translate(locale, issue.key, **dict(issue.params or {}))
    for pattern, key in _PATTERNS:
        found = pattern.match(issue.message)
        if found:
            params = {k: _param(locale, k, v) for k, v in found.groupdict().items()}
            return translate(locale, f"editor.issue.{key}", **params)
    return issue.message


def _param(locale: str, name: str, value: str) -> str:
    # Field names and event kinds are said in the page's language, not as YAML keys.
    if name == "field":
        return messages(locale).get(f"editor.js.{value}", value)
    if name == "event":
        return messages(locale).get(f"editor.events.{value}", value)
    if name == "id" and catalogue.is_known(value):
        return indicator_name(value, locale)
    return value


def _json_safe(node: Any) -> Any:
    # YAML can hold dates and other scalars JSON cannot; the form sees them as text.
    return json.loads(json.dumps(node, ensure_ascii=False, default=str))


def dump_yaml(model: Mapping[str, Any]) -> str:
    """The model as YAML in the order the form keeps, short lists and mappings inline."""
    return yaml.safe_dump(
        dict(model), allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
    )


def _read(text: str) -> tuple[Any, list[Issue]]:
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}" if mark is not None else "the file"
        return None, [Issue("", f"not valid YAML at {at}")]


def check_document(text: str | None, model: Mapping[str, Any] | None, locale: str) -> EditorCheck:
    """Validate the YAML ``text`` or the form's ``model`` (one of them); nothing is saved."""
    if model is not None:
        raw: Any = _json_safe(dict(model))
        issues = validate(raw)
    else:
        raw, issues = _read(text or "")
        if not issues:
            issues = validate(raw)
    readable = isinstance(raw, Mapping)
    return EditorCheck(
        valid=not issues,
        issues=[EditorIssue(key_path=i.path, message=issue_message(i, locale)) for i in issues],
        normalised_yaml=dump_yaml(raw) if readable else None,
        model=_json_safe(raw) if readable else None,
    )


def indicator_options(locale: str) -> list[dict[str, str]]:
    """Every indicator id a scorecard may name, with its name in ``locale``."""
    return [{"id": i, "name": indicator_name(i, locale)} for i in catalogue.known_ids()]


#: The messages the page's script shows, all under ``editor.js.`` in the catalogue.
SCRIPT_MESSAGES = (
    "checking", "valid", "issues", "saved", "activated", "save_failed", "sim_running",
    "sim_failed", "no_movers", "pick_months", "restored", "before", "after", "current_total",
    "draft_total", "pay_sum", "agent", "period", "grade_change", "reasons", "add", "remove",
    "direction", "direction_higher_better", "direction_lower_better", "direction_band",
    "direction_steps",
    "grade_label", "min_total", "pay_coefficient", "share", "event", "points_each",
    "cap_grade", "cap", "indicator", "weight", "target", "threshold", "band_low",
    "band_high", "min_sample", "tolerance", "name_zh", "name_en", "dimension_id", "within",
    "where", "grades_count", "changed", "unreadable",
)  # fmt: skip


#: The form's labels the script writes, keys under ``editor.`` (``sample.zero`` …).
SCRIPT_LABELS = (
    "sample.redistribute", "sample.team_value", "sample.zero", "within.team", "within.site",
    "within.centre", "events.complaint", "events.qa_fatal", "events.operation_error", "name",
    "version", "insufficient_sample", "dimension_weight", "add_indicator", "use_distribution",
    "where_hint",
)  # fmt: skip


def script_messages(t: Callable[[str], str]) -> dict[str, str]:
    """The script's messages (``checking`` …) and labels (``sample.zero`` …) in one map."""
    found = {k: t(f"editor.js.{k}") for k in SCRIPT_MESSAGES}
    return found | {k: t(f"editor.{k}") for k in SCRIPT_LABELS}
