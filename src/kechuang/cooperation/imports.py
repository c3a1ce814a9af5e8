"""Excel import of the registries the bureau keeps today (人才团队台账, 成果转化台账).

* **Talents** — key: 依托单位统一社会信用代码 + 姓名 + 落地日期; a row already recorded is that
  record (a re-import changes nothing, a corrected cell updates it). The row's label in the
  preview and the audit trail never holds the name (``str(Talent)``).
* **Achievements** — key: 承接企业统一社会信用代码 + 成果名称 + 转化日期.
* Organisations by 统一社会信用代码 (one query per chunk); one not on record is a row error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.cooperation import selectors
from kechuang.cooperation.models import Achievement, CooperationProject, Talent
from kechuang.cooperation.services import ACHIEVEMENT_IMPORTS, PROJECT_IMPORTS, TALENT_IMPORTS
from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.policy.credit_code import make_code
from kechuang.regions.selectors import counties

FIRST_DAY = dt.date(1990, 1, 1)
SPLIT = re.compile(r"[\s,，、;；]+")


def _orgs(rows: list[ImportRow], key: str) -> dict[str, Any]:
    return selectors.organisations_by_code({r.data[key] for r in rows if r.data.get(key)})


def resolve_talents(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Two queries per chunk: the hosts by credit code, the existing records of those hosts."""
    if not rows:
        return
    orgs = _orgs(rows, "host_code")
    existing = {(t.host_id, t.name, t.started_on): t for t in Talent.objects.restrict(
        ctx.user, "change").filter(host__in=list(orgs.values()))}
    for row in rows:
        host = orgs.get(row.data["host_code"])
        if host is None:
            row.add_error("host_code", _(
                "依托单位统一社会信用代码 %(c)s 不在系统中，请先登记该单位") % {
                "c": row.data["host_code"]})
            continue
        found = existing.get((host.pk, row.data["name"], row.data["started_on"]))
        row.instance = found or Talent(host=host)
        row.values["host"] = host


def resolve_achievements(ctx: ImportContext, rows: list[ImportRow]) -> None:
    if not rows:
        return
    orgs = _orgs(rows, "receiver_code")
    existing = {(a.receiver_id, a.title, a.transferred_on): a
                for a in Achievement.objects.restrict(ctx.user, "change").filter(
                    receiver__in=list(orgs.values()))}
    for row in rows:
        receiver = orgs.get(row.data["receiver_code"])
        if receiver is None:
            row.add_error("receiver_code", _(
                "承接企业统一社会信用代码 %(c)s 不在系统中，请先登记该单位") % {
                "c": row.data["receiver_code"]})
            continue
        found = existing.get((receiver.pk, row.data["title"], row.data["transferred_on"]))
        row.instance = found or Achievement(receiver=receiver)
        row.values["receiver"] = receiver


TALENT_SPEC = register(ImportSpec(
    kind="cooperation.talent",
    title=gettext_lazy("人才团队台账"),
    model=Talent,
    columns=[
        Column(gettext_lazy("依托单位统一社会信用代码"), "host_code", "credit_code", required=True),
        Column(gettext_lazy("姓名（团队负责人）"), "name", "text", required=True),
        Column(gettext_lazy("落地日期"), "started_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("类别"), "category", "choice", required=True,
               choices=Talent.Category.choices),
        Column(gettext_lazy("引进方式"), "mode", "choice", required=True,
               choices=Talent.Mode.choices),
        Column(gettext_lazy("团队名称"), "team_name", "text"),
        Column(gettext_lazy("团队人数"), "members", "int", min_value=1),
        Column(gettext_lazy("证件号码"), "id_number", "text"),
        Column(gettext_lazy("研究领域"), "field", "text", required=True),
        Column(gettext_lazy("来源单位"), "origin", "text"),
        Column(gettext_lazy("离开日期"), "ended_on", "date", min_value=FIRST_DAY),
        Column(gettext_lazy("支持情况"), "support", "text"),
        Column(gettext_lazy("支持资金（元）"), "support_yuan", "money", min_value=0),
    ],
    key=("host_code", "name", "started_on"),
    resolve=resolve_talents,
    service=TALENT_IMPORTS,
    clean_exclude=("host", "project"),
    field_labels={"host": gettext_lazy("依托单位统一社会信用代码")},
    example={"host_code": make_code("91140403MA0KC0001"), "name": "张明", "category": "leader",
             "mode": "part_time", "members": 1, "field": "光电材料", "origin": "北京理工大学",
             "started_on": dt.date(2025, 4, 1), "support": "科研启动经费",
             "support_yuan": 200000},
    notes=[gettext_lazy("按依托单位、姓名和落地日期识别：已导入的记录再次导入不会重复计数。"),
           gettext_lazy("姓名、证件号码属个人信息，仅用于登记和去重；审计日志中只保存其摘要。")],
))

ACHIEVEMENT_SPEC = register(ImportSpec(
    kind="cooperation.achievement",
    title=gettext_lazy("成果转化台账"),
    model=Achievement,
    columns=[
        Column(gettext_lazy("承接企业统一社会信用代码"), "receiver_code", "credit_code",
               required=True),
        Column(gettext_lazy("成果名称"), "title", "text", required=True),
        Column(gettext_lazy("转化日期"), "transferred_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("成果来源"), "source", "text", required=True),
        Column(gettext_lazy("转化方式"), "mode", "choice", required=True,
               choices=Achievement.Mode.choices),
        Column(gettext_lazy("转化金额（元）"), "amount_yuan", "money", required=True,
               min_value=0),
        Column(gettext_lazy("技术合同登记编号"), "contract_no", "text"),
        Column(gettext_lazy("说明"), "note", "text"),
    ],
    key=("receiver_code", "title", "transferred_on"),
    resolve=resolve_achievements,
    service=ACHIEVEMENT_IMPORTS,
    clean_exclude=("receiver", "project"),
    field_labels={"receiver": gettext_lazy("承接企业统一社会信用代码")},
    example={"receiver_code": make_code("91140403MA0KC0001"), "title": "LED 外延片缺陷检测方法",
             "transferred_on": dt.date(2025, 6, 18), "source": "山西大学", "mode": "licence",
             "amount_yuan": 800000, "contract_no": "2025140400000123"},
    notes=[gettext_lazy("按承接企业、成果名称和转化日期识别：再次导入不会重复计数。")],
    describe=lambda a: f"{a.title} · {a.transferred_on}",
))


def resolve_projects(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Three queries per chunk: the local partners by credit code, the counties, the projects
    already recorded under these names (the key)."""
    if not rows:
        return
    codes = {c.strip() for r in rows for c in SPLIT.split(r.data.get("partner_codes") or "")
             if c.strip()}
    orgs = selectors.organisations_by_code(codes)
    known = {c.name: c for c in counties()}
    partners = {o.name: o for o in selectors.partner_choices()}
    existing = selectors.projects_by_name({r.data["name"] for r in rows})
    mine = set(CooperationProject.objects.restrict(ctx.user, "change").filter(
        pk__in=[p.pk for p in existing.values()]).values_list("pk", flat=True))
    have = selectors.partner_ids_by_project(mine)
    for row in rows:
        county = known.get((row.data.get("county_name") or "").strip())
        if county is None:
            row.add_error("county_name", _("县区“%(n)s”不在本市区划中") % {
                "n": row.data.get("county_name") or ""})
            continue
        listed = [c.strip() for c in SPLIT.split(row.data.get("partner_codes") or "")
                  if c.strip()]
        missing = [c for c in listed if c not in orgs]
        if missing:
            row.add_error("partner_codes", _("本地合作单位 %(c)s 不在系统中，请先登记该单位") % {
                "c": "、".join(missing)})
            continue
        project = existing.get(row.data["name"])
        if project is not None and project.pk not in mine:
            row.add_error("name", _("同名项目不在您的管辖范围内"))
            continue
        if project is not None and have.get(project.pk, set()) != {orgs[c].pk for c in listed}:
            row.add_error("partner_codes", _(
                "与系统中该项目的本地合作单位不一致；调整合作单位请在项目页修改"))
            continue
        project = project or CooperationProject(name=row.data["name"])
        project._import_partners = [orgs[c] for c in listed]
        row.instance = project
        row.values["county"] = county
        row.values["partner"] = partners.get((row.data.get("partner_name") or "").strip())


PROJECT_SPEC = register(ImportSpec(
    kind="cooperation.project",
    title=gettext_lazy("校地合作项目台账"),
    model=CooperationProject,
    columns=[
        Column(gettext_lazy("项目名称"), "name", "text", required=True, width=30),
        Column(gettext_lazy("合作形式"), "kind", "choice", required=True,
               choices=CooperationProject.Kind.choices),
        Column(gettext_lazy("合作高校/院所"), "partner_name", "text", required=True),
        Column(gettext_lazy("本地合作单位统一社会信用代码"), "partner_codes", "text",
               required=True, width=40, help=gettext_lazy("多家用顿号或逗号分隔")),
        Column(gettext_lazy("所在县区"), "county_name", "text", required=True),
        Column(gettext_lazy("协议签订日期"), "agreement_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("省校合作项目"), "provincial", "bool"),
        Column(gettext_lazy("状态"), "status", "choice", required=True,
               choices=CooperationProject.Status.choices),
        Column(gettext_lazy("终止日期"), "ended_on", "date", min_value=FIRST_DAY),
        Column(gettext_lazy("建设内容"), "summary", "text"),
    ],
    key=("name",),
    resolve=resolve_projects,
    service=PROJECT_IMPORTS,
    clean_exclude=("county", "partner"),
    field_labels={"local_partners": gettext_lazy("本地合作单位统一社会信用代码"),
                  "county": gettext_lazy("所在县区")},
    example={"name": "太原理工大学太行研究院", "kind": "institute", "partner_name": "太原理工大学",
             "partner_codes": make_code("91140403MA0KC0001"), "county_name": "潞州区",
             "agreement_on": dt.date(2021, 6, 1), "provincial": True, "status": "operating"},
    notes=[gettext_lazy("按项目名称识别：再次导入更新该项目的其他信息；本地合作单位须与系统中一致，"
                        "调整请在项目页修改。"),
           gettext_lazy("建设节点在项目页设置，合作单位按节点报送佐证材料。")],
))
