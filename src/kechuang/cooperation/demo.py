"""Demo cooperation data (``manage.py demo``, after the enterprises and universities).

The projects the 2025 plan names (action 7's five 省校合作 projects, action 6's transformation
centres with 武汉理工大学 / 山西大学 / 上海大学 / 中北大学, two "北京研发、长治转化" 双向飞地), each
with local partner enterprises and milestones — most done on time, some done late, a few
overdue today, so the list shows projects both on schedule and behind; teams and talents
landed at the partners (some flexible), and achievements transferred to local enterprises.
Written through the services, deterministic from the seed. Idempotent: when any project
exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.cooperation import services
from kechuang.cooperation.models import CooperationProject, Milestone
from kechuang.orgs.models import Organisation
from kechuang.regions.models import Region

D = dt.date
SHOWCASE = "长治市科创示范光电科技有限公司"  # the demo enterprise login's organisation

# name, kind, partner (name), county code, agreement date, provincial, status, summary
PROJECTS = (
    ("太原理工大学太行研究院", "institute", "太原理工大学", "140471", D(2021, 6, 1), True,
     "operating", "围绕煤基新材料、智能矿山等方向开展技术研发与成果转化。"),
    ("北大—长治襄垣化工联合实验室", "joint_lab", "北京大学", "140423", D(2024, 9, 20), True,
     "building", "面向煤化工产业链开展催化、分离等关键技术联合攻关。"),
    ("武理工长治概念验证中心和中试基地", "concept", "武汉理工大学", "140403", D(2024, 11, 8),
     True, "building", "为高校成果提供概念验证和中试熟化服务，推动成果在长治落地。"),
    ("太原科大长治研究院和装备制造业产业技术创新联盟", "alliance", "太原科技大学", "140471",
     D(2022, 3, 1), True, "operating", "依托研究院联合本地装备制造企业组建产业技术创新联盟。"),
    ("古巴分子免疫学长治研发中心", "institute", "古巴分子免疫学中心", "140404", D(2025, 3, 18),
     True, "building", "开展生物医药领域国际合作研发与产品转化。"),
    ("北京工业大学（长治）科技成果转化中心", "transfer_centre", "北京工业大学", "140403",
     D(2024, 5, 16), False, "operating", "承接北京工业大学科技成果在长治转化。"),
    ("武汉理工大学长治成果转化中心", "transfer_centre", "武汉理工大学", "140471",
     D(2025, 4, 10), False, "building", "新材料、智能制造方向成果转化。"),
    ("山西大学长治成果转化中心", "transfer_centre", "山西大学", "140406", D(2025, 5, 20), False,
     "building", "化工、光电方向成果转化。"),
    ("上海大学长治成果转化中心", "transfer_centre", "上海大学", "140405", D(2025, 6, 26), False,
     "preparing", "新能源汽车、先进材料方向成果转化。"),
    ("中北大学长治成果转化中心", "transfer_centre", "中北大学", "140404", D(2025, 7, 15), False,
     "building", "装备制造、信息技术方向成果转化。"),
    ("北京研发、长治转化·高端装备双向飞地", "enclave", "北京理工大学", "140471", D(2025, 2, 28),
     False, "operating", "北京设研发飞地、长治设转化基地，研发在京、转化在长。"),
    ("北京研发、长治转化·生物医药双向飞地", "enclave", "中国医学科学院", "140423",
     D(2025, 8, 8), False, "building", "在京孵化生物医药项目，成熟后落地长治中试和产业化。"),
)

MILESTONES = ("签订合作协议", "完成挂牌", "研发团队入驻", "首批项目立项", "中试平台建成",
              "首项成果转化", "年度绩效评价")
FIELDS = ("煤基新材料", "高端装备", "光电材料", "生物医药", "新能源汽车", "智能制造", "氢能储能",
          "半导体材料")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍鹏辉建文斌宇浩凯"
ACHIEVEMENTS = ("煤矸石制备陶粒技术", "高效煤气化催化剂", "LED 外延片缺陷检测方法",
                "矿用机器人视觉导航", "光伏组件回收工艺", "中药材有效成分提取工艺",
                "氢燃料电池双极板成型", "耐磨钢热处理工艺", "工业废水零排放技术",
                "碳化硅衬底抛光工艺", "智能液压支架控制系统", "生物降解地膜配方")


def _user(username: str, role: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=full_name)
        user.set_unusable_password()
        user.save()
    return user


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _pdf(name: str) -> SimpleUploadedFile:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def seed_demo_cooperation(*, seed: int = 2025, today: dt.date | None = None) -> dict[str, int]:
    if CooperationProject.objects.exists():
        return {}
    enterprises = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
                       .order_by("pk").only("pk", "name", "county_id", "kind"))
    if len(enterprises) < 4:
        return {}
    today = today or dt.date.today()
    rng = random.Random(f"cooperation:{seed}")
    office = _user("city_staff", Role.CITY_STAFF, "李晓燕")
    regions = {r.code: r for r in Region.objects.filter(level="county")}
    partners = {o.name: o for o in Organisation.objects.filter(
        kind__in=("university", "institute"))}
    by_county: dict[int, list[Organisation]] = {}
    for e in enterprises:
        by_county.setdefault(e.county_id, []).append(e)
    showcase = next((e for e in enterprises if e.name == SHOWCASE), None)
    fallback = next(iter(regions.values()))
    stats = {"projects": 0, "milestones": 0, "talents": 0, "achievements": 0}
    projects: list[CooperationProject] = []
    with audit_context(source="cli:demo"):
        for n, (name, kind, partner, code, agreed, provincial, status, summary) in enumerate(
                PROJECTS):
            county = regions.get(code, fallback)
            pool = by_county.get(county.pk) or enterprises
            locals_ = rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))
            if name in partners and partners[name] not in locals_:
                locals_.insert(0, partners[name])  # the institute itself is on record
            if showcase is not None and n in (2, 5) and showcase not in locals_:
                locals_.append(showcase)
            project = services.create_project(actor=office, local_partners=locals_, data={
                "name": name, "kind": kind, "partner": partners.get(partner),
                "partner_name": partner, "county": county, "agreement_on": agreed,
                "provincial": provincial, "status": status, "summary": summary})
            projects.append(project)
            stats["projects"] += 1
            # milestones every few months from the agreement; the past ones mostly done
            due = agreed
            behind = n in (1, 4, 7)  # these carry an overdue milestone today
            for i, title in enumerate(MILESTONES[:rng.randint(4, 6)]):
                due = due + dt.timedelta(days=rng.randint(60, 150))
                done = None
                if due <= today:
                    roll = rng.random()
                    if behind and i >= 2:
                        done = None  # overdue today
                    elif roll < 0.2:
                        done = min(today, due + dt.timedelta(days=rng.randint(10, 60)))
                    else:
                        done = due - dt.timedelta(days=rng.randint(0, 20))
                m = services.add_milestone(project=project, actor=office, data={
                    "title": title, "due_on": due, "done_on": done,
                    "note": "已完成并报送佐证材料" if done else ""})
                stats["milestones"] += 1
                if done and i == 0 and n < 3:
                    services.file_evidence(milestone=m, actor=office, done_on=done,
                                           files=[_pdf(f"{title}.pdf")], note=m.note)
            services.add_outcome(project=project, actor=office, data={
                "kind": rng.choice(("patent", "standard", "product", "training")),
                "title": f"{rng.choice(FIELDS)}相关成果", "achieved_on": max(
                    agreed, D(2025, 1, 1)) + dt.timedelta(days=rng.randint(30, 200)),
                "note": ""})
        # teams and talents: hosted by the projects' local partners (and the showcase)
        hosts = [o for p in projects for o in p.local_partners.all()]
        for i in range(40):
            project = rng.choice(projects)
            host = rng.choice(list(project.local_partners.all()) or hosts)
            if showcase is not None and i in (3, 11, 27):
                host = showcase
            category = rng.choices(("team", "leader", "young"), (2, 3, 6))[0]
            mode = rng.choice(("full_time", "part_time", "project", "visiting")
                              if category != "young" else ("full_time", "cultivated"))
            started = D(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 350))
            if i % 8 == 7:
                started = D(2024, rng.randint(3, 12), rng.randint(1, 28))
            services.create_talent(actor=office, data={
                "category": category, "mode": mode,
                "team_name": f"{rng.choice(FIELDS)}创新团队" if category == "team" else "",
                "name": _person(rng), "members": rng.randint(4, 15) if category == "team" else 1,
                "host": host, "project": project if rng.random() < 0.6 else None,
                "field": rng.choice(FIELDS), "origin": project.partner_name,
                "started_on": started,
                "support": rng.choice(("安家补贴", "科研启动经费", "人才公寓", "项目资助")),
                "support_yuan": Decimal(rng.choice((50000, 100000, 200000, 500000)))})
            stats["talents"] += 1
        for i, title in enumerate(ACHIEVEMENTS * 2):
            project = rng.choice(projects)
            receiver = rng.choice([o for o in project.local_partners.all()
                                   if o.kind == "enterprise"] or enterprises)
            if showcase is not None and i in (1, 14):
                receiver = showcase
            on = D(2025, 1, 10) + dt.timedelta(days=rng.randint(0, 340))
            if i % 6 == 5:
                on = D(2024, rng.randint(2, 12), rng.randint(1, 28))
            services.create_achievement(actor=office, data={
                "title": title if i < len(ACHIEVEMENTS) else f"{title}（二期）",
                "source": project.partner_name, "project": project, "receiver": receiver,
                "mode": rng.choice(("transfer", "licence", "joint", "equity")),
                "amount_yuan": Decimal(rng.randint(5, 300) * 10000), "transferred_on": on,
                "contract_no": f"{on.year}1404{900000 + i:06d}" if rng.random() < 0.5 else ""})
            stats["achievements"] += 1
    stats["behind"] = sum(1 for m in Milestone.objects.filter(done_on__isnull=True,
                                                              due_on__lt=today))
    return stats


def demo_step(*, seed: int = 2025, **options: Any) -> str:
    """``manage.py demo``'s cooperation step (cooperation/manifest.py)."""
    s = seed_demo_cooperation(seed=seed)
    if not s:
        return ""
    return (f"校地合作演示数据：项目 {s['projects']} 个（节点 {s['milestones']}，逾期 "
            f"{s['behind']}），人才团队 {s['talents']}，转化成果 {s['achievements']}")
