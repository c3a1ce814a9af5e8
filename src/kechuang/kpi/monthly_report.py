"""The monthly report 科技工作进展月报: one Dashboard rendered as .docx, .pdf or .xlsx.

``prepare`` turns a :class:`~kechuang.kpi.selectors.Dashboard` into plain rows and texts
once (figures formatted with :func:`kechuang.kpi.progress.fmt`, statuses by their Chinese
label); the three renderers only lay them out, so the Word file, the PDF and the workbook
always say the same thing.

* PDF: the HTML template ``kpi/report/monthly.html`` through WeasyPrint, naming the
  "Noto Sans CJK SC" family and ``lang="zh-CN"`` so the Chinese glyphs are embedded.
* DOCX: python-docx; every style's East Asian font is set (``w:eastAsia``; Word otherwise
  shows Chinese in a fallback face) and the font table tells Word to substitute 宋体
  where Noto Sans CJK SC is not installed.
* XLSX: the KPI table and the county ranking as two sheets, figures as numbers.

Charts are PNGs drawn by :mod:`kechuang.kpi.charts` and shared by the PDF and the docx.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kechuang import metrics as registry
from kechuang.kpi import charts
from kechuang.kpi.progress import Status, fmt
from kechuang.kpi.sources import source_of

FONT = "Noto Sans CJK SC"
FONT_SUBSTITUTE = "宋体"  # what Word uses where the Noto face is not installed
NO_SOURCE = "暂无数据来源"
NOT_REPORTED = "暂无数据（尚未上报）"  # takes reported values; none approved yet
NOT_ALLOCATED = "未分解"
# the order statuses are counted in (summary, legend, ranking columns)
SUMMARY_STATUSES = (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND,
                    Status.NO_DATA)
KPI_HEADERS = ("指标", "单位", "目标", "当前值", "完成率", "时序进度", "状态", "预计全年")
RANK_HEADERS = ("名次", "县区", "综合完成率", "分解指标数", "已完成", "进度正常", "存在风险",
                "进度滞后")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# -- the report's content ------------------------------------------------------------------
@dataclass(frozen=True)
class KpiLine:
    action: str
    name: str
    unit: str
    target: Decimal | None
    target_text: str
    value: Decimal | None
    value_text: str
    pct: Decimal | None
    pct_text: str
    expected: Decimal | None
    expected_text: str
    status: Status
    status_text: str
    forecast: Decimal | None
    forecast_text: str
    has_source: bool
    explanation: str
    source_label: str = ""  # 计数 (counted from records) / 上报 (reported, approved)
    source_text: str = ""  # the definition and date behind the figure

    @property
    def cells(self) -> tuple[str, ...]:
        """The texts of the KPI table's columns (KPI_HEADERS), in order; the value says
        whether it was counted or reported."""
        value = self.value_text
        if self.source_label:
            value += f"（{self.source_label}）"
        return (self.name, self.unit, self.target_text, value, self.pct_text,
                self.expected_text, self.status_text, self.forecast_text)


@dataclass(frozen=True)
class ActionBlock:
    title: str
    lines: list[KpiLine]


@dataclass(frozen=True)
class RankLine:
    rank: int | None
    county: str
    score: Decimal | None
    allocated: int
    counts: tuple[int, ...]  # achieved, on track, at risk, behind

    @property
    def cells(self) -> tuple[str, ...]:
        return (str(self.rank) if self.rank else "—", self.county,
                f"{fmt(self.score)}%" if self.score is not None else NOT_ALLOCATED,
                str(self.allocated), *(str(n) for n in self.counts))


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes
    caption: str = ""

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Report:
    title: str
    region: str
    plan_title: str
    as_of: dt.date
    summary: str
    status_counts: list[tuple[str, int]]
    actions: list[ActionBlock]
    ranking: list[RankLine]
    notes: list[str]
    charts: list[Chart] = field(default_factory=list)
    source: str = ""  # live, or which snapshot and whether it is stale (source_text)
    # sections other apps register (kechuang.metrics.register_report_section), after 四
    sections: list[Any] = field(default_factory=list)

    @property
    def lines(self) -> list[KpiLine]:
        return [line for block in self.actions for line in block.lines]


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def report_title(dashboard: Any) -> str:
    return f"{dashboard.plan.region.name}科技工作进展月报（截至 {date_text(dashboard.as_of)}）"


def report_filename(dashboard: Any, file_format: str) -> str:
    return f"科技工作进展月报-{dashboard.as_of.year}年{dashboard.as_of.month}月.{file_format}"


_CN_DIGITS = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    if 0 < n <= 10:
        return _CN_DIGITS[n]
    if 10 < n < 20:
        return "十" + _CN_DIGITS[n - 10]
    return str(n)


def _pct(value: Decimal | None) -> str:
    return f"{fmt(value)}%" if value is not None else "—"


def _target_text(ind: Any) -> str:
    if ind.target is not None:
        prefix = {">": "＞", "==": "＝"}.get(ind.comparison, "")
        return prefix + fmt(ind.target)
    if ind.reference:
        word = {">": "高于", "==": "等于"}.get(ind.comparison, "不低于")
        ref = ind.reference
        if getattr(ind, "reference_value", None) is not None:
            ref += f"（{fmt(ind.reference_value)}）"
        return word + ref
    if ind.direction == "increase":
        return "较上年提升"
    return "—"


def _line(action_title: str, row: Any, as_of: dt.date) -> KpiLine:
    ind, p = row.indicator, row.progress
    src = source_of(row, as_of)
    if not row.has_source or (row.source_kind == "reported" and p.value is None):
        text = NOT_REPORTED if row.has_source else NO_SOURCE
        return KpiLine(action_title, ind.name, ind.unit, ind.target, _target_text(ind), None,
                       text, None, "—", None, "—", p.status, p.status.label, None, "—",
                       False, p.explanation, src.label if row.has_source else "", src.text)
    return KpiLine(action_title, ind.name, ind.unit, ind.target, _target_text(ind), p.value,
                   fmt(p.value), p.pct_of_goal, _pct(p.pct_of_goal), p.expected_pct,
                   _pct(p.expected_pct), p.status, p.status.label, p.forecast, fmt(p.forecast),
                   True, p.explanation, src.label, src.text)


def _ranking(dashboard: Any) -> list[RankLine]:
    out, rank = [], 0
    for r in dashboard.ranking:
        if r.score is not None:
            rank += 1
        out.append(RankLine(rank if r.score is not None else None, r.county_name, r.score,
                            r.allocated, tuple(r.counts.get(s, 0) for s in SUMMARY_STATUSES[:4])))
    return out


def _summary(dashboard: Any, lines: list[KpiLine]) -> tuple[str, list[tuple[str, int]]]:
    counts = dashboard.status_counts
    items = [(s.label, counts.get(s, 0)) for s in SUMMARY_STATUSES]
    no_target = counts.get(Status.NO_TARGET, 0)
    parts = "、".join(f"{label} {n} 项" for label, n in items)
    text = (f"截至{date_text(dashboard.as_of)}，《{dashboard.plan.title}》共设 {len(lines)} 项"
            f"监测指标，其中{parts}")
    if no_target:
        text += f"，无量化目标 {no_target} 项"
        items.append((Status.NO_TARGET.label, no_target))
    text += "。"
    no_source = sum(1 for line in lines if not line.has_source)
    if no_source:
        text += f"有 {no_source} 项指标暂无数据（尚未上报审核通过的数值）。"
    behind = [line.name for line in lines if line.status == Status.BEHIND]
    if behind:
        text += f"进度滞后的指标：{'、'.join(behind)}，请相关责任单位加快推进。"
    at_risk = [line.name for line in lines if line.status == Status.AT_RISK]
    if at_risk:
        text += f"存在风险的指标：{'、'.join(at_risk)}。"
    return text, items


def _notes(dashboard: Any) -> list[str]:
    plan = dashboard.plan
    on_track = getattr(plan, "on_track_ratio", None) or Decimal("0.90")
    at_risk = getattr(plan, "at_risk_ratio", None) or Decimal("0.70")
    notes = [
        "完成率＝当前值÷目标值；时序进度为截至统计日应完成的目标比例，"
        "上年有同类记录的按上年同期进度曲线计算，否则按时间进度（已过天数÷全年天数）计算。",
        f"当前值达到时序进度应达值的 {fmt(on_track * 100)}% 及以上为“进度正常”，"
        f"{fmt(at_risk * 100)}%～{fmt(on_track * 100)}% 为“存在风险”，低于 "
        f"{fmt(at_risk * 100)}% 为“进度滞后”；预计全年按当前进度外推。",
        "县区综合完成率为该县区各项分解指标完成率（单项最高按 100% 计）的平均值；"
        "未分解目标的县区不参与排名。",
    ]
    zone = getattr(plan, "get_zone_attribution_display", None)
    if zone is not None:  # where 长治高新区's enterprises count (the plan's setting)
        notes.append(f"功能区企业：{zone()}；各县区数据合计等于全市数据。")
    city_only = [row.indicator.name for row in dashboard.rows if getattr(row, "city_only", False)]
    if city_only:  # their county figures are absent, not zero
        notes.append(f"{'、'.join(city_only)}仅有全市数据，不分县区统计，不分解县区目标，"
                     "不计入县区排名。")
    notes.append(source_text(dashboard))
    return notes


def _when(moment: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def source_text(dashboard: Any) -> str:
    """Where the figures come from: computed live, or which snapshot and whether it is stale."""
    state = getattr(dashboard, "snapshot", None)
    if not getattr(dashboard, "from_snapshot", False):
        return f"本报告数据按业务记录实时计算，统计截至{date_text(dashboard.as_of)}。"
    if state is None:
        return "本报告数据取自统计日的月度快照。"
    text = (f"本报告数据取自{date_text(state.period_end)}的月度快照"
            f"（快照生成于 {_when(state.taken_at)}）。")
    if state.changed_at is not None:
        text += f"快照生成后相关业务记录有变更（最近一次 {_when(state.changed_at)}）。"
    if state.stale:
        text += (f"快照已过时：{'、'.join(state.differs)}的快照数值与当前实时数据不一致，"
                 "如需按最新数据出具报告，请先刷新快照。")
    else:
        text += "快照数值与当前实时数据一致。"
    return text


def prepare(dashboard: Any, *, with_charts: bool = True) -> Report:
    """The report's rows, texts and (optionally) charts, computed once for every format."""
    blocks = []
    for card in dashboard.cards:
        title = f"{_cn_number(card.action.number)}、{card.action.name}"
        blocks.append(ActionBlock(title, [_line(title, row, dashboard.as_of) for row in card.rows]))
    lines = [line for b in blocks for line in b.lines]
    summary, items = _summary(dashboard, lines)
    report = Report(title=report_title(dashboard), region=dashboard.plan.region.name,
                    plan_title=dashboard.plan.title, as_of=dashboard.as_of, summary=summary,
                    status_counts=items, actions=blocks, ranking=_ranking(dashboard),
                    notes=_notes(dashboard), source=source_text(dashboard),
                    sections=registry.report_sections(dashboard.plan, dashboard.as_of))
    if with_charts:
        report.charts = build_charts(dashboard, report)
    return report


# -- charts -------------------------------------------------------------------------------
def build_charts(dashboard: Any, report: Report) -> list[Chart]:
    out = []
    targeted = [line for line in report.lines if line.target is not None]
    if targeted:
        bars = [charts.Bar(label=line.name, value=line.pct,
                           colour=charts.status_colour(line.status),
                           text=line.pct_text if line.pct is not None else line.status_text,
                           marker=line.expected)
                for line in targeted]
        used = []
        for line in targeted:
            if line.status not in used:
                used.append(line.status)
        legend = [(s.label, charts.status_colour(s)) for s in Status if s in used]
        legend.append(("时序进度", charts.MARKER))
        out.append(Chart("图1 有量化目标指标的完成率", charts.hbar_chart(
            bars, title="有量化目标指标的完成率", subtitle=f"截至{date_text(dashboard.as_of)}，"
            "条形为完成率（%），竖线为时序进度", unit="%", reference=Decimal(100),
            reference_label="目标", cap=Decimal(150), legend=legend),
            "完成率超过 150% 的指标条形画到图边，数值照实标注。"))
    if any(r.score is not None for r in report.ranking):
        bars = [charts.Bar(label=r.county, value=r.score,
                           text=f"{fmt(r.score)}%" if r.score is not None else NOT_ALLOCATED)
                for r in report.ranking]
        out.append(Chart(f"图{len(out) + 1} 县区综合完成率排名", charts.hbar_chart(
            bars, title="县区综合完成率排名", subtitle="各县区分解指标完成率的平均值（%）",
            unit="%", cap=Decimal(100))))
    curve = _curve_chart(dashboard)
    if curve is not None:
        title, png = curve
        out.append(Chart(f"图{len(out) + 1} {title}", png))
    return out


def _curve_row(dashboard: Any) -> Any:
    rows = [r for r in dashboard.rows if r.this_year_curve or r.last_year_curve]
    # an indicator with a target first, then any with both curves
    rows.sort(key=lambda r: (r.indicator.target is None,
                             not (r.this_year_curve and r.last_year_curve)))
    return rows[0] if rows else None


def _curve_chart(dashboard: Any) -> tuple[str, bytes] | None:
    row = _curve_row(dashboard)
    if row is None:
        return None
    ind, year = row.indicator, dashboard.plan.year
    series = []
    if row.this_year_curve:
        months = 12
        if dashboard.as_of.year == year:
            months = dashboard.as_of.month
        elif dashboard.as_of.year < year:
            months = 0
        if months:
            series.append(charts.Series(f"{year}年累计", list(row.this_year_curve)[:months],
                                        charts.COLOURS["primary"]))
    if row.last_year_curve:
        series.append(charts.Series(f"{year - 1}年累计", list(row.last_year_curve),
                                    charts.COLOURS["secondary"], dashed=True))
    if not series:
        return None
    title = f"{ind.name}逐月累计"
    unit = f"（{ind.unit}）" if ind.unit else ""
    return title, charts.line_chart(series, title=title + unit,
                                    subtitle="本年与上年逐月累计值对比", unit="",
                                    target=ind.target)


# -- PDF ------------------------------------------------------------------------------------
def url_fetcher() -> Any:
    """WeasyPrint's fetcher for the report: inline data only, never the network or files."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True, timeout=5)


def render_html(dashboard: Any, report: Report | None = None) -> str:
    from django.template.loader import render_to_string
    from django.utils import timezone

    report = report or prepare(dashboard)
    return render_to_string("kpi/report/monthly.html", {
        "report": report, "headers": KPI_HEADERS, "rank_headers": RANK_HEADERS,
        "font": FONT, "generated": date_text(timezone.localdate()),
        "sections": [(f"{_cn_number(n)}、", s) for n, s in enumerate(report.sections, start=5)],
    })


def render_pdf(dashboard: Any, report: Report | None = None) -> bytes:
    from weasyprint import HTML

    html = render_html(dashboard, report)
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf()


# -- DOCX -------------------------------------------------------------------------------------
def _set_fonts(rpr_owner: Any, *, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian font of a style or run; theme fonts would override both."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr_owner.font.name = FONT
    element = getattr(rpr_owner, "element", None)  # a style; a run keeps it in _element
    rpr = (element if element is not None else rpr_owner._element).get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        rpr_owner.font.size = Pt(size)
    if bold is not None:
        rpr_owner.font.bold = bold


def _font_table_substitute(document: Any) -> None:
    """Tell Word which font to use where Noto Sans CJK SC is missing (宋体, GB2312)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    entry = (f'<w:font w:name="{FONT}"><w:altName w:val="{FONT_SUBSTITUTE}"/>'
             '<w:charset w:val="86"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>'
             '</w:font>')
    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            part = rel.target_part
            blob = part.blob.decode("utf-8")
            if f'w:name="{FONT}"' not in blob:
                part._blob = blob.replace("</w:fonts>", entry + "</w:fonts>").encode("utf-8")


def _lang_zh(document: Any) -> None:
    """East Asian language zh-CN in the document defaults (punctuation, line breaking)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is None:
        return
    rpr = rpr_default.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _cell_text(cell: Any, text: str, *, bold: bool = False, align: Any = None,
               size: float = 9, fill: str | None = None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = cell.paragraphs[0]
    para.paragraph_format.space_after = 0
    para.paragraph_format.space_before = 0
    if align is not None:
        para.alignment = align
    run = para.add_run(text)
    _set_fonts(run, size=size, bold=bold or None)
    if fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _table(document: Any, headers: Iterable[str], widths_cm: list[float]) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    headers = list(headers)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid: LibreOffice and WPS lay out by it
    for cell, text, width in zip(table.rows[0].cells, headers, widths_cm, strict=True):
        cell.width = Cm(width)
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, fill="E8EEF7")
    _repeat_header(table.rows[0])
    return table


def _add_row(table: Any, texts: Iterable[str], widths_cm: list[float],
             numeric_from: int = 2, span: tuple[int, int] | None = None) -> None:
    """One table row; ``span`` (first, last) merges those cells, keeping the first's text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    cells = table.add_row().cells
    for i, (cell, text, width) in enumerate(zip(cells, texts, widths_cm, strict=True)):
        cell.width = Cm(width)
        if span and span[0] < i <= span[1]:
            continue
        align = WD_ALIGN_PARAGRAPH.RIGHT if i >= numeric_from and text[:1].isdigit() \
            else (WD_ALIGN_PARAGRAPH.CENTER if i >= 1 else None)
        _cell_text(cell, text, align=align)
    if span:
        cells[span[0]].merge(cells[span[1]])


KPI_WIDTHS = [3.9, 1.2, 2.1, 1.9, 1.6, 1.8, 1.8, 1.7]
RANK_WIDTHS = [1.2, 2.4, 2.4, 2.0, 1.6, 1.8, 1.8, 1.8]


def render_docx(dashboard: Any, report: Report | None = None) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    report = report or prepare(dashboard)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    _lang_zh(document)
    _font_table_substitute(document)
    styles = document.styles
    _set_fonts(styles["Normal"], size=10.5)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Caption", 9)):
        style = styles[name]
        _set_fonts(style, size=size, bold=name != "Caption")
        style.font.color.rgb = RGBColor(0x21, 0x25, 0x29)
    document.core_properties.title = report.title
    document.core_properties.language = "zh-CN"

    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = document.add_paragraph(f"依据：{report.plan_title}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.source:
        document.add_paragraph(f"数据来源：{report.source}")

    document.add_heading("一、总体情况", level=1)
    para = document.add_paragraph(report.summary)
    para.paragraph_format.first_line_indent = Pt(21)

    document.add_heading("二、分行动指标进展", level=1)
    table = _table(document, KPI_HEADERS, KPI_WIDTHS)
    for block in report.actions:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _cell_text(merged, block.title, bold=True, fill="F3F5F8")
        if not block.lines:
            _add_row(table, ["（本行动暂无量化监测指标）", *[""] * (len(KPI_HEADERS) - 1)],
                     KPI_WIDTHS)
        for line in block.lines:  # 当前值 … 时序进度 as one cell when there is no source
            _add_row(table, line.cells, KPI_WIDTHS, span=None if line.has_source else (3, 5))

    document.add_heading("三、图表", level=1)
    if not report.charts:
        document.add_paragraph("暂无可绘制的数据。")
    for chart in report.charts:
        document.add_picture(io.BytesIO(chart.png), width=Cm(16.5))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap = document.add_paragraph(chart.title + (f"（{chart.caption}）" if chart.caption
                                                    else ""), style="Caption")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("四、县区排名", level=1)
    table = _table(document, RANK_HEADERS, RANK_WIDTHS)
    for line in report.ranking:
        _add_row(table, line.cells, RANK_WIDTHS, numeric_from=2)
    if not report.ranking:
        document.add_paragraph("暂无县区数据。")

    for n, section in enumerate(report.sections, start=5):
        document.add_heading(f"{_cn_number(n)}、{section.title}", level=1)
        if section.text:
            document.add_paragraph(section.text)
        widths = [16.5 / max(len(section.headers), 1)] * len(section.headers)
        table = _table(document, section.headers, widths)
        for row in section.rows:
            _add_row(table, row, widths, numeric_from=1)

    document.add_heading("说明", level=2)
    for note in report.notes:
        document.add_paragraph(note, style="List Number")
    for para in document.paragraphs:  # headings and list items inherit fonts via styles,
        for run in para.runs:         # runs carry them too so copy-paste into WPS keeps them
            _set_fonts(run)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- XLSX ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sheet:
    name: str
    columns: list[Any]  # kechuang.core.excel.Column
    rows: list[Any]


def _number(value: Any) -> Any:
    return value if isinstance(value, Decimal | int | float) else None


def kpi_columns() -> list[Any]:
    from kechuang.core.excel import Column

    def maybe(get: Callable[[KpiLine], Any]) -> Callable[[KpiLine], Any]:
        return lambda line: get(line) if line.has_source else None

    return [
        Column("行动", lambda x: x.action, width=26),
        Column("指标", lambda x: x.name, width=36),
        Column("单位", lambda x: x.unit, width=8),
        Column("目标", lambda x: x.target, kind="decimal", width=10),
        Column("目标说明", lambda x: x.target_text, width=16),
        Column("当前值", maybe(lambda x: x.value), kind="decimal", width=12),
        Column("完成率（%）", maybe(lambda x: x.pct), kind="decimal", width=11),
        Column("时序进度（%）", maybe(lambda x: x.expected), kind="decimal", width=12),
        Column("状态", lambda x: x.status_text, width=10),
        Column("预计全年", maybe(lambda x: x.forecast), kind="decimal", width=12),
        Column("数据来源", lambda x: x.source_label or NO_SOURCE, width=10),
        Column("口径与日期", lambda x: x.source_text, kind="wrap", width=40),
        Column("说明", lambda x: x.explanation, kind="wrap", width=50),
    ]


def _count(index: int) -> Callable[[RankLine], int]:
    return lambda r: r.counts[index]


def rank_columns() -> list[Any]:
    from kechuang.core.excel import Column

    return [
        Column("名次", lambda r: r.rank, kind="number", width=6),
        Column("县区", lambda r: r.county, width=12),
        Column("综合完成率（%）", lambda r: r.score if r.score is not None else NOT_ALLOCATED,
               kind="decimal", width=16),
        Column("分解指标数", lambda r: r.allocated, kind="number", width=11),
        *[Column(s.label, _count(i), kind="number", width=10)
          for i, s in enumerate(SUMMARY_STATUSES[:4])],
    ]


def write_sheets(sheets: list[Sheet]) -> bytes:
    """Several small sheets in one workbook, with core.excel's Column and cell formats.

    ``decimal`` columns hold Excel numbers shown as written (43.88, 94, 0.5); a text in a
    number column (e.g. "未分解") is written as text.
    """
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True,
                          "valign": "vcenter"})
    fmts = {
        "text": wb.add_format({"num_format": "@", "valign": "top"}),
        "wrap": wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"}),
        "number": wb.add_format({"num_format": "0", "valign": "top"}),
        "money": wb.add_format({"num_format": "#,##0.00", "valign": "top"}),
        "decimal": wb.add_format({"num_format": "General", "valign": "top"}),
    }
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name[:31])
        for c, col in enumerate(sheet.columns):
            ws.set_column(c, c, col.width)
            ws.write_string(0, c, str(col.header), head)
        ws.freeze_panes(1, 0)
        for r, obj in enumerate(sheet.rows, start=1):
            for c, col in enumerate(sheet.columns):
                value, fmt_ = col.value(obj), fmts.get(col.kind, fmts["text"])
                if value is None or value == "":
                    ws.write_blank(r, c, None, fmt_)
                elif col.kind in ("number", "money", "decimal") and _number(value) is not None:
                    ws.write_number(r, c, float(value), fmt_)
                else:
                    ws.write_string(r, c, str(value), fmts["wrap" if col.kind == "wrap"
                                                           else "text"])
        if sheet.rows:
            ws.autofilter(0, 0, len(sheet.rows), len(sheet.columns) - 1)
    wb.close()
    return out.getvalue()


def render_xlsx(dashboard: Any, report: Report | None = None) -> bytes:
    report = report or prepare(dashboard, with_charts=False)
    return write_sheets([
        Sheet("指标进展", kpi_columns(), report.lines),
        Sheet("县区排名", rank_columns(), report.ranking),
        *(_section_sheet(s) for s in report.sections),
        Sheet("说明", _note_columns(), report.notes),
    ])


def _section_sheet(section: Any) -> Sheet:
    from kechuang.core.excel import Column

    def cell(i: int) -> Callable[[Any], Any]:
        return lambda row: row[i]

    columns = [Column(h, cell(i), width=14 if i else 40) for i, h in enumerate(section.headers)]
    return Sheet(section.title[:31], columns, list(section.rows))


def _note_columns() -> list[Any]:
    from kechuang.core.excel import Column

    return [Column("说明", lambda note: note, kind="wrap", width=100)]


RENDERERS: dict[str, Callable[..., bytes]] = {
    "docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx,
}


def render(dashboard: Any, file_format: str) -> bytes:
    """The report in ``file_format`` ("docx", "pdf" or "xlsx")."""
    try:
        renderer = RENDERERS[file_format]
    except KeyError as exc:
        raise ValueError(f"unknown report format {file_format!r}") from exc
    return renderer(dashboard)
