"""Demo data of 行动二 (``manage.py demo``, after the organisations and the plan):

* the four programmes with their funding rules, and 潞安集团 (an organisation) if missing;
* the previous year's carry-overs — 10 city major special projects, 22 key R&D projects and
  18 provincial basic-research projects jointly funded with 潞安 (厅市企) — at realistic stages,
  some past their planned end (overdue);
* this year's calls with applications at every step: drafts, submitted, recommended, returned,
  under review with drawn expert groups (回避 computed — one expert of a lead enterprise is
  recused) and reviews, and approved ones (projects, dated in the plan year);
* an expert pool of 40, the demo expert login (``expert``) among them with tasks to do, and
  four finance experts (财务/会计/审计): the key R&D call has budget criteria, so its
  applications get a budget (财务评审) group besides the technical one, scored apart and
  weighted 20 % into the ranking;
* acceptance groups whose experts gave their opinions per 考核指标 before the city's
  conclusion, and one carry-over still under acceptance with some opinions in.

Written through the services (audited, flow transitions recorded), deterministic for a seed,
idempotent: a year whose carry-overs or calls exist is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.services import create_object, update_object
from kechuang.orgs.models import Organisation
from kechuang.plans.demo import demo_plan
from kechuang.policy.credit_code import make_code
from kechuang.projects import services
from kechuang.projects.models import (
    Application,
    Call,
    Expert,
    Level,
    Programme,
    Project,
    ReviewAssignment,
)
from kechuang.regions.models import Region

LUAN_NAME = "潞安化工集团有限公司（潞安集团）"
PROGRAMMES = (
    ("市级重大专项", Level.MAJOR, None, None, None, Decimal(3000000), Decimal(1)),
    ("重点研发计划", Level.KEY_RD, None, None, None, Decimal(1000000), Decimal(1)),
    ("省基础研究计划（长治·潞安）联合资助", Level.JOINT_BASIC, Decimal(40), Decimal(30),
     Decimal(30), None, None),
    ("市级基础研究", Level.BASIC, None, None, None, Decimal(200000), None),
)
TOPICS = ("焦化除尘灰资源化利用", "人工智能技术应用", "半导体封装", "煤炭智能开采", "智能制造",
          "工业物联网", "固废综合利用", "LED新型显示", "光伏电池", "煤基合成化学品",
          "植物萃取", "表面处理", "高端装备", "新能源储能")
SUFFIXES = ("关键技术研究与示范", "工艺开发及产业化", "核心装备研制", "应用基础研究",
            "集成创新与应用", "关键材料制备技术", "智能化升级改造", "中试验证与推广",
            "共性技术攻关", "绿色低碳技术开发", "检测评价方法研究", "系统集成与工程示范")
FIELDS = "人工智能,煤炭智能开采,半导体封装,固废综合利用,智能制造,新材料,化工"
CRITERIA = [{"name": "创新性", "weight": 30}, {"name": "技术可行性", "weight": 30},
            {"name": "预期效益", "weight": 25}, {"name": "预算合理性", "weight": 15}]
# the key R&D call's review kinds: technical criteria, and the budget review's own
TECH_CRITERIA = [{"name": "创新性", "weight": 35}, {"name": "技术可行性", "weight": 35},
                 {"name": "预期效益", "weight": 30}]
BUDGET_CRITERIA = [{"name": "预算合理性", "weight": 60}, {"name": "经费匹配", "weight": 40}]
BUDGET_EXPERTS = ("郝静怡", "申立新", "常月琴", "武俊峰")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("建国", "志强", "海燕", "晓明", "丽华", "文博", "振宇", "秀英", "国庆", "慧敏", "子涵",
         "宏伟", "立军", "春梅", "晓东", "玉兰", "永刚", "雪梅", "明辉", "卫东")


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _new_pi(rng: random.Random, used: set[str]) -> str:
    """A principal investigator not yet named in the demo (限项 would refuse a second one)."""
    name = _person(rng)
    while name in used:
        name = _person(rng) + rng.choice("一二三四五六七八九")
    used.add(name)
    return name


def _demo_user(username: str, role: str, name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=name)
        user.set_unusable_password()
        user.save()
    return user


def _luan() -> Organisation:
    org = Organisation.objects.filter(name__contains="潞安").exclude(
        kind=Organisation.Kind.SERVICE_PROVIDER).order_by("pk").first()
    if org is not None:
        return org
    org = Organisation(kind=Organisation.Kind.ENTERPRISE, name=LUAN_NAME,
                       credit_code=make_code("91140423MA0LA0001"),
                       county=Region.objects.get(code="140423"), industry_code="B06",
                       established_on=dt.date(1959, 6, 1), above_scale=True,
                       address="山西省长治市襄垣县侯堡镇")
    org.full_clean()
    org.save()
    record_change(actor=None, action=ChangeRecord.Action.CREATE, obj=org, after=snapshot(org))
    return org


def _programmes(actor: User) -> dict[str, Programme]:
    out = {}
    for name, level, prov, city, ent, cap, ratio in PROGRAMMES:
        prog = Programme.objects.filter(name=name).first()
        if prog is None:
            prog = create_object(model=Programme, actor=actor, data=dict(
                name=name, level=level, share_province_pct=prov, share_city_pct=city,
                share_enterprise_pct=ent, cap_city_yuan=cap, cofund_ratio=ratio))
        out[level] = prog
    return out


def _title(rng: random.Random, used: set[str]) -> str:
    while True:
        title = rng.choice(TOPICS) + rng.choice(SUFFIXES)
        if title not in used:
            used.add(title)
            return title
        if len(used) > len(TOPICS) * len(SUFFIXES) // 2:  # crowded: a second phase
            title = f"{title}（二期）"
            used.add(title)
            return title


def _amounts(rng: random.Random, level: str) -> dict[str, Decimal]:
    wan = Decimal(10000)
    if level == Level.MAJOR:
        city = wan * rng.randrange(100, 301, 10)
        return {"city": city, "enterprise": city * rng.choice((1, 2, 3))}
    if level == Level.KEY_RD:
        city = wan * rng.randrange(30, 101, 5)
        return {"city": city, "enterprise": city * rng.choice((1, 2))}
    if level == Level.JOINT_BASIC:
        unit = wan * rng.choice((5, 10))
        return {"province": unit * 4, "city": unit * 3, "enterprise": unit * 3}
    return {"city": wan * rng.randrange(5, 21)}


def _carry_overs(rng: random.Random, year: int, progs: dict[str, Programme], leads: list,
                 universities: list, luan: Organisation, actor: User) -> int:
    prev = year - 1
    if Project.objects.filter(year=prev, carried_over=True).exists():
        return 0
    used: set[str] = set()
    made = 0
    for level, count, tag in ((Level.MAJOR, 10, "ZD"), (Level.KEY_RD, 22, "YF"),
                              (Level.JOINT_BASIC, 18, "JC")):
        for i in range(count):
            approved = dt.date(prev, rng.randint(4, 9), rng.randint(1, 28))
            ends = approved.replace(year=prev + rng.choice((1, 2, 3)))
            stage = rng.choice((Project.Stage.RUNNING, Project.Stage.RUNNING,
                                Project.Stage.MIDTERM))
            if ends.year == prev + 1 and i % 4 == 0:
                stage = Project.Stage.ACCEPTANCE
            money = _amounts(rng, level)
            if level == Level.JOINT_BASIC:
                lead = rng.choice(universities)
                partners = [luan]
            else:
                lead = rng.choice(leads)
                partners = [rng.choice(universities)] + ([luan] if i % 5 == 0 else [])
            project = services.create_project(actor=actor, partners=partners, data=dict(
                programme=progs[level], code=f"{prev}{tag}{i + 1:03d}", title=_title(rng, used),
                year=prev, level=level, stage=stage, lead=lead, pi_name=_person(rng),
                approved_on=approved, ends_on=ends, carried_over=True,
                approved_city_yuan=money.get("city", 0),
                approved_province_yuan=money.get("province", 0),
                approved_enterprise_yuan=money.get("enterprise", 0),
                targets=TARGETS[i % len(TARGETS)]))
            _fund(project, actor, midterm=False)
            made += 1
    return made


TARGETS = ("申请发明专利 2 项\n建成中试线 1 条\n新增销售收入 1000 万元",
           "发表核心期刊论文 3 篇\n形成企业标准 1 项",
           "研制样机 1 台\n关键指标达到国内先进水平\n培养技术骨干 5 名")


def _pdf(name: str) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name=name)


# what the demo's calls ask applicants to attach (the basic-research call is blind: its
# feasibility report is the anonymised copy its reviewers get)
REQUIRED_ATTACHMENTS = [
    {"name": "可行性研究报告", "types": ["pdf"], "blind_copy": True},
    {"name": "营业执照", "types": ["pdf", "jpg"]},
    {"name": "合作协议", "types": ["pdf"]},
]
_ASCII = {"可行性研究报告": "Feasibility study", "营业执照": "Business licence",
          "合作协议": "Cooperation agreement"}


def small_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _attach(app: Application, actor: User, *, leave_out: int = 0) -> None:
    """Upload the call's required attachments to a draft (all but the last ``leave_out``)."""
    from django.core.files.base import ContentFile

    reqs = app.call.attachment_requirements()
    for req in reqs[:len(reqs) - leave_out]:
        content = small_pdf(f"Kechuang demo - application {app.pk} - {_ASCII.get(req.name, '')}")
        services.upload_attachment(application=app, actor=actor, requirement=req.name,
                                   upload=ContentFile(content, name=f"{req.name}.pdf"))


def _lifecycle(rng: random.Random, year: int, actor: User, staff: User) -> int:
    """The carry-overs after approval: progress reports, mid-term checks with evidence (the
    later instalments paid once passed), acceptance with a drawn group — half of those due
    accepted — and a few change requests. Returns the number of accepted projects."""
    from kechuang.projects.models import Instalment

    prev = year - 1
    accepted = 0
    drawn_waiting = False
    projects = list(Project.objects.filter(year=prev, carried_over=True).order_by("code"))
    for n, project in enumerate(projects):
        if project.stage == Project.Stage.RUNNING:
            if n % 3:
                services.file_report(
                    project=project, actor=actor, kind="progress", period=f"{prev}年下半年",
                    summary="按计划推进，完成设备选型与采购",
                    spent_yuan=(project.approved_total_yuan / 4).quantize(Decimal("1")))
            continue
        signed = project.contract_signed_on or project.approved_on
        services.file_report(project=project, actor=actor, kind="midterm", period=f"{year}年中期",
                             summary="完成中期目标：关键技术路线验证，样品试制",
                             spent_yuan=(project.approved_total_yuan / 2).quantize(Decimal("1")),
                             evidence=_pdf("中期检查报告.pdf"))
        report = project.reports.get(kind="midterm")
        if project.stage == Project.Stage.MIDTERM and n % 3 == 0:
            continue  # waiting for the city's check
        checked = signed + dt.timedelta(days=330)
        services.check_midterm(report=report, actor=staff, passed=True,
                               note="中期目标基本完成，同意继续实施", on=checked)
        for inst in Instalment.objects.filter(funding__project=project, condition="midterm"):
            services.disburse(instalment=inst, actor=staff, amount_yuan=inst.amount_yuan,
                              paid_on=checked + dt.timedelta(days=20),
                              voucher_no=f"BF{project.code}-{inst.pk}")
        project.refresh_from_db()
        if project.ends_on and project.ends_on.year > prev + 1:
            continue  # not due yet
        acc = services.apply_for_acceptance(project=project, actor=actor, evaluation=[
            {"target": t, "achieved": "已完成" if k else "部分完成", "met": bool(k) or n % 2 == 0}
            for k, t in enumerate(project.target_list())], audit_report=_pdf("财务审计报告.pdf"))
        if n % 2:
            if not drawn_waiting:  # one under acceptance: group drawn, opinions coming in
                services.draw_acceptance_group(acceptance=acc, actor=staff,
                                               seed=project.pk * 104729,
                                               as_of=dt.date(year, 3, 1))
                _accept_and_opine(acc, opinions=2)
                drawn_waiting = True
            continue  # waiting for the group
        services.draw_acceptance_group(acceptance=acc, actor=staff, seed=rng.getrandbits(40),
                                       as_of=dt.date(year, 3, 1))
        _accept_and_opine(acc)
        services.conclude_acceptance(
            acceptance=acc, actor=staff,
            conclusion="passed" if n % 4 == 0 else "closed",
            opinion="项目完成任务书规定的考核指标，经费使用规范，专家组同意通过验收。",
            on=dt.date(year, 3, 20))
        accepted += 1
    running = [p for p in projects if p.stage == Project.Stage.RUNNING][:2]
    for p in running:
        change = services.request_change(project=p, actor=actor, kind="pi",
                                         reason="原负责人工作调动", new_pi_name=_person(rng))
        services.decide_change(change=change, actor=staff, approve=True,
                               reason="新负责人具备相应资质，同意变更")
    return accepted


def _fund(project: Project, actor: User, *, midterm: bool) -> None:
    """The ledger of a demo project: the default plan, the contract signed a month after
    approval and the first instalments paid; past the mid-term check, half of the rest."""
    from kechuang.projects.models import Instalment

    services.plan_funding(project=project, actor=actor)
    signed = project.approved_on + dt.timedelta(days=30)
    project = services.sign_contract(project=project, actor=actor, on=signed)
    if midterm:
        project = update_object(obj=project, actor=actor, data={
            "midterm_passed_on": signed + dt.timedelta(days=300)}, reason="中期检查通过")
    for inst in Instalment.objects.filter(funding__project=project).order_by("pk"):
        if inst.condition == "signing":
            services.disburse(instalment=inst, actor=actor, amount_yuan=inst.amount_yuan,
                              paid_on=signed + dt.timedelta(days=15),
                              voucher_no=f"BF{project.code}-{inst.pk}")
        elif midterm and inst.condition == "midterm":
            services.disburse(instalment=inst, actor=actor,
                              amount_yuan=(inst.amount_yuan / 2).quantize(Decimal("0.01")),
                              paid_on=project.midterm_passed_on + dt.timedelta(days=20),
                              voucher_no=f"BF{project.code}-{inst.pk}")


def _experts(rng: random.Random, universities: list, leads: list) -> list[Expert]:
    if Expert.objects.exists():
        return list(Expert.objects.order_by("pk"))
    fields = FIELDS.split(",")
    demo_login = User.objects.filter(username="expert", role=Role.EXPERT).first()
    out = []
    for i in range(40):
        user = demo_login if i == 0 and demo_login else _demo_user(
            f"expert_{i:03d}", Role.EXPERT, _person(rng))
        org = leads[i % len(leads)] if i in (3, 4) else rng.choice(universities)
        out.append(Expert.objects.create(
            user=user, name=user.get_full_name() or user.first_name or user.username,
            title=rng.choice(("senior", "senior", "associate")), organisation=org,
            fields=",".join(sorted(set(rng.sample(fields, 2)) | {"人工智能", "煤炭智能开采"}))))
    return out


def _budget_experts(universities: list) -> None:
    """Four finance experts for the budget groups (no random draws: the rest of the demo's
    sequence stays as it was)."""
    if Expert.objects.filter(fields__contains="财务").exists():
        return
    for i, name in enumerate(BUDGET_EXPERTS):
        user = _demo_user(f"expert_fin_{i}", Role.EXPERT, name)
        Expert.objects.create(user=user, name=name, title="senior" if i % 2 else "associate",
                              organisation=universities[i % len(universities)],
                              fields="财务,会计,审计")


def _accept_and_opine(acc: Any, *, opinions: int | None = None) -> None:
    """The acceptance group's experts accept and give their opinions (the first
    ``opinions`` of them; all when None) — the demo's deterministic verdicts."""
    from kechuang.projects.models import AcceptanceTask

    tasks = list(AcceptanceTask.objects.filter(acceptance=acc, status="invited",
                                               reviewer__isnull=False)
                 .select_related("reviewer").order_by("rank"))
    for k, task in enumerate(tasks[:opinions] if opinions is not None else tasks):
        services.accept_acceptance_task(task=task, actor=task.reviewer)
        partly = k == 1
        services.submit_acceptance_opinion(
            task=task, actor=task.reviewer,
            ratings={e["target"]: "met" if e["met"] and not partly else "partly"
                     for e in acc.self_evaluation},
            recommendation="closed" if partly else "passed",
            opinion="示范线运行数据不足一年，建议结题" if partly
            else "完成任务书规定的考核指标，资料齐全，同意通过验收")


def _this_year(rng: random.Random, year: int, progs: dict[str, Programme], leads: list,
               universities: list, luan: Organisation, city_admin: User, city_staff: User,
               experts: list[Expert]) -> int:
    if Call.objects.filter(year=year).exists():
        return 0
    deadline = dt.date(year, 4, 30)
    calls = {}
    for level in (Level.MAJOR, Level.KEY_RD, Level.BASIC):
        prog = progs[level]
        kinds = dict(criteria=TECH_CRITERIA, budget_criteria=BUDGET_CRITERIA,
                     budget_weight=20) if level == Level.KEY_RD else dict(criteria=CRITERIA)
        calls[level] = create_object(model=Call, actor=city_admin, data=dict(
            programme=prog, year=year, title=f"{year}年度{prog.name}申报指南",
            directions="\n".join(TOPICS[:6]), fields=FIELDS, deadline=deadline, pi_limit=1,
            blind=level == Level.BASIC, published=True,
            required_attachments=REQUIRED_ATTACHMENTS, **kinds))
    used: set[str] = set(Project.objects.values_list("title", flat=True))
    pis: set[str] = set(Project.objects.values_list("pi_name", flat=True))
    # (level, how many, final state)
    plan = ([(Level.MAJOR, 6, "approved"), (Level.KEY_RD, 12, "approved"),
             (Level.BASIC, 16, "approved"), (Level.KEY_RD, 3, "reviewing"),
             (Level.MAJOR, 1, "reviewing"), (Level.KEY_RD, 2, "checked"),
             (Level.KEY_RD, 2, "recommended"), (Level.BASIC, 3, "submitted"),
             (Level.KEY_RD, 1, "returned"), (Level.MAJOR, 1, "rejected"),
             (Level.BASIC, 2, "draft")])
    made = 0
    n = 0
    to_approve: dict[str, list[Application]] = {}
    # the demo enterprise login sees its own: one approved key R&D project and one draft
    showcase = User.objects.filter(username="enterprise", role=Role.ENTERPRISE,
                                   organisation__isnull=False).select_related(
                                       "organisation").first()
    for level, count, final in plan:
        for i in range(count):
            n += 1
            lead = leads[n % len(leads)]
            own = showcase is not None and i == 0 and (
                (level, final) in ((Level.KEY_RD, "approved"), (Level.BASIC, "draft")))
            if own:
                lead = showcase.organisation
            money = _amounts(rng, level)
            budget = [{"category": "equipment", "source": s, "amount_yuan": v * Decimal("0.6")}
                      for s, v in money.items()]
            budget += [{"category": "materials", "source": s, "amount_yuan": v * Decimal("0.4")}
                       for s, v in money.items()]
            partners = [rng.choice(universities)] + ([luan] if n % 4 == 0 else [])
            app = services.save_application(actor=showcase if own else city_admin, data=dict(
                call=calls[level], title=_title(rng, used), direction=rng.choice(TOPICS[:6]),
                lead=lead, pi_name=_new_pi(rng, pis), team=f"{_person(rng)}\n{_person(rng)}",
                objectives="突破关键工艺，形成示范应用。",
                targets="申请发明专利2项；建成示范线1条。",
                total_budget_yuan=sum(money.values(), Decimal(0))), partners=partners,
                budget=budget)
            made += 1
            # a draft still misses its cooperation agreement (the submit would name it)
            _attach(app, showcase if own else city_admin, leave_out=1 if final == "draft" else 0)
            if final == "draft":
                continue
            services.submit_application(application=app, actor=city_admin,
                                        as_of=dt.date(year, 4, 20))
            if final == "submitted":
                continue
            if final == "returned":
                services.take_step(application=app, actor=city_staff, action="return",
                                   reason="预算说明不完整，请补充设备购置明细")
                continue
            services.take_step(application=app, actor=city_staff, action="recommend")
            if final == "recommended":
                continue
            services.take_step(application=app, actor=city_staff, action="pass_check")
            if final == "checked":
                continue
            services.run_draw(application=app, actor=city_staff, size=3, reserves=2,
                              seed=rng.getrandbits(40), as_of=dt.date(year, 5, 20))
            if app.call.has_budget_review:
                # the budget group: the finance experts, seeded without the demo's sequence
                services.run_draw(application=app, actor=city_staff, size=2, reserves=1,
                                  seed=app.pk * 7919, kind="budget",
                                  as_of=dt.date(year, 5, 20))
            live = list(ReviewAssignment.objects.filter(
                application=app, status="invited", draw__kind="technical"
            ).select_related("reviewer"))
            scored = live if final != "reviewing" else live[:1]
            for a in scored:
                services.accept_assignment(assignment=a, actor=a.reviewer)
                services.submit_review(assignment=a, actor=a.reviewer, scores={
                    c["name"]: str(rng.randint(65, 95)) for c in CRITERIA},
                    opinion="技术路线清晰，目标明确，建议支持。")
            budget = list(ReviewAssignment.objects.filter(
                application=app, status="invited", draw__kind="budget"
            ).select_related("reviewer"))
            for k, a in enumerate(budget if final != "reviewing" else budget[:1]):
                services.accept_assignment(assignment=a, actor=a.reviewer)
                services.submit_review(assignment=a, actor=a.reviewer, scores={
                    "预算合理性": str(70 + (app.pk + k) % 25), "经费匹配": str(75 + k * 5)},
                    opinion="预算编制基本合理，设备费占比偏高，建议压减" if k
                    else "预算与研究任务匹配，自筹资金落实")
            if final == "approved":
                to_approve.setdefault(level, []).append(app)
            elif final == "rejected":
                services.take_step(application=app, actor=city_staff, action="reject",
                                   reason="创新性不足，未进入立项建议名单")
    # 会审 per call (who decided, why), 公示, then 立项 and the first instalments
    for level, apps in to_approve.items():
        services.deliberate(call=calls[level], actor=city_admin, proposed=[a.pk for a in apps],
                            reason="按专家评审去极值平均分排序，结合财力择优，经局务会会审同意",
                            publicity_from=dt.date(year, 6, 1))
        for k, app in enumerate(apps):
            project = services.approve_application(
                application=app, actor=city_staff, reason="经会审和公示，同意立项",
                on=dt.date(year, rng.randint(6, 9), rng.randint(10, 28)))
            if k % 2:
                _fund(project, city_staff, midterm=False)
    return made


def seed_projects(*, seed: int = 2025) -> tuple[int, int]:
    """(carry-overs, applications) created for the demo plan's year (nothing without it)."""
    plan = demo_plan()
    if plan is None:
        return 0, 0
    year = plan.year
    rng = random.Random(f"kechuang-projects:{seed}")
    leads = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE,
                                             above_scale=True).exclude(name__contains="潞安")
                 .order_by("pk")[:400])
    universities = list(Organisation.objects.filter(
        kind__in=(Organisation.Kind.UNIVERSITY, Organisation.Kind.INSTITUTE)).order_by("pk"))
    if not leads or not universities:
        return 0, 0
    leads = rng.sample(leads, min(len(leads), 80))
    city_admin = _demo_user("city_admin", Role.CITY_ADMIN, "王建华")
    city_staff = _demo_user("city_staff", Role.CITY_STAFF, "李晓燕")
    with audit_context(source="cli:demo"), transaction.atomic():
        luan = _luan()
        progs = _programmes(city_admin)
        carried = _carry_overs(rng, year, progs, leads, universities, luan, city_admin)
        experts = _experts(rng, universities, leads)
        _budget_experts(universities)
        apps = _this_year(rng, year, progs, leads, universities, luan, city_admin, city_staff,
                          experts)
        if carried:
            _lifecycle(rng, year, city_admin, city_staff)
    return carried, apps


def demo_step(*, seed: int = 2025, **options: Any) -> str:
    """``manage.py demo``'s R&D step (projects/manifest.py)."""
    carried, apps = seed_projects(seed=seed)
    if not carried and not apps:
        return ""
    return (f"科技项目演示：上年度结转项目 {carried} 项，本年度申报 {apps} 项"
            f"（含立项、评审中、退回等各环节）；项目总数 {Project.objects.count()}，"
            f"申报总数 {Application.objects.count()}")
