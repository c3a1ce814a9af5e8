"""Excel imports: the existing platform registry (平台台账) and the evaluation figures the
bureau collected from the hosts.

Platform registry:

* **Key: 平台名称 + 依托单位统一社会信用代码.** A row naming a platform already recorded is that
  platform: a re-import changes nothing; descriptive fields may be corrected.
* **Level** with its 认定日期 (and 文号): a new platform gets that recognition; a recorded
  platform with a level it does not hold yet gets it added (a promotion keeps its history).
  Lowering a level is not an import: revocation and delisting are dated steps on the page.
* **类别** by its Chinese name, **所在县区** by name (blank: the lead host's county).

Evaluation figures: key 评价年度 + 平台名称; the row's figures are written into that
platform's evaluation of the open campaign of that year if it is not submitted yet; the host (or
the bureau) then uploads the evidence and submits on the page.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.carriers import selectors
from kechuang.carriers.models import Campaign, Evaluation, Level, Platform
from kechuang.carriers.services import PLATFORM_IMPORTS
from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.policy.credit_code import make_code
from kechuang.policy.platform_levels import highest_level

FIRST_DAY = dt.date(1950, 1, 1)


def platform_columns() -> list[Column]:
    return [
        Column(gettext_lazy("平台名称"), "name", "text", required=True, width=36),
        Column(gettext_lazy("平台类别"), "kind_name", "text", required=True,
               help=gettext_lazy("如：重点实验室、技术创新中心、科技企业孵化器、中试基地")),
        Column(gettext_lazy("依托单位统一社会信用代码"), "host_code", "credit_code",
               required=True),
        Column(gettext_lazy("依托单位名称"), "host_name", "text"),
        Column(gettext_lazy("所在县区"), "county_name", "text",
               help=gettext_lazy("选填，留空按依托单位所在县区")),
        Column(gettext_lazy("级别"), "recognition_level", "choice", choices=Level.choices,
               help=gettext_lazy("国家级/省级/市级；未认定留空")),
        Column(gettext_lazy("认定日期"), "recognised_on", "date", min_value=FIRST_DAY),
        Column(gettext_lazy("认定文号"), "document_no", "text"),
        Column(gettext_lazy("认定部门"), "issuer", "text"),
        Column(gettext_lazy("成立日期"), "established_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("技术领域"), "field", "text"),
        Column(gettext_lazy("晋创谷载体"), "jinchuanggu", "bool"),
        Column(gettext_lazy("面积（平方米）"), "area_sqm", "decimal", min_value=0),
        Column(gettext_lazy("容量"), "capacity", "int", min_value=0),
    ]


def resolve_platforms(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """A few queries per chunk: hosts by credit code, kinds and counties by name, the platforms
    already recorded by (name, host)."""
    if not rows:
        return
    orgs = selectors.organisations_by_code({r.data["host_code"] for r in rows
                                            if r.data.get("host_code")})
    kinds = selectors.kinds_by_name({r.data["kind_name"] for r in rows if r.data.get("kind_name")})
    counties = selectors.counties_by_name({r.data["county_name"] for r in rows
                                           if r.data.get("county_name")})
    keys = {(r.data["name"], orgs[r.data["host_code"]].pk) for r in rows
            if r.data.get("host_code") in orgs}
    existing = selectors.platforms_by_key(keys)
    mine = set(Platform.objects.restrict(ctx.user, "change").filter(
        pk__in=[p.pk for p in existing.values()]).values_list("pk", flat=True))
    held = selectors.recognised_levels([p.pk for p in existing.values()])
    for row in rows:
        d = row.data
        host = orgs.get(d.get("host_code"))
        if host is None:
            row.add_error("host_code", _(
                "依托单位统一社会信用代码 %(c)s 不在系统中，请先登记该单位") % {
                "c": d.get("host_code")})
            continue
        kind = kinds.get(d.get("kind_name"))
        if kind is None:
            row.add_error("kind_name", _("未知的平台类别“%(k)s”，请先在“平台类别”中新增")
                          % {"k": d.get("kind_name")})
            continue
        county = None
        if d.get("county_name"):
            county = counties.get(d["county_name"])
            if county is None:
                row.add_error("county_name", _("未知的县区“%(c)s”") % {"c": d["county_name"]})
                continue
        if d.get("recognition_level") and not d.get("recognised_on"):
            row.add_error("recognised_on", _("填写了级别时须填写认定日期"))
            continue
        platform = existing.get((d["name"], host.pk))
        if platform is not None and platform.pk not in mine:
            row.add_error("name", _("该平台不在您的管辖范围内"))
            continue
        if platform is None:
            platform = Platform(name=d["name"], lead_host=host, submitted_by=ctx.user)
        platform.lead_host = host
        if d.get("recognition_level"):
            platform._import_recognition = {
                "level": d["recognition_level"], "recognised_on": d["recognised_on"],
                "document_no": d.get("document_no") or "", "issuer": d.get("issuer") or ""}
        row.instance = platform
        row.values.update({"kind": kind, "county": county or host.county})
        level = d.get("recognition_level")
        if level and level not in held.get(platform.pk, ()):
            # a level not held yet: the row changes the platform (a promotion), so it is written
            row.values["level"] = highest_level([platform.level or level, level])


PLATFORM_SPEC = register(ImportSpec(
    kind="carriers.platform",
    title=gettext_lazy("创新平台台账"),
    model=Platform,
    columns=platform_columns(),
    key=("name", "host_code"),
    resolve=resolve_platforms,
    service=PLATFORM_IMPORTS,
    clean_exclude=("kind", "lead_host", "county", "submitted_by"),
    field_labels={"lead_host": gettext_lazy("依托单位统一社会信用代码"),
                  "kind": gettext_lazy("平台类别"), "county": gettext_lazy("所在县区")},
    example={"name": "长治市光电材料工程技术研究中心", "kind_name": "工程技术研究中心",
             "host_code": make_code("91140400MA0K12345"), "host_name": "长治示例光电有限公司",
             "county_name": "潞州区", "recognition_level": "provincial",
             "recognised_on": dt.date(2024, 11, 20), "document_no": "晋科发〔2024〕123号",
             "issuer": "山西省科学技术厅", "established_on": dt.date(2019, 6, 1),
             "field": "光电材料", "jinchuanggu": False},
    notes=[gettext_lazy("按平台名称和依托单位识别：已导入的平台再次导入不会重复登记。"),
           gettext_lazy("填写比现有级别更高的级别和认定日期即登记晋级，原认定记录保留；"
                        "撤销、摘牌请在平台页面办理。"),
           gettext_lazy("依托单位须已在系统中登记（按统一社会信用代码识别）。")],
    describe=lambda p: p.name,
))


# ---- evaluation figures ----------------------------------------------------------------------

def evaluation_columns() -> list[Column]:
    return [
        Column(gettext_lazy("评价年度"), "year", "int", required=True, min_value=2000,
               max_value=2100),
        Column(gettext_lazy("平台名称"), "platform_name", "text", required=True, width=36),
        Column(gettext_lazy("研发人员（人）"), "rd_staff", "int", min_value=0),
        Column(gettext_lazy("研发投入（元）"), "rd_spend_yuan", "money", min_value=0),
        Column(gettext_lazy("承担科研项目（项）"), "projects", "int", min_value=0),
        Column(gettext_lazy("授权发明专利（件）"), "patents", "int", min_value=0),
        Column(gettext_lazy("转化科技成果（项）"), "achievements", "int", min_value=0),
        Column(gettext_lazy("服务企业（家次）"), "services", "int", min_value=0),
        Column(gettext_lazy("年度工作总结"), "summary", "text"),
    ]


def resolve_evaluations(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """The open campaign's evaluation of each (year, platform name), within the user's scope."""
    if not rows:
        return
    years = {r.data["year"] for r in rows}
    names = {r.data["platform_name"] for r in rows}
    found: dict[tuple[int, str], list[Evaluation]] = {}
    for ev in Evaluation.objects.restrict(ctx.user, "change").filter(
            campaign__year__in=years, campaign__status=Campaign.Status.OPEN,
            platform__name__in=names).select_related("campaign", "platform"):
        found.setdefault((ev.campaign.year, ev.platform.name), []).append(ev)
    for row in rows:
        matches = found.get((row.data["year"], row.data["platform_name"]), [])
        if not matches:
            row.add_error("platform_name", _("没有该平台该年度正在填报的绩效评价"))
            continue
        if len(matches) > 1:
            row.add_error("platform_name", _("该年度有多个同名平台的评价，请在页面上填报"))
            continue
        ev = matches[0]
        if ev.status not in (Evaluation.Status.PENDING, Evaluation.Status.RETURNED):
            row.add_error("platform_name", _("该评价已提交，不能再导入"))
            continue
        row.instance = ev


EVALUATION_SPEC = register(ImportSpec(
    kind="carriers.evaluation",
    title=gettext_lazy("平台年度绩效评价数据"),
    model=Evaluation,
    columns=evaluation_columns(),
    key=("year", "platform_name"),
    resolve=resolve_evaluations,
    clean_exclude=("campaign", "platform", "submitted_by", "graded_by"),
    example={"year": 2024, "platform_name": "长治市光电材料工程技术研究中心", "rd_staff": 35,
             "rd_spend_yuan": 4200000, "projects": 6, "patents": 3, "achievements": 2,
             "services": 40, "summary": "完成年度建设任务"},
    notes=[gettext_lazy("导入的是市科技局发起、正在填报的评价中尚未提交的平台数据；"
                        "导入后请在评价页面上传佐证材料并提交。")],
    describe=lambda e: str(e),
))
