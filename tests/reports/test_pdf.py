from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kefu.errors import KefuError
from kefu.reports.meta import ReportMeta
from kefu.reports.pdf import agent_sheet_pdf, team_sheets_pdf


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [line.split() for line in out if line.strip()]


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


@pytest.fixture
def sheet(results, meta) -> bytes:
    return agent_sheet_pdf(
        results[1],
        meta,
        history=[
            {"period": f"2026-{m:02d}", "total": 80.0 + m, "grade": "B"} for m in range(1, 10)
        ],
        team_average={"total": (103 + 81.2) / 2, "fcr_rate": 0.82},
        population={"team": 2, "site": 2, "centre": 3},
    )


def test_sheet_shows_the_agent_and_the_total(sheet, tmp_path) -> None:
    text = _text(sheet, tmp_path)
    assert "个人绩效考核表" in text
    assert "李娜" in text and "A002" in text and "一组" in text and "北京职场" in text
    assert "2026-10" in text and "热线客服月度考核 2026.1" in text
    assert f"{100 - 4.8 - 8 - 4 - 2:.2f}" in text  # 81.20
    assert re.search(r"\bB\b", text)


def test_sheet_shows_indicators_with_targets_points_and_reasons(sheet, tmp_path) -> None:
    text = _text(sheet, tmp_path)
    assert "一次性解决率" in text and "75.00%" in text and "≥ 85.00%" in text
    assert f"{12 * 0.6:.2f}" in text  # fcr points 7.20
    assert "6.00‰" in text  # 3 complaints per 500 contacts
    assert "样本不足" in text
    assert "82.00%" in text  # the team's FCR
    assert "92.10" in text  # the team's mean total (103 + 81.2) / 2
    # ranks with head counts: 2nd of 2 in team and site, 3rd of 3 in the centre
    assert re.search(r"2\s*/\s*2", text) and re.search(r"3\s*/\s*3", text)


def test_sheet_shows_the_last_six_months_of_history(sheet, tmp_path) -> None:
    text = _text(sheet, tmp_path)
    shown = [f"2026-{m:02d}" for m in range(4, 10)]
    assert all(p in text for p in shown)
    assert "2026-03" not in text
    assert "89.00" in text  # 80 + 9


def test_sheet_has_signature_lines(sheet, tmp_path) -> None:
    text = _text(sheet, tmp_path)
    assert "被考核人签字" in text and "直接主管签字" in text


def test_cjk_fonts_are_embedded(sheet, tmp_path) -> None:
    fonts = _fonts(sheet, tmp_path)
    assert any("Noto-Sans-CJK-SC" in f[0] for f in fonts)
    # columns: name type… emb sub uni object ID — "emb" is the 4th from the end
    assert all(f[-5] == "yes" for f in fonts), fonts


def test_sheet_fits_one_page(sheet, tmp_path) -> None:
    assert _pages(sheet, tmp_path) == 1


def test_team_pdf_has_one_page_per_agent(results, meta, tmp_path) -> None:
    pdf = team_sheets_pdf(results, meta)
    assert _pages(pdf, tmp_path) == 3
    text = _text(pdf, tmp_path)
    pages = text.split("\f")
    assert "张伟" in pages[0] and "李娜" in pages[1] and "王芳" in pages[2]
    assert "严重投诉成立 (C0042)" in pages[2]
    # Team mean computed from the results: (103 + 81.2) / 2 for 一组
    assert "92.10" in pages[0]


def test_english_sheet(results, meta, tmp_path) -> None:
    text = _text(agent_sheet_pdf(results[0], meta, locale="en"), tmp_path)
    assert "Individual appraisal sheet" in text and "First-contact" in text
    assert "103.00" in text


def test_imported_markup_is_text_not_html(results, meta, tmp_path) -> None:
    results[0]["name"] = '<img src="http://example.invalid/x.png">张<b>伟</b>'
    text = _text(agent_sheet_pdf(results[0], meta), tmp_path)
    assert "<b>伟</b>" in text


def test_a_draft_says_so_and_a_published_sheet_does_not(results, meta, tmp_path) -> None:
    draft = ReportMeta.of(*meta.scorecards, status="scored", run="#7")
    text = _text(agent_sheet_pdf(results[0], draft), tmp_path)
    assert "草稿" in text and "#7" in text
    final = ReportMeta.of(*meta.scorecards, status="published", run="#8")
    text = _text(agent_sheet_pdf(results[0], final), tmp_path)
    assert "草稿" not in text and "已发布" in text


def test_rendering_fetches_nothing(results, meta, monkeypatch) -> None:
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError("the PDF renderer tried to open a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    results[0]["name"] = '<img src="http://example.invalid/x.png">'
    assert agent_sheet_pdf(results[0], meta).startswith(b"%PDF")


def test_a_missing_cjk_font_is_a_clear_error(results, meta, monkeypatch) -> None:
    import kefu.reports.pdf as pdf

    monkeypatch.setattr(pdf, "FONT_FAMILY", "No Such Font CJK")
    with pytest.raises(KefuError, match="needs the font 'No Such Font CJK'"):
        agent_sheet_pdf(results[0], meta)


def test_no_results_no_empty_pdf(meta) -> None:
    with pytest.raises(KefuError, match="no results to print"):
        team_sheets_pdf([], meta)
