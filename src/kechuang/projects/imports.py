"""Excel import of the expert pool (专家库) and of historical projects (历年科技项目).

* **Projects** — key: 项目编号 (unique). A re-import of the same file changes nothing; a
  corrected cell updates the project. The 计划类别 is matched by its name (the programme's
  类别 follows it), the 承担单位 by 统一社会信用代码 or, when that cell is blank, by its exact
  name; the 所在县区 is the lead organisation's. New rows are recorded as carry-overs (上年度
  结转). Approved amounts per source are in yuan (Decimal, ≥ 0).
* **Experts** — key: 姓名 + 工作单位统一社会信用代码. 职称 and 专业领域 as in the profile form;
  曾任职单位 in one cell (format below), replacing the expert's former employers.
* Organisations, projects and experts are looked up through ``restrict(user, …)``: a county's
  staff see (and import) only what lies in their county; an organisation outside the user's
  scope reads as not on record.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.orgs.models import Organisation
from kechuang.policy.credit_code import make_code
from kechuang.projects import selectors
from kechuang.projects.models import (
    Expert,
    FormerEmployment,
    Project,
    former_employers_text,
)
from kechuang.projects.services import (
    EXPERT_IMPORTS,
    PROJECT_IMPORTS,
    replace_former_employers,
)

FIRST_DAY = dt.date(1990, 1, 1)
PROJECT_KIND = "projects.project"
EXPERT_KIND = "projects.expert"


def _orgs_in_scope(ctx: ImportContext, codes: set[str],
                   names: set[str]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The user's organisations by credit code and by name, in one query."""
    by_code: dict[str, Any] = {}
    by_name: dict[str, list[Any]] = {}
    if not codes and not names:
        return by_code, by_name
    qs = Organisation.objects.restrict(ctx.user, "view").only(
        "pk", "credit_code", "name", "county_id").order_by()

    for org in qs.filter(Q(credit_code__in=codes) | Q(name__in=names)):
        if org.credit_code in codes:
            by_code[org.credit_code] = org
        if org.name in names:
            by_name.setdefault(org.name, []).append(org)
    return by_code, by_name


def _find_org(row: ImportRow, code_field: str, name_field: str, label: str,
              by_code: dict[str, Any], by_name: dict[str, list[Any]]) -> Any:
    code = row.data.get(code_field)
    name = (row.data.get(name_field) or "").strip()
    if code:
        org = by_code.get(code)
        if org is None:
            row.add_error(code_field, _(
                "%(label)s统一社会信用代码 %(code)s 不在系统中或不在您的管辖范围内，"
                "请先登记该单位") % {"label": label, "code": code})
        return org
    if not name:
        if any(f == code_field for f, _m in row.errors):  # the cell itself was invalid
            return None
        row.add_error(code_field, _("请填写%(label)s的统一社会信用代码或名称") % {
            "label": label})
        return None
    found = by_name.get(name, [])
    if not found:
        row.add_error(name_field, _(
            "%(label)s“%(name)s”不在系统中或不在您的管辖范围内，请先登记该单位") % {
            "label": label, "name": name})
        return None
    if len(found) > 1:
        row.add_error(name_field, _(
            "名称为“%(name)s”的单位有多家，请填写统一社会信用代码") % {"name": name})
        return None
    return found[0]


def resolve_projects(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Four queries per chunk: the programmes, the organisations (through the user's scope),
    the projects under these codes, and which of them the user may change."""
    if not rows:
        return
    programmes = selectors.programmes_by_name(
        {(r.data.get("programme_name") or "").strip() for r in rows})
    by_code, by_name = _orgs_in_scope(
        ctx, {r.data["lead_code"] for r in rows if r.data.get("lead_code")},
        {(r.data.get("lead_name") or "").strip() for r in rows
         if r.data.get("lead_name") and not r.data.get("lead_code")})
    existing = selectors.projects_by_code({r.data["code"] for r in rows})
    mine = set(Project.objects.restrict(ctx.user, "change").filter(
        pk__in=[p.pk for p in existing.values()]).values_list("pk", flat=True))
    for row in rows:
        programme = programmes.get((row.data.get("programme_name") or "").strip())
        if programme is None:
            row.add_error("programme_name", _("计划类别“%(n)s”不在系统中") % {
                "n": row.data.get("programme_name") or ""})
        lead = _find_org(row, "lead_code", "lead_name", _("承担单位"), by_code, by_name)
        if programme is None or lead is None:
            continue
        project = existing.get(row.data["code"])
        if project is not None and project.pk not in mine:
            row.add_error("code", _("该项目编号的项目不在您的管辖范围内"))
            continue
        row.instance = project or Project(code=row.data["code"])
        row.values.update(programme=programme, lead=lead, county_id=lead.county_id)


PROJECT_SPEC = register(ImportSpec(
    kind=PROJECT_KIND,
    title=gettext_lazy("历年科技项目"),
    model=Project,
    columns=[
        Column(gettext_lazy("项目编号"), "code", "text", required=True, width=18,
               help=gettext_lazy("按此识别项目，重复导入不会重复登记")),
        Column(gettext_lazy("项目名称"), "title", "text", required=True, width=30),
        Column(gettext_lazy("计划类别"), "programme_name", "text", required=True, width=24,
               help=gettext_lazy("系统中已设立的计划类别名称")),
        Column(gettext_lazy("立项年度"), "year", "int", required=True, min_value=1990,
               max_value=2100),
        Column(gettext_lazy("承担单位统一社会信用代码"), "lead_code", "credit_code",
               help=gettext_lazy("与承担单位名称至少填写一项")),
        Column(gettext_lazy("承担单位名称"), "lead_name", "text", width=24),
        Column(gettext_lazy("项目负责人"), "pi_name", "text", required=True),
        Column(gettext_lazy("阶段"), "stage", "choice", required=True,
               choices=Project.Stage.choices),
        Column(gettext_lazy("立项日期"), "approved_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("计划完成日期"), "ends_on", "date", min_value=FIRST_DAY),
        Column(gettext_lazy("市财政资助（元）"), "approved_city_yuan", "money", min_value=0),
        Column(gettext_lazy("省财政资助（元）"), "approved_province_yuan", "money",
               min_value=0),
        Column(gettext_lazy("企业自筹（元）"), "approved_enterprise_yuan", "money",
               min_value=0),
        Column(gettext_lazy("考核指标"), "targets", "text", help=gettext_lazy("每行一项")),
    ],
    key=("code",),
    resolve=resolve_projects,
    service=PROJECT_IMPORTS,
    clean_exclude=("programme", "lead", "county", "application"),
    field_labels={"lead": gettext_lazy("承担单位统一社会信用代码"),
                  "programme": gettext_lazy("计划类别"),
                  "county": gettext_lazy("承担单位统一社会信用代码")},
    example={"code": "CZ2024ZD001", "title": "煤矿智能化开采关键技术研究",
             "programme_name": "重点研发计划", "year": 2024,
             "lead_code": make_code("91140403MA0K12345"), "lead_name": "长治示例科技有限公司",
             "pi_name": "王工", "stage": "running", "approved_on": dt.date(2024, 6, 1),
             "ends_on": dt.date(2026, 5, 31), "approved_city_yuan": 500000,
             "approved_province_yuan": 0, "approved_enterprise_yuan": 1000000},
    notes=[gettext_lazy("按项目编号识别：已导入的项目再次导入不会重复登记；新导入的项目记为上年度结转。"),
           gettext_lazy("承担单位须已在系统中登记；所在县区取承担单位所在县区。"),
           gettext_lazy("金额单位为元，不得为负数。")],
    describe=lambda p: f"{p.code} · {p.title}",
))


# ---- former employers (曾任职单位) in one cell ---------------------------------------------
#
# Format: entries separated by "；" or ";" (or new lines), each "单位:起始-结束" — the
# organisation by its exact registered name or its 统一社会信用代码, a colon (":" or "："),
# then the years (2019-2022) or year and month (2015.03-2019.06); "至" or "~" may stand for
# "-". An entry without a period ("单位A") is kept without dates, and 回避 then treats it as
# recent. The listed employers replace the expert's former employers; a blank cell leaves
# them as they are.

_PERIOD = re.compile(r"^(\d{4})(?:[./](\d{1,2}))?\s*[-–—~至]\s*(\d{4})(?:[./](\d{1,2}))?$")
_SPLIT = re.compile(r"[;；\n]+")


@dataclass(frozen=True)
class Job:
    org: str  # a name or a credit code, as written
    started: dt.date | None
    ended: dt.date | None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_former_employers(text: str, *, this_year: int) -> tuple[list[Job], list[str]]:
    """The cell's entries, and one Chinese message per malformed entry."""
    jobs: list[Job] = []
    errors: list[str] = []
    for i, raw in enumerate((e.strip() for e in _SPLIT.split(text or "")), start=1):
        if not raw:
            continue
        org, sep, period = raw.replace("：", ":").rpartition(":")
        if not sep:
            org, period = raw, ""
        org, period = org.strip(), period.strip()
        if not org:
            errors.append(_("曾任职单位第 %(i)s 项“%(e)s”缺少单位名称") % {"i": i, "e": raw})
            continue
        if not period:
            jobs.append(Job(org, None, None))
            continue
        m = _PERIOD.match(period)
        if not m:
            errors.append(_("曾任职单位第 %(i)s 项“%(e)s”的任职时间格式不正确，应为“单位:2019-2022”"
                            "或“单位:2015.03-2019.06”") % {"i": i, "e": raw})
            continue
        y1, m1, y2, m2 = (int(g) if g else None for g in m.groups())
        if any(mm is not None and not 1 <= mm <= 12 for mm in (m1, m2)):
            errors.append(_("曾任职单位第 %(i)s 项“%(e)s”的月份须在 1 至 12 之间") % {
                "i": i, "e": raw})
            continue
        started, ended = dt.date(y1, m1 or 1, 1), _month_end(y2, m2 or 12)
        if started > ended:
            errors.append(_("曾任职单位第 %(i)s 项“%(e)s”的起始时间晚于结束时间") % {
                "i": i, "e": raw})
        elif y1 < FIRST_DAY.year - 40 or y2 > this_year:
            errors.append(_("曾任职单位第 %(i)s 项“%(e)s”的年份须在 1950 年至今年之间") % {
                "i": i, "e": raw})
        else:
            jobs.append(Job(org, started, ended))
    return jobs, errors


def resolve_experts(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Three queries per chunk: the organisations (work place and former employers, through
    the user's scope), the experts of those organisations the user may change, and their
    former employers."""
    if not rows:
        return
    this_year = timezone.localdate().year
    parsed: dict[int, list[Job]] = {}
    refs: set[str] = set()
    for row in rows:
        if row.data.get("former_employers"):
            jobs, errors = parse_former_employers(row.data["former_employers"],
                                                  this_year=this_year)
            for message in errors:
                row.add_error("former_employers", message)
            parsed[row.number] = jobs
            refs |= {j.org for j in jobs}
    by_code, by_name = _orgs_in_scope(
        ctx, {r.data["org_code"] for r in rows if r.data.get("org_code")} | refs, refs)
    existing = {(e.organisation_id, e.name): e for e in Expert.objects.restrict(
        ctx.user, "change").filter(organisation__in=list(by_code.values()))}
    current: dict[int, list[tuple[str, dt.date | None, dt.date | None]]] = {}
    for f in FormerEmployment.objects.restrict(ctx.user, "view").filter(
            expert_profile__in=[e.pk for e in existing.values()]).select_related(
            "organisation").only("expert_profile_id", "organisation__name", "started", "ended"):
        current.setdefault(f.expert_profile_id, []).append(
            (f.organisation.name, f.started, f.ended))
    for row in rows:
        org = _find_org(row, "org_code", "org_name", _("工作单位"), by_code, {})
        if org is None:
            continue
        inst = existing.get((org.pk, row.data["name"])) or Expert(organisation=org)
        if inst.pk is not None:  # compare with the rows 回避 reads, whatever wrote them
            inst.former_employers_text = former_employers_text(current.get(inst.pk, []))
        row.instance = inst
        row.values["organisation"] = org
        if row.number not in parsed:
            continue
        resolved = []
        for job in parsed[row.number]:
            found = [by_code[job.org]] if job.org in by_code else by_name.get(job.org, [])
            if len(found) != 1:
                row.add_error("former_employers", (_(
                    "曾任职单位“%(o)s”不在系统中，请填写统一社会信用代码或与系统一致的单位全称")
                    if not found else _("曾任职单位“%(o)s”有多家同名单位，请改填统一社会信用代码"))
                    % {"o": job.org})
                continue
            resolved.append((found[0], job.started, job.ended))
        keys = [(o.pk, s, e) for o, s, e in resolved]
        if len(set(keys)) != len(keys):
            row.add_error("former_employers", _("曾任职单位中有重复的单位和任职时间"))
        inst._import_jobs = keys  # written by after_commit, once the run commits
        row.values["former_employers_text"] = former_employers_text(
            [(o.name, s, e) for o, s, e in resolved])


def expert_jobs_after_commit(spec: ImportSpec, ctx: ImportContext,
                             rows: list[ImportRow]) -> None:
    """Once the run commits: the listed former employers replace each written expert's own
    (services.replace_former_employers). At the commit point, so an import that is undone
    never touched them; a re-import of the same file writes no row, so this does nothing."""
    replace_former_employers(actor=ctx.user, jobs={
        r.instance.pk: r.instance._import_jobs for r in rows
        if r.instance is not None and hasattr(r.instance, "_import_jobs")})


EXPERT_SPEC = register(ImportSpec(
    kind=EXPERT_KIND,
    title=gettext_lazy("专家库"),
    model=Expert,
    columns=[
        Column(gettext_lazy("姓名"), "name", "text", required=True),
        Column(gettext_lazy("工作单位统一社会信用代码"), "org_code", "credit_code",
               required=True),
        Column(gettext_lazy("工作单位名称"), "org_name", "text", width=24,
               help=gettext_lazy("仅供核对")),
        Column(gettext_lazy("职称"), "title", "choice", required=True,
               choices=Expert.Title.choices),
        Column(gettext_lazy("专业领域"), "fields", "text", required=True, width=30,
               help=gettext_lazy("多个领域用逗号分隔")),
        Column(gettext_lazy("可参加评审"), "available", "bool",
               help=gettext_lazy("是/否；留空为是")),
        Column(gettext_lazy("曾任职单位"), "former_employers", "text", width=40,
               help=gettext_lazy("单位名称或统一社会信用代码:起止年份，多个用分号分隔，"
                                 "如 单位A:2019-2022；单位B:2015.03-2019.06；"
                                 "填写后替换该专家的曾任职单位，留空不变")),
    ],
    key=("name", "org_code"),
    resolve=resolve_experts,
    service=EXPERT_IMPORTS,
    after_commit=expert_jobs_after_commit,
    clean_exclude=("organisation", "user"),
    field_labels={"organisation": gettext_lazy("工作单位统一社会信用代码"),
                  "former_employers_text": gettext_lazy("曾任职单位")},
    example={"name": "张明", "org_code": make_code("91140403MA0K12345"),
             "org_name": "长治示例科技有限公司", "title": "senior",
             "fields": "人工智能,煤炭智能开采", "available": True,
             "former_employers": "长治示例科技有限公司:2015-2019"},
    notes=[gettext_lazy("按姓名和工作单位识别：再次导入不会重复登记。"),
           gettext_lazy("工作单位和曾任职单位须已在系统中登记。"),
           gettext_lazy("曾任职单位格式：单位名称或统一社会信用代码、冒号、起止年份（或年.月），"
                        "多个用分号分隔，如“单位A:2019-2022；单位B:2015.03-2019.06”；"
                        "不写起止时间的视为近期任职（回避时计入）。")],
))
