"""A bad query string is explained on the page in the reader's language; the API is unchanged."""

from __future__ import annotations

from kefu.users.roles import Role
from kefu.web.errors import describe_all
from kefu.web.i18n import Translator
from tests.web.support import Web


def test_a_page_number_that_is_not_a_number_is_explained_in_chinese(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    response = client.get("/imports/1/rejects?page=abc")
    assert response.status_code == 400
    assert "页码：应为整数" in response.text
    assert "Input should be" not in response.text


def test_the_same_error_in_english_names_the_field_and_the_rule(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    client.cookies.set("kefu_lang", "en")
    response = client.get("/imports/1/rejects?page=abc")
    assert "page: must be a whole number" in response.text


def test_the_api_keeps_its_english_message_with_the_field(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    response = client.get("/api/v1/imports/1/rejects?page=abc")
    assert response.status_code == 422
    assert "page" in response.json()["error"]["message"]


def test_a_period_rule_and_a_bound_read_as_sentences() -> None:
    errors = [
        {"type": "string_pattern_mismatch", "loc": ("query", "period"),
         "ctx": {"pattern": "^$|^[1-9][0-9]{3}(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"}},
        {"type": "greater_than_equal", "loc": ("query", "per_page"), "ctx": {"ge": 1}},
        {"type": "something_new", "loc": ("query", "unheard_of")},
    ]  # fmt: skip
    said = describe_all(errors, Translator("zh-CN"))
    period = "期间：应为月份（2026-10）、季度（2026-Q4）或年份（2026）"
    assert said == f"{period}；每页条数：应不小于 1；参数：值无效"
    said = describe_all(errors, Translator("en"))
    assert said.startswith("period: must be a month (2026-10), quarter (2026-Q4) or year (2026); ")
    assert said.endswith("rows per page: must be at least 1; parameter: is not valid")
