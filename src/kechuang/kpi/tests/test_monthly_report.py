"""The monthly report 科技工作进展月报 in its three formats, and its background job.

The Word file is also opened by LibreOffice (``soffice --headless --convert-to pdf``) and
rasterised with poppler: the Chinese title must come back as text in a CJK font and the page
must not be blank — python-docx alone would not notice a document Word renders as boxes.
``make test`` installs LibreOffice Writer, poppler-utils and fonts-noto-cjk (browser-deps).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from conftest import make_enterprise
from kechuang.kpi import charts, monthly_report
from kechuang.kpi.progress import Status

AS_OF = dt.date(2025, 10, 31)
TITLE = "长治市科技工作进展月报（截至 2025年10月31日）"
TSME = "科技型中小企业入库"  # the dated test metric's indicator (target 300)
COVERAGE = "规上科技服务业企业县域覆盖"  # computed from enterprises (target 12)
NO_SOURCE_INDICATOR = "科技创新券兑付"  # set aside as uncounted (vouchers_reported), none reported


@pytest.fixture
def dashboard(plan, dated_metric, regions, vouchers_reported):
    """The 2025 plan at 31 October: enterprises founded month by month in 2024 and 2025
    (the dated metric counts them), targets of the tech-SME indicator allocated to the
    counties, and above-scale technology-service enterprises in three counties."""
    from kechuang.kpi.selectors import build_dashboard, plan_counties
    from kechuang.plans.models import CountyAllocation, Indicator

    counties = plan_counties(plan)
    serial = 100
    for n, county in enumerate(counties[:6]):
        for month in range(1, 13):
            for year in (2024, 2025):
                if (month + n) % (2 if year == 2024 else 3) == 0:
                    serial += 1
                    make_enterprise(county, f"测试企业{serial}", serial,
                                    established_on=dt.date(year, month, 10))
    for n, county in enumerate(counties[:3]):
        serial += 1
        make_enterprise(county, f"科技服务企业{n}", serial, industry_code="M74",
                        above_scale=True)
    tsme = Indicator.objects.get(action__plan=plan, key="tech_sme_registered")
    for county in counties:
        CountyAllocation.objects.create(indicator=tsme, county=county, target=Decimal(25))
    return build_dashboard(plan=plan, as_of=AS_OF)


@pytest.fixture
def report(dashboard):
    return monthly_report.prepare(dashboard)


def run(cmd: list[str], timeout: int = 60) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          check=True).stdout


def cjk_fonts(pdf: Path) -> list[str]:
    """Lines of ``pdffonts`` naming an embedded CJK font."""
    lines = run(["pdffonts", str(pdf)]).splitlines()[2:]
    return [line for line in lines
            if re.search(r"CJK|WenQuanYi|Hei|Song", line) and " yes " in line]


def ink_share(png: Path) -> float:
    """Share of the page's pixels that are not white."""
    img = Image.open(png).convert("L")
    dark = sum(n for value, n in enumerate(img.histogram()) if value < 200)
    return dark / (img.width * img.height)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- content ------------------------------------------------------------------------------
def test_report_content_follows_the_dashboard(dashboard, report):
    assert report.title == TITLE
    lines = {line.name: line for line in report.lines}
    assert len(lines) == len(dashboard.rows)
    tsme = lines[TSME]
    row = dashboard.row("tech_sme_registered")
    assert tsme.value == row.progress.value and tsme.value > 0
    assert tsme.target_text == "300" and tsme.pct_text.endswith("%")
    assert tsme.expected_text.endswith("%") and tsme.status_text == row.progress.status.label
    assert tsme.forecast_text != "—"
    assert lines[NO_SOURCE_INDICATOR].value_text == "暂无数据（尚未上报）"
    assert lines[NO_SOURCE_INDICATOR].source_label == "上报"
    assert tsme.source_label == "计数" and tsme.source_text.startswith("按业务记录计数")
    assert lines[NO_SOURCE_INDICATOR].status_text == "暂无数据"
    assert lines["全社会R&D投入强度高于全省平均水平"].target_text == "高于全省平均水平"
    counts = dict(report.status_counts)
    assert set(counts) >= {"已完成", "进度正常", "存在风险", "进度滞后", "暂无数据"}
    assert sum(counts.values()) == len(lines)
    for label, n in counts.items():
        assert f"{label} {n} 项" in report.summary
    # every county has a share of the tech-SME target: all are ranked, best first
    scores = [r.score for r in report.ranking]
    assert all(s is not None for s in scores) and scores == sorted(scores, reverse=True)
    assert [r.rank for r in report.ranking] == list(range(1, len(report.ranking) + 1))
    assert [c.title for c in report.charts] == [
        "图1 有量化目标指标的完成率", "图2 县区综合完成率排名", f"图3 {TSME}逐月累计"]


def test_unallocated_counties_are_not_ranked(plan, regions):
    from kechuang.kpi.selectors import build_dashboard

    report = monthly_report.prepare(build_dashboard(plan=plan, as_of=AS_OF))
    assert all(r.rank is None and r.cells[2] == "未分解" for r in report.ranking)
    # no county score, no curve: only the completion chart
    assert [c.title for c in report.charts] == ["图1 有量化目标指标的完成率"]


def test_charts_draw_chinese_with_the_cjk_font(report, tmp_path):
    path, index = charts.font_file()
    assert "CJK" in path or "wqy" in path
    assert charts.font(20).getname()[0] in {"Noto Sans CJK SC", "WenQuanYi Micro Hei"}
    # a glyph the font has differs from the .notdef box a Latin-only font would draw
    f = charts.font(40)
    assert f.getmask("长").getbbox() != f.getmask("\uffff").getbbox()
    for n, chart in enumerate(report.charts, 1):
        img = Image.open(io.BytesIO(chart.png))
        assert img.format == "PNG" and img.width == charts.WIDTH and img.height > 300
        (tmp_path / f"chart{n}.png").write_bytes(chart.png)
        assert ink_share(tmp_path / f"chart{n}.png") > 0.01


# -- DOCX -----------------------------------------------------------------------------------
def test_docx_has_title_kpi_rows_and_east_asian_font(dashboard, report):
    import docx
    from docx.oxml.ns import qn

    content = monthly_report.render_docx(dashboard, report)
    document = docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE
    assert report.summary in texts
    kpi, rank = document.tables
    assert [c.text for c in kpi.rows[0].cells] == list(monthly_report.KPI_HEADERS)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in kpi.rows[1:]}
    tsme = next(line for line in report.lines if line.name == TSME)
    assert rows[TSME] == list(tsme.cells)
    assert rows[NO_SOURCE_INDICATOR][3] == "暂无数据（尚未上报）（上报）"
    assert rows[TSME][3].endswith("（计数）")
    assert "一、科技体制改革深化行动" in rows  # the action as a group row
    assert [c.text for c in rank.rows[0].cells] == list(monthly_report.RANK_HEADERS)
    assert len(rank.rows) == 1 + len(report.ranking)
    assert len(document.inline_shapes) == len(report.charts) == 3
    for name in ("Normal", "Title", "Heading 1"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
        assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win
    font_table = next(r.target_part.blob for r in document.part.rels.values()
                      if r.reltype.endswith("/fontTable")).decode()
    assert 'w:name="Noto Sans CJK SC"><w:altName w:val="宋体"/>' in font_table


def test_libreoffice_renders_the_docx_in_chinese(dashboard, report, tmp_path):
    """One conversion: Writer opens the file, finds the CJK font and prints the title."""
    docx_file = tmp_path / "月报.docx"
    docx_file.write_bytes(monthly_report.render_docx(dashboard, report))
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(docx_file)], capture_output=True, timeout=180, check=True)
    pdf = tmp_path / "月报.pdf"
    assert pdf.exists()
    text = compact(run(["pdftotext", "-layout", str(pdf), "-"]))
    assert compact(TITLE) in text
    assert TSME in text and "尚未上报" in text and "（计数）" in text
    assert cjk_fonts(pdf), run(["pdffonts", str(pdf)])
    run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")])
    page = next(tmp_path.glob("p*.png"))
    assert 0.01 < ink_share(page) < 0.5


# -- PDF ------------------------------------------------------------------------------------
def test_pdf_embeds_cjk_fonts_and_reads_back(dashboard, report, tmp_path):
    content = monthly_report.render_pdf(dashboard, report)
    assert content.startswith(b"%PDF")
    pdf = tmp_path / "月报.pdf"
    pdf.write_bytes(content)
    assert any("Noto-Sans-CJK-SC" in line for line in cjk_fonts(pdf)), run(["pdffonts",
                                                                           str(pdf)])
    text = compact(run(["pdftotext", "-layout", str(pdf), "-"]))
    assert compact(TITLE) in text
    assert TSME in text and COVERAGE in text and "暂无数据（尚未上报）" in text
    assert "县区排名" in text and "图3" in text
    run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")])
    assert 0.01 < ink_share(next(tmp_path.glob("p*.png"))) < 0.5


def test_html_fetches_nothing_from_outside(dashboard, report):
    html = monthly_report.render_html(dashboard, report)
    assert '<html lang="zh-CN">' in html and '"Noto Sans CJK SC"' in html
    assert "http://" not in html and "https://" not in html
    fetcher = monthly_report.url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("https://cdn.example.com/x.css")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("file:///etc/passwd")
    assert fetcher("data:text/plain;base64,5pyI5oql").read() == "月报".encode()


# -- XLSX -----------------------------------------------------------------------------------
def test_xlsx_has_two_sheets_with_numbers(dashboard, report):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(monthly_report.render_xlsx(dashboard,
                                                                              report)))
    assert wb.sheet_names == ["指标进展", "县区排名", "说明"]
    kpi = wb.get_sheet_by_name("指标进展").to_python()
    assert kpi[0] == ["行动", "指标", "单位", "目标", "目标说明", "当前值", "完成率（%）",
                      "时序进度（%）", "状态", "预计全年", "数据来源", "口径与日期", "说明"]
    assert len(kpi) == 1 + len(report.lines)
    tsme = next(r for r in kpi[1:] if r[1] == TSME)
    line = next(x for x in report.lines if x.name == TSME)
    assert tsme[0] == "四、科技创新主体强化行动"
    assert tsme[3] == 300.0 and tsme[5] == float(line.value)
    assert tsme[6] == pytest.approx(float(line.pct)) and isinstance(tsme[7], float)
    no_source = next(r for r in kpi[1:] if r[1] == NO_SOURCE_INDICATOR)
    assert no_source[5] == "" and no_source[10] == "上报"
    rank = wb.get_sheet_by_name("县区排名").to_python()
    assert rank[0] == ["名次", "县区", "综合完成率（%）", "分解指标数", "已完成", "进度正常",
                       "存在风险", "进度滞后"]
    assert rank[1][0] == 1.0 and rank[1][2] == float(report.ranking[0].score)
    assert len(rank) == 1 + len(report.ranking)


# -- the job ------------------------------------------------------------------------------
@pytest.mark.parametrize("file_format, magic", [("docx", b"PK"), ("pdf", b"%PDF"),
                                                ("xlsx", b"PK")])
def test_job_renders_the_report(plan, users, file_format, magic,
                                django_capture_on_commit_callbacks):
    import kechuang.kpi.jobs  # noqa: F401  (registers the handler)
    from kechuang.jobs.models import Job
    from kechuang.jobs.services import start_job

    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(owner=users["city_staff"], kind="kpi.monthly_report",
                        title="科技工作进展月报",
                        params={"plan_id": plan.pk, "as_of": "2025-10-31",
                                "format": file_format})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result_name == f"科技工作进展月报-2025年10月.{file_format}"
    assert job.progress_done == job.progress_total == 3
    assert job.result["indicators"] == 26 and job.result["format"] == file_format
    with job.result_file.open("rb") as fh:
        assert fh.read(4).startswith(magic)


@pytest.mark.parametrize("role, params, error", [
    ("city_staff", {"as_of": "2025-10-31", "format": "odt"}, "不支持的报告格式"),
    ("city_staff", {"as_of": "2025-13-01", "format": "pdf"}, "统计截止日期无效"),
    ("enterprise_a_user", {"as_of": "2025-10-31", "format": "pdf"}, "无权查看"),
])
def test_job_refuses_bad_parameters_and_outsiders(plan, users, role, params, error,
                                                 django_capture_on_commit_callbacks):
    import kechuang.kpi.jobs  # noqa: F401
    from kechuang.jobs.models import Job
    from kechuang.jobs.services import start_job

    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(owner=users[role], kind="kpi.monthly_report", title="月报",
                        params={"plan_id": plan.pk, **params})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and error in job.error
    assert not job.result_file


def test_job_reads_the_snapshot_of_its_date_when_one_was_taken(plan):
    from kechuang.kpi import jobs, services

    assert not jobs.dashboard_for(plan=plan, as_of=AS_OF).from_snapshot  # live
    services.take_snapshot(plan=plan, period_end=AS_OF)
    dashboard = jobs.dashboard_for(plan=plan, as_of=AS_OF)
    assert dashboard.from_snapshot and dashboard.as_of == AS_OF
    assert Status.NO_DATA in dashboard.status_counts
