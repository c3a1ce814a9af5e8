"""Demo platforms, carriers, occupants and the 2024 evaluation (``manage.py demo``, after the
enterprises).

* The platforms the plan names (煤基合成化学品山西省实验室（筹）, 长治市植物萃取, 高科光电 CNAS,
  中国科学院煤化所山西省能源化工中试基地, the LED 新型显示 / 光伏 / 固废利用 / 表面处理 / 能源革命
  technology innovation centres, 北京工业大学（长治）科技成果转化中心);
* about 95 platforms recognised at province or national level before 2025 and about 15 city
  platforms promoted to province level during 2025 (so 省级以上 passes 100 in the autumn), two
  delisted in 2025, about 60 city-level ones; in every county, more in 潞州区 and the zone;
* incubators, maker spaces, pilot bases and transformation centres of 晋创谷·长治 with area and
  capacity, and about 250 startups and teams settling in, some graduated or left;
* the 2024 annual evaluation, opened in early 2025: some evaluations graded, some submitted,
  the rest pending (the showcase enterprise's among them, so its demo login has one to fill in).

Written through the services (audited). Idempotent: when any platform exists, nothing is added.
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
from kechuang.carriers import services
from kechuang.carriers.models import Campaign, Evaluation, Platform, PlatformKind
from kechuang.orgs.demo import showcase_organisations
from kechuang.orgs.models import Organisation
from kechuang.regions.models import Region

YEAR = 2025
PROVINCE = "山西省科学技术厅"
CITY = "长治市科学技术局"
NATIONAL = "科学技术部"

# (name, kind, level, recognised on, lead host industry or partner name, county, status, carrier)
NAMED = (
    ("煤基合成化学品山西省实验室（筹）", "key_lab", "provincial", dt.date(2024, 12, 18),
     "中国科学院山西煤炭化学研究所", "140423", "planning", False),
    ("长治市植物萃取重点实验室", "key_lab", "city", dt.date(2023, 9, 26), "C27", "140403",
     "operating", False),
    ("高科光电CNAS认可实验室", "cnas_lab", "", None, "C39", "140471", "operating", False),
    ("中国科学院煤化所山西省能源化工中试基地", "pilot_base", "provincial", dt.date(2023, 6, 30),
     "中国科学院山西煤炭化学研究所", "140471", "operating", True),
    ("山西省LED新型显示技术创新中心", "tech_innovation_centre", "provincial",
     dt.date(2025, 4, 22), "C39", "140471", "operating", False),
    ("山西省光伏技术创新中心", "tech_innovation_centre", "provincial", dt.date(2025, 8, 12),
     "C38", "140404", "operating", False),
    ("长治市固废利用技术创新中心", "tech_innovation_centre", "city", dt.date(2024, 10, 15),
     "C30", "140406", "operating", False),
    ("长治市表面处理技术创新中心", "tech_innovation_centre", "city", dt.date(2024, 10, 15),
     "C33", "140405", "operating", False),
    ("长治市能源革命技术创新中心", "tech_innovation_centre", "city", dt.date(2025, 6, 3),
     "C26", "140423", "operating", False),
    ("北京工业大学（长治）科技成果转化中心", "transfer_centre", "", None, "C35", "140471",
     "operating", True),
)
# the city LED and PV centres were city platforms first: the 2025 recognitions are promotions
PROMOTED_FROM_CITY = {"山西省LED新型显示技术创新中心": dt.date(2022, 11, 8),
                      "山西省光伏技术创新中心": dt.date(2023, 5, 16)}

FIELDS = ("煤基新材料", "高端装备", "光电材料", "智能制造", "现代煤化工", "生物医药", "中药材",
          "新能源汽车零部件", "氢能储运", "半导体材料", "精密铸造", "特种钢材", "绿色建材",
          "数字矿山", "农产品加工", "节能环保", "储能材料", "碳基新材料", "工业互联网",
          "医疗器械", "功能食品", "高分子材料", "电子信息", "先进陶瓷", "智慧农业")
GENERATED_KINDS = (("key_lab", 36), ("tech_innovation_centre", 30), ("engineering_centre", 42),
                   ("new_rd_institution", 8), ("concept_verification", 2),
                   ("industry_alliance", 2))
CARRIERS = (("incubator", 12), ("maker_space", 6), ("pilot_base", 7), ("transfer_centre", 3))
TEAM_WORDS = ("团队", "创新团队", "研发团队")
STARTUP_WORDS = ("科技有限公司", "新材料有限公司", "智能科技有限公司", "生物科技有限公司")
STARTUP_HEADS = ("长治", "上党", "太行", "潞安", "沁水", "漳河", "晋东南", "长治高新")
ORIGINS = ("", "", "", "北京研发、长治转化（双向飞地）", "高校成果转化", "返乡创业")
DOC_PREFIX = {"national": "国科发", "provincial": "晋科发", "city": "长科发"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(username: str, role: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=full_name)
        user.set_unusable_password()
        user.save()
    return user


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def seed_demo_platforms(*, seed: int = 2025) -> dict[str, int]:
    if Platform.objects.exists():
        return {}
    enterprises = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
                       .select_related("county").order_by("pk"))
    if len(enterprises) < 20:
        return {}
    rng = random.Random(f"carriers:{seed}")
    bureau = _user("city_staff", Role.CITY_STAFF, "李晓燕")
    services.ensure_kinds()
    kinds = {k.code: k for k in PlatformKind.objects.all()}
    counties = {r.code: r for r in Region.objects.filter(level="county")}
    by_industry: dict[str, list[Organisation]] = {}
    for e in enterprises:
        by_industry.setdefault(e.industry_code, []).append(e)
    partners = {o.name: o for o in Organisation.objects.exclude(
        kind=Organisation.Kind.ENTERPRISE)}
    showcase_e, _showcase_p = showcase_organisations()
    showcase = Organisation.objects.filter(credit_code=showcase_e.credit_code).first()
    stats = {"platforms": 0, "provincial_up": 0, "promoted": 0, "ended": 0, "occupants": 0,
             "evaluations": 0}
    used: set[tuple[str, int]] = set()

    def host_for(spec: str) -> Organisation:
        if spec in partners:
            return partners[spec]
        pool = by_industry.get(spec) or enterprises
        return pool[rng.randrange(len(pool))]

    def create(name: str, kind: str, host: Organisation, *, county: Region | None = None,
               level: str = "", on: dt.date | None = None, established: dt.date,
               planning: bool = False, carrier: bool = False, co_hosts: tuple = ()) -> Platform:
        if (name, host.pk) in used:
            name = f"{name}（{host.name[:8]}）"
        used.add((name, host.pk))
        data: dict[str, Any] = {"name": name, "kind": kinds[kind], "lead_host": host,
                                "county": county or host.county, "established_on": established,
                                "field": name[3:9] if name.startswith(("山西省", "长治市")) else ""}
        if carrier or kinds[kind].carrier:
            data.update({"jinchuanggu": True,
                         "area_sqm": Decimal(rng.randrange(20, 400) * 100),
                         "capacity": rng.randrange(15, 90)})
        rec = None
        if level:
            rec = {"level": level, "recognised_on": on,
                   "issuer": {"national": NATIONAL, "provincial": PROVINCE}.get(level, CITY),
                   "document_no": f"{DOC_PREFIX[level]}〔{on.year}〕{rng.randrange(10, 240)}号"}
        p = services.create_platform(actor=bureau, data=data, hosts=co_hosts, recognition=rec,
                                     planning=planning)
        stats["platforms"] += 1
        return p

    with audit_context(source="cli:demo"):
        # the platforms the plan names
        for name, kind, level, on, host_spec, county, status, carrier in NAMED:
            host = host_for(host_spec)
            if name == "山西省LED新型显示技术创新中心" and showcase is not None:
                host = showcase
            co = (host_for("C26"),) if name.startswith("煤基") else ()
            first = PROMOTED_FROM_CITY.get(name)
            p = create(name, kind, host, county=counties.get(county), established=dt.date(
                (first or on or dt.date(2021, 3, 1)).year - 1, 6, 1),
                level="city" if first else level, on=first or on,
                planning=status == "planning", carrier=carrier, co_hosts=co)
            if first:
                services.add_recognition(platform=p, actor=bureau, data={
                    "level": level, "recognised_on": on, "issuer": PROVINCE,
                    "document_no": f"晋科发〔{on.year}〕{rng.randrange(10, 240)}号"})
                stats["promoted"] += 1
        # the registry: provincial and national before 2025, promotions during 2025, city ones
        county_codes = sorted(counties)
        weights = [4 if c in ("140403", "140471") else 2 if c in ("140404", "140406",
                                                                   "140423") else 1
                   for c in county_codes]
        n = 0
        provincial_seen = iter(range(1, 10**6))
        for kind, count in GENERATED_KINDS:
            for _i in range(count):
                n += 1
                county = counties[rng.choices(county_codes, weights)[0]]
                local = [e for e in enterprises if e.county_id == county.pk] or enterprises
                host = local[rng.randrange(len(local))]
                field = FIELDS[n % len(FIELDS)]
                roll = rng.random()
                established = _day(rng, dt.date(2008, 1, 1), dt.date(2022, 12, 31))
                if roll < 0.07:
                    level, on, prefix = "national", _day(rng, established, dt.date(2024, 6, 30)), ""
                elif roll < 0.68:
                    level, on, prefix = "provincial", _day(rng, established,
                                                           dt.date(2024, 12, 31)), "山西省"
                else:
                    level, on, prefix = "city", _day(rng, established, dt.date(2024, 12, 31)), \
                        "长治市"
                name = f"{prefix or '国家'}{field}{kinds[kind].name}"
                p = create(name, kind, host, county=county, level=level, on=on,
                           established=established)
                if level == "city" and roll > 0.84:  # promoted to province level in 2025
                    services.add_recognition(platform=p, actor=bureau, data={
                        "level": "provincial", "issuer": PROVINCE,
                        "recognised_on": _day(rng, dt.date(YEAR, 1, 15), dt.date(YEAR, 11, 20)),
                        "document_no": f"晋科发〔{YEAR}〕{rng.randrange(10, 240)}号"})
                    stats["promoted"] += 1
                elif level == "provincial" and next(provincial_seen) in (5, 30):
                    services.end_platform(platform=p, actor=bureau, action="delist",
                                          reason="年度绩效评价不合格，予以摘牌",
                                          on=_day(rng, dt.date(YEAR, 3, 1), dt.date(YEAR, 9, 30)))
                    stats["ended"] += 1
        # 晋创谷 carriers and their occupants
        carriers: list[Platform] = []
        for kind, count in CARRIERS:
            for i in range(count):
                county = counties[rng.choices(county_codes, weights)[0]]
                local = [e for e in enterprises if e.county_id == county.pk] or enterprises
                host = local[rng.randrange(len(local))]
                if kind == "incubator" and i == 0 and showcase is not None:
                    host, county = showcase, showcase.county
                level = ("" if kind == "transfer_centre"
                         else rng.choice(("", "city", "city", "provincial")))
                established = _day(rng, dt.date(2015, 1, 1), dt.date(2024, 6, 30))
                prefix = {"provincial": "山西省", "city": "长治市"}.get(level, "晋创谷·")
                name = f"{prefix}{county.name}{FIELDS[(i * 7 + len(kind)) % len(FIELDS)]}" \
                       f"{kinds[kind].name}"
                carriers.append(create(name, kind, host, county=county, level=level,
                                       on=_day(rng, established, dt.date(2024, 12, 31)),
                                       established=established, carrier=True))
        carriers.extend(Platform.objects.filter(kind__carrier=True, jinchuanggu=True)
                        .exclude(pk__in=[c.pk for c in carriers]))
        for c in carriers:
            for j in range(min(c.capacity or 10, rng.randrange(4, 16))):
                team = rng.random() < 0.35
                head = rng.choice(STARTUP_HEADS)
                name = (f"{rng.choice(FIELDS)}{rng.choice(TEAM_WORDS)}" if team else
                        f"{head}{rng.choice(FIELDS)}{rng.choice(STARTUP_WORDS)}")
                settled = _day(rng, max(c.established_on, dt.date(2021, 1, 1)),
                               dt.date(YEAR, 11, 30))
                data = {"name": f"{name}{j + 1 if team else ''}", "kind": "team" if team
                        else "startup", "field": rng.choice(FIELDS), "settled_on": settled,
                        "origin": rng.choice(ORIGINS)}
                roll = rng.random()
                end = settled + dt.timedelta(days=rng.randrange(200, 1100))
                if roll < 0.2 and end <= dt.date(YEAR, 12, 31):
                    data["graduated_on"] = end
                elif roll < 0.28 and end <= dt.date(YEAR, 12, 31):
                    data["left_on"] = end
                services.add_occupant(carrier=c, actor=bureau, data=data)
                stats["occupants"] += 1
        # the 2024 annual evaluation
        campaign = services.open_campaign(actor=bureau, data={
            "year": YEAR - 1, "title": f"{YEAR - 1}年度创新平台绩效评价",
            "due_on": dt.date(YEAR, 3, 31), "note": "各依托单位如实填报，佐证材料须加盖公章"})
        evaluations = list(Evaluation.objects.filter(campaign=campaign).select_related(
            "platform", "campaign").order_by("pk"))
        stats["evaluations"] = len(evaluations)
        showcase_ids = set(Platform.objects.filter(hosts=showcase).values_list("pk", flat=True)) \
            if showcase else set()
        for k, ev in enumerate(evaluations):
            if ev.platform_id in showcase_ids or k % 5 >= 3:
                continue  # left pending: the reminders and the demo login have work to do
            ev = services.fill_evaluation(evaluation=ev, actor=bureau, data={
                "rd_staff": rng.randrange(8, 120), "projects": rng.randrange(1, 20),
                "rd_spend_yuan": Decimal(rng.randrange(50, 3000) * 10000),
                "patents": rng.randrange(0, 15), "achievements": rng.randrange(0, 8),
                "services": rng.randrange(5, 200), "summary": "按建设任务书完成年度目标。"},
                files=[SimpleUploadedFile("年度绩效报告.pdf", PDF, "application/pdf")])
            if k % 5 < 2:
                grade = rng.choices(("excellent", "good", "pass", "fail"), (2, 4, 3, 1))[0]
                score = {"excellent": 92, "good": 83, "pass": 70, "fail": 52}[grade]
                services.grade_evaluation(evaluation=ev, actor=_user(
                    "city_admin", Role.CITY_ADMIN, "王建国"), grade=grade,
                    score=Decimal(score + rng.randrange(0, 6)), comment="材料齐全，数据属实")
        stats["provincial_up"] = Platform.objects.filter(level__in=("national", "provincial"),
                                                         ended_on__isnull=True).count()
        stats["campaign"] = Campaign.objects.count()
    return stats


def demo_step(*, seed: int = 2025, **options: object) -> str:
    """``manage.py demo``'s platform step (carriers/manifest.py)."""
    s = seed_demo_platforms(seed=seed)
    if not s:
        return ""
    return (f"创新平台演示数据：平台 {s['platforms']} 个（现省级以上 {s['provincial_up']}，"
            f"2025年晋级 {s['promoted']}，摘牌 {s['ended']}），入驻主体 {s['occupants']} 个，"
            f"{YEAR - 1}年度绩效评价 {s['evaluations']} 份")
