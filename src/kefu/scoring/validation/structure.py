"""The structure pass: types, required and unknown keys, via the pydantic models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from kefu.scoring.schema import Scorecard
from kefu.scoring.validation.issues import Issue


def _label(raw: Any, loc: tuple[Any, ...]) -> str:
    """``dimensions[0].indicators[2]`` plus the item's id where it has one."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                parts[-1] += f"({node['id']})"
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, Mapping) else None
    return ".".join(parts)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    """The keys the model at ``loc``'s parent accepts (for the unknown-key hint)."""
    model: type[BaseModel] | None = Scorecard
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        assert model is not None
        field = model.model_fields.get(item)
        if field is None:
            return []
        model = _inner_model(field.annotation)
        if model is None:
            return []
    assert model is not None
    return list(model.model_fields)


def keys_and_types(raw: Mapping[str, Any]) -> list[Issue]:
    """Unknown keys (with the allowed ones), missing keys, values of the wrong type."""
    try:
        Scorecard.model_validate(raw)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            path = _label(raw, loc)
            kind = err["type"]
            if kind == "extra_forbidden":
                allowed = ", ".join(_allowed(loc))
                msg = f"unknown key '{loc[-1]}'" + (
                    f" (allowed here: {allowed})" if allowed else ""
                )
                path = _label(raw, loc[:-1])
            elif kind == "missing":
                msg = "required key missing"
            elif kind == "enum":
                msg = f"'{err.get('input')}' is not allowed; use {err['ctx']['expected']}"
            else:
                msg = f"{err['msg'][0].lower()}{err['msg'][1:]} (got {err.get('input')!r})"
            issues.append(Issue(path, msg))
        return issues
    return []
