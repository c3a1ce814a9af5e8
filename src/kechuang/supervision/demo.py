"""Demo supervision data for the 2025 plan (``manage.py demo``, after the plan is loaded).

Responsible units (the bureau's divisions, five city departments, a bureau per county with its
county staff as members); every task of the plan assigned with two milestones; sixteen reform
measures, **clearly marked as examples** (the plan names only their areas and mechanisms); progress
updates with evidence. Eleven measures were finished in 2025 (改革措施落实 shows 11 of 16); most
tasks are finished, some are 滞后 (a milestone passed without an update), a few were extended and
are 推进中 or 未启动 against dates counted from the day the demo runs; one 督办 notice answered and
one open. Written through the services, so the audit trail looks like real use.

Deterministic from the seed, except that the extended items' dates count from today.
Idempotent: when any responsible unit exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kechuang.accounts.access import county_staff
from kechuang.accounts.models import User
from kechuang.audit.context import audit_context
from kechuang.plans.demo import demo_plan
from kechuang.regions.models import Region
from kechuang.supervision import services
from kechuang.supervision.models import ReformMeasure, ResponsibleUnit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DIVISIONS = ("政策法规与改革科", "资源配置与管理科", "成果转化科", "高新技术科", "平台建设科",
             "人才与合作科")
DEPARTMENTS = ("市发展和改革委员会", "市财政局", "市工业和信息化局", "市教育局",
               "市人力资源和社会保障局")
# lead division per action (1 … 8)
LEAD = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 2, 7: 5, 8: 1}
A, S, P, U = (ReformMeasure.Area.SUBJECT, ReformMeasure.Area.SUPPLY,
              ReformMeasure.Area.PLATFORM, ReformMeasure.Area.APPLICATION)
E, R, F, T = (ReformMeasure.Mechanism.ENTERPRISE, ReformMeasure.Mechanism.PROJECTS,
              ReformMeasure.Mechanism.PLATFORMS, ReformMeasure.Mechanism.TRANSFER)
MEASURES = (
    (A, E, "支持链主企业牵头组建创新联合体", "《创新联合体组建管理办法（示例）》"),
    (A, E, "落实企业研发费用后补助", "《企业研发费用后补助实施细则（示例）》"),
    (A, T, "赋予科研人员职务科技成果所有权试点", "《职务科技成果赋权改革试点方案（示例）》"),
    (A, T, "培育技术经理人队伍", "《技术经理人培育工作方案（示例）》"),
    (S, R, "实行重点研发项目“揭榜挂帅”", "《揭榜挂帅项目管理办法（示例）》"),
    (S, R, "推行科研经费“包干制”试点", "《科研经费包干制试点实施细则（示例）》"),
    (S, E, "建立企业技术需求征集发布机制", "《企业技术需求征集发布办法（示例）》"),
    (S, F, "支持高校院所在长设立研发机构", "《新型研发机构认定管理办法（示例）》"),
    (P, F, "建设“晋创谷·长治”成果转化基地", "《晋创谷·长治支持政策实施细则（示例）》"),
    (P, F, "布局建设中试基地", "《中试基地建设运营指引（示例）》"),
    (P, T, "建设线上技术交易平台", "《技术交易平台运营规则（示例）》"),
    (P, F, "完善孵化器众创空间绩效评价", "《孵化载体绩效评价办法（示例）》"),
    (U, T, "实施科技成果转化贷款风险补偿", "《成果转化贷款风险补偿资金管理办法（示例）》"),
    (U, E, "推广科技创新券", "《科技创新券实施细则（示例）》"),
    (U, T, "开展首台（套）首批次应用推广", "《首台套首批次推广应用奖励办法（示例）》"),
    (U, R, "建立成果转化项目库", "《成果转化项目库管理办法（示例）》"),
)
DONE_MEASURES = 11  # finished in 2025, by month: 3 by March, 7 by June, 9 by August, 11 by Oct


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _units(boss: User, supervisor: User | None, plan: Any) -> tuple[list, list, list]:
    divisions = [services.save_unit(actor=boss, data={
        "name": n, "kind": "division", "supervisor": supervisor, "sort_order": i},
        members=[supervisor] if supervisor and i in (0, 2) else [])
        for i, n in enumerate(DIVISIONS)]
    departments = [services.save_unit(actor=boss, data={
        "name": n, "kind": "department", "supervisor": supervisor, "sort_order": 20 + i})
        for i, n in enumerate(DEPARTMENTS)]
    counties = Region.objects.filter(parent=plan.region, level=Region.Level.COUNTY,
                                     gb2260=True).order_by("sort_order", "code")
    bureaus = [services.save_unit(actor=boss, data={
        "name": f"{c.name}科技局", "kind": "county_bureau", "county": c,
        "supervisor": supervisor, "sort_order": 40 + i},
        members=list(county_staff([c.pk]))) for i, c in enumerate(counties)]
    return divisions, departments, bureaus


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def demo_step(*, seed: int = 1, **options: Any) -> str:
    """``manage.py demo``'s supervision step (supervision/manifest.py); no plan: nothing."""
    plan = demo_plan()
    if plan is None or ResponsibleUnit.objects.exists():
        return ""
    boss = User.objects.filter(username="city_admin").first()
    supervisor = User.objects.filter(username="city_staff").first() or boss
    if boss is None:
        return ""
    rng = random.Random(seed * 7919 + 18)
    today = timezone.localdate()
    y = plan.year
    with audit_context(source="cli:demo"):
        divisions, departments, bureaus = _units(boss, supervisor, plan)
        late_items = []
        tasks = [t for a in plan.actions.order_by("number") for t in a.tasks.order_by(
            "sort_order")]
        for i, task in enumerate(tasks):
            lead = divisions[LEAD.get(task.action.number, 0)]
            coop = [departments[i % len(departments)]]
            if bureaus and i % 3 == 0:
                coop.append(bureaus[i % len(bureaus)])
            kind = ("done", "done", "done", "late", "progress", "done", "done", "late",
                    "progress", "waiting")[i % 10]
            if kind in ("progress", "waiting"):
                due = today + dt.timedelta(days=120 + rng.randrange(60))
                stones = [("完成年度工作方案", _d(y, 6, 30)),
                          ("完成主要工作任务（延期）", today + dt.timedelta(days=45))]
                if kind == "waiting":
                    stones = [("完成工作方案（延期）", today + dt.timedelta(days=30))]
            else:
                due = _d(y, 12, 31)
                stones = [("完成年度工作方案", _d(y, 6, 30)), ("完成主要工作任务", _d(y, 11, 30))]
            item = services.assign_task(actor=boss, task=task, lead_unit=lead,
                                        cooperating_units=coop, due_date=due, milestones=stones)
            _progress(item, lead, kind, boss, rng, y)
            if kind == "late":
                late_items.append((item, lead))
        for n, (area, mech, title, doc) in enumerate(MEASURES, start=1):
            lead = divisions[(0, 2, 1, 4)[(n - 1) // 4]]
            coop = [departments[n % len(departments)]]
            if bureaus and n % 4 == 0:
                coop.append(bureaus[n % len(bureaus)])
            kind = "done" if n <= DONE_MEASURES else ("late", "progress", "late", "progress",
                                                      "waiting")[n - DONE_MEASURES - 1]
            if kind in ("progress", "waiting"):
                due = today + dt.timedelta(days=150)
                stones = [("形成政策文件初稿", _d(y, 5, 31)),
                          ("出台政策文件（延期）", today + dt.timedelta(days=40))]
                if kind == "waiting":
                    stones = [("出台政策文件（延期）", today + dt.timedelta(days=40))]
            else:
                due = _d(y, 12, 31)
                stones = [("形成政策文件初稿", _d(y, 5, 31)), ("印发实施", _d(y, 10, 31))]
            measure = services.save_measure(actor=boss, data={
                "plan": plan, "number": n, "title": title, "area": area, "mechanism": mech,
                "description": "示例措施，仅供演示，非正式文件内容。",
                "outputs": doc if kind == "done" else "", "is_example": True},
                lead_unit=lead, cooperating_units=coop, due_date=due, milestones=stones)
            # finished by month: 3 by March, 7 by June, 9 by August, 11 by October
            month = (3, 3, 3, 6, 6, 6, 6, 8, 8, 10, 10)[n - 1] if kind == "done" else None
            _progress(measure.item, lead, kind, boss, rng, y, done_month=month)
            if kind == "late":
                late_items.append((measure.item, lead))
        notices = 0
        if len(late_items) >= 2:
            (first, u1), (second, u2) = late_items[0], late_items[1]
            n1 = services.issue_notice(actor=supervisor, item=first, unit=u1,
                                       text="该事项节点已逾期，请说明原因并提出整改措施。",
                                       answer_due=_d(y, 12, 20), issued_on=_d(y, 12, 10))
            services.answer_notice(actor=supervisor, notice=n1,
                                   answer="已召开专题推进会，明确整改时限，月底前完成。",
                                   today=_d(y, 12, 16))
            services.issue_notice(actor=supervisor, item=second, unit=u2,
                                  text="该事项进展滞后，请于期限前书面答复推进计划。",
                                  answer_due=today + dt.timedelta(days=7), issued_on=today)
            notices = 2
    return (f"督查督办演示：{len(divisions) + len(departments) + len(bureaus)} 个责任单位，"
            f"{len(tasks)} 项重点任务，{len(MEASURES)} 项示例改革措施，{notices} 份督办通知")


def _progress(item: Any, unit: Any, kind: str, actor: Any, rng: random.Random, y: int,
              done_month: int | None = None) -> None:
    if kind == "waiting":
        return
    first, *rest = list(item.milestones.order_by("due_date"))
    day = first.due_date - dt.timedelta(days=rng.randrange(3, 20))
    if kind == "done" and done_month is not None:
        day = min(day, _d(y, done_month, 1))
    services.file_update(actor=actor, item=item, unit=unit, reported_on=day, milestone=first,
                         text="已完成阶段工作，相关材料见附件。", files=[_pdf("阶段材料.pdf")])
    if kind != "done":
        return
    if done_month is not None:
        end = _d(y, done_month, 10 + rng.randrange(15))
    else:
        end = _d(y, 11, 1) + dt.timedelta(days=rng.randrange(40))
    services.file_update(actor=actor, item=item, unit=unit, reported_on=end,
                         milestone=rest[-1] if rest else None, completes=True,
                         text="已全部完成，印发文件见附件。", files=[_pdf("印发文件.pdf")])
