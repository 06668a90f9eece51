"""The import wizard (数据导入 → 导入向导) and retracting a batch on the imports page.

The roster holds A001 and A002. The PBX export below is in a layout Kefu does not
know; by hand, mapped CallRef → contact_id, StartTime → offered_at, AnswerTime →
answered_at, HangupTime → ended_at, Ext → agent_id, 通话时长 → talk_seconds and
channel fixed to phone:

- P1, P3, P5: answered calls (A001, A002, A001)    → new
- P2: abandoned, no agent                           → new
- P4: offered "昨天" (not a time; offered_at is required) → rejected
so the preview says 5 read, 4 new, 0 changed, 0 unchanged, 1 rejected, 0 under
another source, and the import stores P1, P2, P3, P5.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from kefu.ingest import import_file
from kefu.ingest.mapping import load_profile
from kefu.store.catalog import BatchState, ImportBatch
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.ingest.helpers import stored, write
from tests.web.support import Web, csrf_of, make_web

ROSTER = "工号,姓名,班组\nA001,张三,T1\nA002,李四,T1\n"
PBX = (
    "CallRef,StartTime,AnswerTime,HangupTime,Ext,Caller,通话时长\n"
    "P1,2026-10-05 09:00:00,2026-10-05 09:00:20,2026-10-05 09:03:00,A001,13800000001,160\n"
    "P2,2026-10-05 09:10:00,,2026-10-05 09:11:00,,13800000002,0\n"
    "P3,2026-10-05 10:00:00,2026-10-05 10:00:05,2026-10-05 10:02:05,A002,13800000003,120\n"
    "P4,昨天,,,,13800000004,\n"
    "P5,2026-10-05 11:00:00,2026-10-05 11:00:10,2026-10-05 11:00:40,A001,13800000005,30\n"
)
MAPPED = {
    "col_contact_id": "h:CallRef", "col_channel": "c:phone", "col_offered_at": "h:StartTime",
    "col_answered_at": "h:AnswerTime", "col_ended_at": "h:HangupTime", "col_agent_id": "h:Ext",
    "col_talk_seconds": "h:通话时长",
}  # fmt: skip


def _roster(ws: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_file(ws, write(tmp_path / "花名册.csv", ROSTER))


def _start(web: Web, client, name: str, content: str):  # type: ignore[no-untyped-def]
    token = web.csrf(client, "/imports")
    return client.post("/imports/wizard", files=[("file", (name, content.encode(), "text/csv"))],
                       data={"csrf_token": token})  # fmt: skip


def _post(client, url: str, **data: str):  # type: ignore[no-untyped-def]
    page = client.get(url.rsplit("/", 1)[0] if url.count("/") > 3 else url)
    return client.post(url, data={"csrf_token": csrf_of(page.text), **data})


def _selected(html: str, column: str) -> str | None:
    select_html = re.search(rf'<select id="col-{column}".*?</select>', html, re.S)
    assert select_html, column
    found = re.search(r'<option value="([^"]*)" selected>', select_html.group(0))
    return found.group(1) if found else None


def test_an_unknown_layout_is_mapped_previewed_saved_and_imported(ws: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _roster(ws, tmp_path)
    web = make_web(ws)
    client = web.login("li", Role.manager)
    started = _start(web, client, "pbx-export.csv", PBX)
    assert started.status_code == 303
    url = started.headers["location"]
    page = client.get(url)
    assert "未能识别此文件的格式" in page.text

    mapping = _post(client, f"{url}/choose", choice="map", table="contacts")
    assert mapping.status_code == 303
    screen = client.get(url).text
    # Suggestions: by the headers' words and sample values (Ext's A001/A002 are in the
    # roster), and 通话时长 by its alias; nothing for channel (no header holds it).
    assert _selected(screen, "contact_id") == "h:CallRef"
    assert _selected(screen, "offered_at") == "h:StartTime"
    assert _selected(screen, "answered_at") == "h:AnswerTime"
    assert _selected(screen, "ended_at") == "h:HangupTime"
    assert _selected(screen, "agent_id") == "h:Ext"
    assert _selected(screen, "talk_seconds") == "h:通话时长"
    assert _selected(screen, "channel") is None
    assert "坐席工号" in screen and "contact_id</label>" not in screen

    # Without channel (required): refused, and what was typed is still selected.
    partial = {k: v for k, v in MAPPED.items() if k != "col_channel"}
    refused = client.post(f"{url}/map", data={"csrf_token": csrf_of(screen), **partial})
    assert refused.status_code == 400
    assert "以下必填字段尚未对应：渠道" in refused.text
    assert _selected(refused.text, "contact_id") == "h:CallRef"
    assert _selected(client.get(url).text, "agent_id") == "h:Ext"

    previewed = client.post(f"{url}/map", data={"csrf_token": csrf_of(screen), **MAPPED})
    assert previewed.status_code == 303
    preview = client.get(url).text
    counts = dict(re.findall(r'data-count="(\w+)">([\d,]+)<', preview))
    assert counts == {"rows_read": "5", "new": "4", "changed": "0", "unchanged": "0",
                      "rejected": "1", "other_source": "0"}  # fmt: skip
    assert "以下为导入后将存储的内容，尚未写入任何数据" in preview
    assert "2026-10-05 09:00:00" in preview and "昨天" in preview
    with ws.db.session() as s:
        assert [b.table_name for b in s.scalars(select(ImportBatch))] == ["agents"]

    taken = _post(client, f"{url}/save", name="pwc-call-centre")
    assert taken.status_code == 400 and "已有名为“pwc-call-centre”的映射方案" in taken.text
    saved = _post(client, f"{url}/save", name="pbx")
    assert saved.status_code == 303
    assert "已保存为映射方案“pbx”" in client.get(url).text
    profile = load_profile("pbx", ws.mappings_dir)
    assert profile.columns["channel"] == {"const": "phone"}
    assert profile.columns["agent_id"] == "Ext" and profile.match_headers is False

    imported = _post(client, f"{url}/import")
    assert imported.status_code == 303 and imported.headers["location"].startswith("/imports/jobs/")
    rows = stored(Workspace.open(ws.home), "contacts")
    assert [(r["contact_id"], r["agent_id"], r["talk_seconds"]) for r in rows] == [
        ("P1", "A001", 160.0), ("P2", None, 0.0), ("P3", "A002", 120.0), ("P5", "A001", 30.0),
    ]  # fmt: skip


def test_the_saved_profile_recognises_the_next_file_of_that_layout(ws: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (ws.mappings_dir / "pbx.yaml").write_text(
        "table: contacts\ndescription: PBX\nmatch_headers: false\ncolumns:\n"
        "  contact_id: CallRef\n  offered_at: StartTime\n  channel: {const: phone}\n",
        encoding="utf-8",
    )
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    url = _start(web, client, "next.csv", "CallRef,StartTime\nQ1,2026-10-06 08:00\n").headers[
        "location"
    ]
    assert "识别为映射方案“pbx”（通话/会话记录）" in client.get(url).text
    assert _post(client, f"{url}/choose", choice="profile:pbx").status_code == 303
    counts = dict(re.findall(r'data-count="(\w+)">([\d,]+)<', client.get(url).text))
    assert (counts["new"], counts["rejected"]) == ("1", "0")
    assert _post(client, f"{url}/import").status_code == 303
    assert [r["contact_id"] for r in stored(Workspace.open(ws.home), "contacts")] == ["Q1"]


def test_several_fitting_profiles_are_offered_as_a_choice(ws: Workspace) -> None:
    for name in ("pbx-a", "pbx-b"):
        (ws.mappings_dir / f"{name}.yaml").write_text(
            "table: contacts\ncolumns:\n  contact_id: CallRef\n  offered_at: StartTime\n"
            "  channel: {const: phone}\n",
            encoding="utf-8",
        )
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    url = _start(web, client, "x.csv", "CallRef,StartTime\nQ1,2026-10-06 08:00\n").headers[
        "location"
    ]
    page = client.get(url).text
    assert "有多个映射方案符合此文件的列" in page
    assert 'value="profile:pbx-a" checked' in page and 'value="profile:pbx-b"' in page


def test_a_wizard_is_its_uploaders_only(ws: Workspace) -> None:
    web = make_web(ws)
    li = web.login("li", Role.manager)
    url = _start(web, li, "x.csv", "CallRef,StartTime\nQ1,2026-10-06 08:00\n").headers["location"]
    other = web.login("wang", Role.manager)
    assert other.get(url).status_code == 404
    token = web.csrf(other, "/imports")
    assert other.post(f"{url}/import", data={"csrf_token": token}).status_code == 404


def test_a_batch_is_retracted_after_a_confirmation_and_shows_as_retracted(
    ws: Workspace, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _roster(ws, tmp_path)
    web = make_web(ws)
    client = web.login("li", Role.manager)
    page = client.get("/imports").text
    # Batch 1 (the roster): states and tables in Chinese, never their ids.
    assert "已提交" in page and "坐席花名册" in page and ">committed<" not in page
    assert 'href="/imports/1/retract"' in page
    confirm = client.get("/imports/1/retract")
    assert confirm.status_code == 200 and "目前没有评分使用此批次" in confirm.text
    done = client.post("/imports/1/retract", data={"csrf_token": csrf_of(confirm.text)})
    assert done.status_code == 200 and "批次 1 已撤回。" in done.text
    assert '<td class="batch-state" data-state="retracted">已撤回</td>' in done.text
    assert 'href="/imports/1/retract"' not in done.text
    with ws.db.session() as s:
        assert s.get(ImportBatch, 1).state == BatchState.RETRACTED  # type: ignore[union-attr]
    # Supervisors see the imports page without the button.
    sup = web.login("zhao", Role.supervisor, teams=["T1"])
    assert "/retract" not in sup.get("/imports").text


def test_a_retraction_a_later_batch_relies_on_is_refused_with_the_reason(
    ws: Workspace, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    head = "contact_id,channel,offered_at\n"
    import_file(ws, write(tmp_path / "a.csv", head + "C1,phone,2026-10-01\n"), source="pbx")
    import_file(ws, write(tmp_path / "b.csv", head + "C1,phone,2026-10-01\nC2,phone,2026-10-02\n"),
                source="pbx")  # fmt: skip
    web = make_web(ws)
    client = web.login("li", Role.manager)
    confirm = client.get("/imports/1/retract")
    refused = client.post("/imports/1/retract", data={"csrf_token": csrf_of(confirm.text)})
    assert refused.status_code == 409
    assert "批次 1 不能撤回：之后的批次 2 沿用了其中未变化的记录" in refused.text


def test_the_plain_upload_recognises_one_files_profile_too(ws: Workspace) -> None:
    (ws.mappings_dir / "pbx.yaml").write_text(
        "table: contacts\nsource: pbx\nmatch_headers: false\ncolumns:\n"
        "  contact_id: CallRef\n  offered_at: StartTime\n  channel: {const: phone}\n",
        encoding="utf-8",
    )
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    token = web.csrf(client, "/imports")
    content = b"CallRef,StartTime\nQ1,2026-10-06 08:00\n"
    sent = client.post("/imports", files=[("files", ("x.csv", content, "text/csv"))],
                       data={"csrf_token": token})  # fmt: skip
    assert sent.status_code == 303
    rows = stored(Workspace.open(ws.home), "contacts")
    assert [(r["contact_id"], r["source"]) for r in rows] == [("Q1", "pbx")]
    # A second profile reading the same headers: the page asks which one.
    (ws.mappings_dir / "pbx-copy.yaml").write_text(
        (ws.mappings_dir / "pbx.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    again = client.post("/imports", files=[("files", ("y.csv", content, "text/csv"))],
                        data={"csrf_token": token})  # fmt: skip
    assert again.status_code == 400
    assert "y.csv：有多个映射方案符合此文件的列（pbx, pbx-copy）" in again.text
