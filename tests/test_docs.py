"""The docs are tested: they stand on their own, and say what the code does.

The README and the pages under docs/ link only inside the repository, and
every link resolves; every command, indicator, table, column alias, reject
rule, setting and scorecard key of the code is documented. The worked examples
are computed in tests/metrics/ and tests/scoring/ (test_documented_examples).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import typer.main
from pydantic import BaseModel

from kefu.cli import app
from kefu.ingest.validate import ROW_RULES
from kefu.metrics.registry import INDICATORS
from kefu.scoring.scorecard import Scorecard
from kefu.store.tables import LINEAGE, TABLES, Kind
from kefu.workspace import Settings
from tests.conftest import REPO
from tests.markdown import DOCS, anchors, code, documents, headings, links, section, tables

README = (REPO / "README.md").read_text(encoding="utf-8")
INDICATORS_PAGE = (DOCS / "indicators.md").read_text(encoding="utf-8")
DATA_MODEL = (DOCS / "data-model.md").read_text(encoding="utf-8")
SCORECARDS = (DOCS / "scorecards.md").read_text(encoding="utf-8")
# Links that may leave the repository (full http(s) addresses). None today.
EXTERNAL_LINKS: frozenset[str] = frozenset()


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names += [f"kefu {name} {sub}" for sub in subcommands]
        else:
            names.append(f"kefu {name}")
    return names


def test_every_cli_command_appears_in_the_readme_tour():
    missing = [c for c in _commands() if c not in README]
    assert not missing, f"README does not show: {missing}"


def test_every_cli_command_has_help_text():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help or command.short_help, f"kefu {name} has no help text"


def test_every_indicator_id_is_documented():
    missing = [i for i in INDICATORS if f"`{i.split('.')[0]}`" not in README]
    assert not missing, f"README does not name: {missing}"


# -- links ----------------------------------------------------------------------


def test_the_readme_lists_every_docs_page():
    listed = section(README, "Documentation")
    missing = [p.name for p in DOCS.glob("*.md") if f"(docs/{p.name})" not in listed]
    assert not missing, f"README's Documentation section does not list: {missing}"


@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_link_resolves_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    broken = []
    for target in links(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            if target not in EXTERNAL_LINKS:
                broken.append(f"{target}: leaves the repository")
            continue
        path_part, _, anchor = target.partition("#")
        path = (doc.parent / unquote(path_part)).resolve() if path_part else doc
        if not path.is_relative_to(REPO):
            broken.append(f"{target}: leaves the repository")
            continue
        if not path.exists():
            broken.append(f"{target}: no such file")
            continue
        if anchor:
            if path.suffix != ".md":
                broken.append(f"{target}: an anchor into a file that is not Markdown")
            elif unquote(anchor) not in anchors(path.read_text(encoding="utf-8")):
                broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{doc.name}: " + "; ".join(broken)


def test_no_document_points_outside_the_repository_in_text_either():
    for doc in documents():
        assert "../shared" not in doc.read_text(encoding="utf-8"), doc.name


# -- indicators ---------------------------------------------------------------------


def test_every_indicator_of_the_registry_is_defined_in_the_indicators_page():
    missing = [i for i in INDICATORS if f"`{i}`" not in INDICATORS_PAGE]
    assert not missing, f"docs/indicators.md does not name: {missing}"


def test_every_indicator_heading_of_the_indicators_page_is_registered():
    ids = set()
    for _, heading in headings(INDICATORS_PAGE):
        # A definition's heading: "`id` — 中文 (English)" (or "`a` and `b` — …").
        if heading.startswith("`") and " — " in heading:
            ids |= set(re.findall(r"`([a-z_.]+)`", heading.split(" — ")[0]))
    unknown = ids - set(INDICATORS)
    assert ids and not unknown, f"headings name unknown indicators: {unknown}"
    # Every base id has a definition of its own (the per-channel ids share their base's).
    assert {i.split(".")[0] for i in INDICATORS} <= ids


def test_the_catalogue_table_lists_every_indicator_once():
    (catalogue, *_) = tables(section(INDICATORS_PAGE, "The catalogue"))
    listed = [i for row in catalogue for i in re.findall(r"`([a-z_.]+)`", row["id"])]
    assert sorted(listed) == sorted(INDICATORS)


# -- the data model ---------------------------------------------------------------------


def _table_section(name: str) -> str:
    return section(DATA_MODEL, f"`{name}` — {TABLES[name].zh}")


def _aliases(cell: str) -> list[str]:
    return [a.strip() for a in cell.split(",") if a.strip()]


@pytest.mark.parametrize("name", list(TABLES))
def test_every_column_and_alias_of_the_code_is_in_the_data_model_and_back(name: str) -> None:
    spec = TABLES[name]
    (rows, *_) = tables(_table_section(name))
    assert [code(r["column"]) for r in rows] == list(spec.names)
    for row in rows:
        column = spec.column(code(row["column"]))
        where = f"{name}.{column.name}"
        assert row["type"] == str(column.kind), where
        assert row["required"] == ("yes" if column.required else ""), where
        assert sorted(_aliases(row["aliases"])) == sorted(column.aliases), where
        if column.kind is Kind.ENUM:
            for canonical in column.canonical_values:
                assert f"`{canonical}`" in row["values and notes"], where
            for spelling in column.values:
                assert spelling in row["values and notes"], (where, spelling)


def test_the_tables_at_a_glance_are_the_code_tables():
    (rows, *_) = tables(section(DATA_MODEL, "The tables at a glance"))
    assert [code(r["table"]) for r in rows] == list(TABLES)
    for row in rows:
        spec = TABLES[code(row["table"])]
        assert row["中文"] == spec.zh
        assert [code(k) for k in row["a record is identified by"].split(",")] == list(spec.key)
        assert code(row["period column"]) == spec.period_column
        words = set(_aliases(row["file names that name it"]))
        assert words == {spec.name, *spec.file_aliases}, spec.name
        marked = row["agent must be on the roster"]
        assert marked == ("yes" if spec.known_agent else marked), spec.name
        if not spec.known_agent:
            assert marked in ("no", "—")


def test_lineage_and_reject_rules_are_documented():
    (rows, *_) = tables(section(DATA_MODEL, "Lineage"))
    assert [code(r["column"]) for r in rows] == [name for name, _ in LINEAGE]
    (rules, *_) = tables(section(DATA_MODEL, "What bad input gets"))
    documented = {code(r["rule"]) for r in rules}
    from_code = {rule for checks in ROW_RULES.values() for _, _, rule, _ in checks}
    from_code |= {"field_count", "missing", "unparsable", "out_of_range", "unknown_agent",
                  "duplicate_key"}  # fmt: skip
    assert documented == from_code


def test_every_shipped_profile_is_in_the_importing_pages_table():
    from kefu.ingest.mapping import builtin_profiles

    page = (DOCS / "importing.md").read_text(encoding="utf-8")
    (rows, *_) = tables(section(page, "Shipped profiles"))
    listed = [code(r["profile"]) for r in rows]
    missing = [p for p in builtin_profiles() if p not in listed]
    assert not missing, f"docs/importing.md's Shipped profiles table does not list: {missing}"
    unknown = [p for p in listed if p not in builtin_profiles()]
    assert not unknown, f"docs/importing.md lists profiles Kefu does not ship: {unknown}"
    for row in rows:
        assert all(row[k].strip() for k in ("platform and record", "what it reads",
                                            "what it does not carry")), row  # fmt: skip


# -- settings and the scorecard format ----------------------------------------------------


def _settings_fields() -> list[str]:
    fields = getattr(Settings, "model_fields", None)
    if fields is not None:
        return list(fields)
    return [f.name for f in dataclasses.fields(Settings)]


def test_every_setting_is_in_the_readme_configuration_table():
    (rows, *_) = tables(section(README, "Configuration"))
    documented = {code(r["setting"]) for r in rows}
    missing = [s for s in _settings_fields() if s not in documented]
    assert not missing, f"README's configuration table lacks: {missing}"


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside an annotation, and whether it is a list of them."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    many = typing.get_origin(annotation) is list
    for arg in typing.get_args(annotation):
        model, inner_many = _model_of(arg)
        if model is not None:
            return model, many or inner_many
    return None, False


def _key_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        inner, many = _model_of(field.annotation)
        path = f"{prefix}{name}"
        if inner is None:
            out.append(path)
        else:
            out += _key_paths(inner, f"{path}{'[]' if many else ''}.")
    return out


def test_every_key_of_the_scorecard_format_is_documented():
    keys = section(SCORECARDS, "Every key")
    missing = [p for p in _key_paths(Scorecard) if f"`{p}`" not in keys]
    assert not missing, f"docs/scorecards.md 'Every key' lacks: {missing}"
