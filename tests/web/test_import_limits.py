"""An upload over an import cap says which cap and the figure, in the page's language."""

from __future__ import annotations

from kefu.settings import Settings
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import Web, make_web

WIDE = (",".join(f"h{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode()


def _upload(web: Web, client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    token = web.csrf(client, "/imports")
    answer = client.post("/imports", files=[("files", (name, content, "text/csv"))],
                         data={"table": "contacts", "csrf_token": token})  # fmt: skip
    # The upload answers at once with the job's page; the summary is shown there.
    assert answer.status_code == 303, answer.text
    return client.get(answer.headers["location"])


def test_a_file_over_a_cap_is_explained_in_chinese_and_in_english(ws: Workspace) -> None:
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    page = _upload(web, client, "contacts.csv", WIDE)
    assert (
        "contacts.csv：文件有 10,000 列，最多可导入 1,000 列（设置项 import_max_columns）"
        in page.text
    )
    token = web.csrf(client, "/")
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": token})
    page = _upload(web, client, "contacts.csv", WIDE)
    assert "the file has 10,000 columns; at most 1,000 can be imported" in page.text
    assert "列" not in page.text.split('id="upload-results"')[1].split("</section>")[0]


def test_duplicate_headers_are_named_with_both_positions(ws: Workspace) -> None:
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    csv = "通话ID,坐席工号,渠道,进线时间,坐席工号\nC1,A1,电话,2026-10-01 08:00,A2\n".encode()
    page = _upload(web, client, "contacts.csv", csv)
    assert "列名重复：坐席工号 出现在第 2 列和第 5 列" in page.text


def test_a_capped_reject_log_says_so_on_the_summary_and_the_rejects_page(ws: Workspace) -> None:
    path = ws.home / "kefu.yaml"
    Settings.parse({**Settings.load(path).model_dump(exclude_unset=True),
                    "import_max_rejects": 2}).dump(path)  # fmt: skip
    ws.close()
    ws = Workspace.open(ws.home)
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    rows = "".join(f"C{i},电话,A1,昨天\n" for i in range(5))
    page = _upload(web, client, "contacts.csv", ("通话ID,渠道,坐席工号,进线时间\n" + rows).encode())
    assert "拒收记录只保存前 2 行（共拒收 5 行，设置项 import_max_rejects）" in page.text
    (batch,) = [b["id"] for b in client.get("/api/v1/imports").json()]
    rejects = client.get(f"/imports/{batch}/rejects")
    assert "只保存了前 2 行拒收记录（共拒收 5 行" in rejects.text
    ws.close()
