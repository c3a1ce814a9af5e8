"""``manage.py seed``: regions and chains, the work plan, and one demo login per role.

Idempotent: regions, chains and the plan are keyed by their codes; demo logins by username.
A second run creates nothing twice and never touches an existing account (a changed
password stays changed) — the table still prints the initial password.

In production (``DJANGO_ENV=production``) demo logins are only created with
``--demo-logins``; regions and the plan are always loaded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand
from django.db import transaction

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.orgs.demo import DemoOrganisation, showcase_organisations
from kechuang.orgs.models import (
    ChainMembership,
    EnterpriseAnnualReport,
    IndustrialChain,
    Organisation,
)
from kechuang.orgs.services import load_city
from kechuang.plans.services import load_plan
from kechuang.regions.models import Region

# The one documented demo password: ≥ 10 characters, upper, lower, digit and symbol.
DEMO_PASSWORD = "Kechuang#2025"
COUNTY_A, COUNTY_B = "140403", "140423"  # 潞州区, 襄垣县


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    county: str = ""  # region code, county staff
    organisation: str = ""  # "enterprise" | "provider": the showcase organisation
    staff: bool = False  # may open the Django admin (its models by role; nobody is a superuser)


DEMO_LOGINS = (
    DemoLogin("city_admin", "王建华", Role.CITY_ADMIN, staff=True),
    DemoLogin("city_staff", "李晓燕", Role.CITY_STAFF),
    DemoLogin("luzhou_staff", "张伟", Role.COUNTY_STAFF, county=COUNTY_A),
    DemoLogin("xiangyuan_staff", "赵丽", Role.COUNTY_STAFF, county=COUNTY_B),
    DemoLogin("enterprise", "刘强", Role.ENTERPRISE, organisation="enterprise"),
    DemoLogin("expert", "孙立新", Role.EXPERT),
    DemoLogin("provider", "周敏", Role.PROVIDER, organisation="provider"),
    DemoLogin("auditor", "吴静", Role.AUDITOR, staff=True),
    DemoLogin("sysadmin", "陈刚", Role.SYSTEM_ADMIN, staff=True),
    DemoLogin("secadmin", "郑红", Role.SECURITY_ADMIN, staff=True),
)


@dataclass(frozen=True)
class LoginRow:
    username: str
    role: str
    scope: str
    password: str
    created: bool


def _user_snapshot(user: User) -> dict:
    data = snapshot(user)
    for secret in ("password", "last_login"):
        data.pop(secret, None)
    return data


def _ensure_organisation(demo: DemoOrganisation) -> Organisation:
    """Create the showcase organisation (validated, audited) unless its credit code exists."""
    existing = Organisation.objects.filter(credit_code=demo.credit_code).first()
    if existing is not None:
        return existing
    org = Organisation(county=Region.objects.get(code=demo.county_code), **demo.model_fields())
    org.full_clean()
    org.save()
    record_change(actor=None, action=ChangeRecord.Action.CREATE, obj=org, after=snapshot(org))
    for report in demo.reports:
        row = EnterpriseAnnualReport(enterprise=org, year=report.year, **report.fields)
        row.full_clean()
        row.save()
        record_change(actor=None, action=ChangeRecord.Action.CREATE, obj=row,
                      after=snapshot(row))
    for chain_code, role in demo.chains:
        chain = IndustrialChain.objects.filter(code=chain_code).first()
        if chain is not None:
            m = ChainMembership.objects.create(organisation=org, chain=chain, role=role)
            record_change(actor=None, action=ChangeRecord.Action.CREATE, obj=m,
                          after=snapshot(m))
    return org


def _scope_label(user: User) -> str:
    if user.role in (Role.CITY_ADMIN, Role.CITY_STAFF):
        return "全市"
    if user.role == Role.COUNTY_STAFF:
        return user.county.name if user.county else "—"
    if user.role in (Role.ENTERPRISE, Role.PROVIDER):
        return user.organisation.name if user.organisation else "—"
    if user.role == Role.EXPERT:
        return "分配给本人的评审"
    if user.role == Role.AUDITOR:
        return "全部审计记录（只读）"
    if user.role == Role.SYSTEM_ADMIN:
        return "账号与角色（管理后台）"
    if user.role == Role.SECURITY_ADMIN:
        return "账号锁定与安全设置（管理后台）"
    return "—"


def seed_demo_logins() -> list[LoginRow]:
    """One login per role; existing accounts (by username) are left exactly as they are."""
    rows: list[LoginRow] = []
    with audit_context(source="cli:seed"), transaction.atomic():
        enterprise_demo, provider_demo = showcase_organisations()
        orgs = {"enterprise": _ensure_organisation(enterprise_demo),
                "provider": _ensure_organisation(provider_demo)}
        for login in DEMO_LOGINS:
            user = User.objects.select_related("county", "organisation").filter(
                username=login.username).first()
            created = user is None
            if created:
                user = User(username=login.username, first_name=login.full_name,
                            role=login.role, is_staff=login.staff, is_superuser=False)
                if login.county:
                    user.county = Region.objects.get(code=login.county)
                if login.organisation:
                    user.organisation = orgs[login.organisation]
                validate_password(DEMO_PASSWORD, user)
                # a demo account is there to be tried at once: its published password is not
                # "set by someone else" (no forced change); real accounts come from create_admin
                # and the user admin, whose passwords must be changed at first login
                user.set_password(DEMO_PASSWORD, by_owner=True)
                user.full_clean()
                user.save()
                record_change(actor=None, action=ChangeRecord.Action.CREATE, obj=user,
                              after=_user_snapshot(user), reason="演示账号（manage.py seed）")
            rows.append(LoginRow(user.username, user.get_role_display(), _scope_label(user),
                                 DEMO_PASSWORD, created))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(_pad(h, w) for h, w in zip(header, widths, strict=True))
           + " |", line]
    out += ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) + " |"
            for r in rows]
    out.append(line)
    return "\n".join(out)


class Command(BaseCommand):
    help = "加载行政区划、重点产业链和工作要点，并为每个角色创建一个演示账号（可重复运行）"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-logins", action="store_true",
            help="生产环境（DJANGO_ENV=production）下也创建演示账号；其他环境默认创建")

    def handle(self, *args, **options) -> None:
        regions = load_city(path=settings.KECHUANG_REGION_FILE)
        self.stdout.write(f"行政区划：新增 {regions['regions_created']} 个；"
                          f"重点产业链：新增 {regions['chains_created']} 条")
        plan = load_plan(settings.KECHUANG_PLAN_FILE)
        self.stdout.write(
            f"工作要点：{plan['plan']}（新增：要点 {plan['plans_created']}、行动 "
            f"{plan['actions_created']}、任务 {plan['tasks_created']}、指标 "
            f"{plan['indicators_created']}）")
        if plan["counties_missing"]:
            missing = "、".join(plan["counties_missing"])
            self.stderr.write(f"工作要点中的县区不在行政区划中：{missing}")

        if settings.PRODUCTION and not options["demo_logins"]:
            self.stdout.write("生产环境：未创建演示账号（如确需要，请加 --demo-logins）。")
            return
        rows = seed_demo_logins()
        created = sum(r.created for r in rows)
        self.stdout.write(f"演示账号：新增 {created} 个，已存在 {len(rows) - created} 个")
        table = format_table(
            ["用户名", "角色", "范围", "初始密码", "状态"],
            [[r.username, r.role, r.scope, r.password, "新建" if r.created else "已存在"]
             for r in rows])
        self.stdout.write(table)
        self.stdout.write("已存在的账号未做任何修改：若密码已改，以修改后的密码为准。"
                          "请在首次登录后修改初始密码。")
