"""The permission matrix: every named route × every role → allowed, denied or not found.

Built from the URL conf, so a new route without an entry in ROUTES fails
``test_every_route_has_a_matrix_entry``. Expectations are written by hand from
the role definitions (not computed with restrict(), which is what is under test):

* a role outside ``allowed`` gets 403 (anonymous: redirect to login, API: 401/403);
* an allowed role asking for an object outside its scope gets 404;
* otherwise 200 (or the route's ``ok`` status).

List pages, API lists and exports are also checked for rows outside the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "city_admin", "city_staff", "county_a_staff", "county_b_staff",
         "enterprise_a_user", "enterprise_b_user", "expert", "provider", "auditor",
         "system_admin", "security_admin"]
BUREAU = {"city_admin", "city_staff", "county_a_staff", "county_b_staff"}
ENTERPRISE_USERS = {"enterprise_a_user", "enterprise_b_user"}
SIGNED_IN = set(ROLES) - {"anonymous"}
AUDIT = {"auditor"}  # the audit administrator alone (三权分立, docs/security.md §2)

# Which of the two fixture places ("a" = 潞州区 / enterprise_a, "b" = 襄垣县 / enterprise_b)
# each role may see. Written out, not derived.
VISIBLE = {
    "city_admin": {"a", "b"}, "city_staff": {"a", "b"},
    "county_a_staff": {"a"}, "county_b_staff": {"b"},
    "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
    "provider": set(),
}


@dataclass
class Route:
    allowed: set[str]
    # builds URL kwargs for place "a" or "b"; None for routes without an object
    kwargs: Callable[[dict, str], dict] | None = None
    method: str = "GET"
    ok: tuple[int, ...] = (200,)
    api: bool = False
    public: bool = False  # reachable without login (login page, schema docs…)
    skip_reason: str = ""
    also_post: bool = False  # also POST (empty) and expect the same denials
    list_marker: Callable[[dict, str], str] | None = None  # text that shows place's rows
    scoped: bool = True  # False: reference data every allowed role reads in full
    export_marker: Callable[[dict, str], str] | None = None  # text in the job's Excel file
    visible: dict[str, set[str]] | None = None  # overrides VISIBLE (e.g. per-owner rows)
    extra: dict[str, Any] = field(default_factory=dict)


def ent(ctx, place):
    return {"pk": ctx[f"enterprise_{place}"].pk}


def rep(ctx, place):
    return {"pk": ctx[f"report_{place}"].pk}


def region(ctx, place):
    """Regions are public reference data: every signed-in role reads both counties."""
    return {"pk": ctx[f"enterprise_{place}"].county_id}


def chain(ctx, place):
    from kechuang.orgs.models import IndustrialChain

    return {"pk": IndustrialChain.objects.order_by("pk")[0 if place == "a" else 1].pk}


def ent_name(ctx, place):
    return ctx[f"enterprise_{place}"].name


ROUTES: dict[str, Route] = {
    "web:home": Route(allowed=SIGNED_IN, ok=(200, 302)),  # bureau roles: to the dashboard
    "web:overview": Route(allowed=BUREAU),
    "web:favicon": Route(allowed=set(ROLES), public=True, ok=(301,)),  # → the static SVG
    "accounts:login": Route(allowed=set(ROLES), public=True, ok=(200, 302)),
    "accounts:logout": Route(allowed=set(ROLES), public=True, method="POST", ok=(200, 302)),
    "set_language": Route(allowed=set(ROLES), public=True, method="POST", ok=(302,)),
    "orgs:enterprise_list": Route(allowed=BUREAU | ENTERPRISE_USERS, list_marker=ent_name),
    "orgs:enterprise_detail": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent),
    "orgs:report_list": Route(allowed=BUREAU | ENTERPRISE_USERS),
    "orgs:enterprise_add": Route(allowed=BUREAU, also_post=True),
    "orgs:enterprise_edit": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent, also_post=True),
    "orgs:enterprise_export": Route(allowed=BUREAU | ENTERPRISE_USERS, method="POST", ok=(302,),
                                    export_marker=ent_name),
    "orgs:report_add": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent, also_post=True),
    "orgs:report_edit": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=rep, also_post=True),
    "orgs:report_delete": Route(allowed=BUREAU, kwargs=rep),
    "orgs:report_export": Route(allowed=BUREAU | ENTERPRISE_USERS, method="POST", ok=(302,),
                                export_marker=ent_name),
}

API_ORG_READERS = BUREAU | ENTERPRISE_USERS | {"provider"}
ROUTES.update({
    "api-root": Route(allowed=SIGNED_IN, api=True),
    "api-schema": Route(allowed=set(ROLES), public=True, api=True),
    "api-docs": Route(allowed=set(ROLES), public=True),
    "api-token": Route(allowed=set(ROLES), public=True, api=True, method="POST", ok=(400,)),
    "api-region-list": Route(allowed=SIGNED_IN, api=True),
    "api-region-detail": Route(allowed=SIGNED_IN, api=True, kwargs=region,
                               scoped=False),
    "api-chain-list": Route(allowed=SIGNED_IN, api=True),
    "api-chain-detail": Route(allowed=SIGNED_IN, api=True, kwargs=chain,
                              scoped=False),
    "api-organisation-list": Route(allowed=API_ORG_READERS, api=True, list_marker=ent_name),
    "api-organisation-detail": Route(allowed=API_ORG_READERS, api=True, kwargs=ent),
    "api-enterprise-list": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True,
                                 list_marker=ent_name),
    "api-enterprise-detail": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True, kwargs=ent),
    "api-annual-report-list": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True,
                                    list_marker=ent_name),
    "api-annual-report-detail": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True, kwargs=rep),
})

def change_record(ctx, place):
    from kechuang.audit.services import record_change, snapshot

    e = ctx[f"enterprise_{place}"]
    return {"pk": record_change(actor=None, action="create", obj=e, after=snapshot(e)).pk}


def job(ctx, place):
    """A finished job of county A's clerk ("a") or of county B's clerk ("b")."""
    from django.core.files.base import ContentFile

    from kechuang.jobs.models import Job

    owner = ctx["users"]["county_a_staff" if place == "a" else "county_b_staff"]
    j = Job.objects.create(owner=owner, kind="test", title="导出", status="succeeded")
    j.result_file.save("r.xlsx", ContentFile(b"x"))
    return {"pk": j.pk}


# Jobs are personal: only the owner sees them, whatever the role.
JOB_OWNERS = {role: set() for role in ROLES} | {"county_a_staff": {"a"},
                                                "county_b_staff": {"b"}}

ROUTES.update({
    "core:ping": Route(allowed=set(ROLES), public=True),
    "plans:plan_detail": Route(allowed=BUREAU),
    "accounts:profile": Route(allowed=SIGNED_IN),
    "accounts:password_change": Route(allowed=SIGNED_IN),
    # two-factor pages: without an enrolled device the code page sends to the set-up page
    "accounts:otp_verify": Route(allowed=SIGNED_IN, ok=(200, 302)),
    "accounts:otp_setup": Route(allowed=SIGNED_IN),
    "audit:change_list": Route(allowed=AUDIT, also_post=True),
    "audit:change_detail": Route(allowed=AUDIT, kwargs=change_record, also_post=True,
                                 scoped=False),
    "audit:change_export": Route(allowed=AUDIT, method="POST", ok=(302,)),
    "audit:authevent_list": Route(allowed=AUDIT, also_post=True),
    "audit:authevent_export": Route(allowed=AUDIT, method="POST", ok=(302,)),
    # an empty POST names no personal field to reveal: 404 after the 403 check
    "audit:change_reveal": Route(allowed=AUDIT, kwargs=change_record, method="POST", ok=(404,),
                                 scoped=False),
    "audit:accessevent_list": Route(allowed=AUDIT, also_post=True),
    "jobs:job_list": Route(allowed=SIGNED_IN),
    "jobs:job_detail": Route(allowed=SIGNED_IN, kwargs=job, visible=JOB_OWNERS),
    "jobs:job_progress": Route(allowed=SIGNED_IN, kwargs=job, visible=JOB_OWNERS),
    "jobs:job_download": Route(allowed=SIGNED_IN, kwargs=job, visible=JOB_OWNERS),
})

def with_plan(ctx, place):
    """No URL kwargs: loads the 2025 plan the KPI pages work on (both places alike)."""
    from kechuang.plans.models import Plan
    from kechuang.plans.services import load_plan

    if not Plan.objects.exists():
        load_plan()
    return {}


def indicator(ctx, place):
    """An indicator of the city plan: every bureau role reads the whole plan (not per county)."""
    from kechuang.plans.models import Indicator

    with_plan(ctx, place)
    return {"pk": Indicator.objects.get(key="above_scale_industrial_with_rd_share").pk}


CITY = {"city_admin", "city_staff"}
ROUTES.update({
    "kpi:dashboard": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "kpi:indicator_detail": Route(allowed=BUREAU, kwargs=indicator, scoped=False),
    "kpi:indicator_records_export": Route(allowed=BUREAU, kwargs=indicator, scoped=False,
                                          method="POST", ok=(302,)),
    "kpi:snapshot_list": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "kpi:snapshot_take": Route(allowed=CITY, kwargs=with_plan, scoped=False, method="POST",
                               ok=(302,)),
    "kpi:monthly_report": Route(allowed=BUREAU, kwargs=with_plan, scoped=False, method="POST",
                                ok=(302,)),
    "kpi:report_source": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "kpi:report_snapshot_refresh": Route(allowed=CITY, kwargs=with_plan, scoped=False,
                                         method="POST", ok=(302,)),
    "api-kpi-dashboard-list": Route(allowed=BUREAU, api=True, kwargs=with_plan, scoped=False),
})

def reported_values(ctx, place):
    """No URL kwargs: a submitted value in county A and one in county B (both places alike)."""
    from kechuang.plans.models import Indicator
    from kechuang.reported.models import ReportedValue

    with_plan(ctx, place)
    ind = Indicator.objects.get(key="county_fiscal_st_spending")
    for p in ("a", "b"):
        if not ReportedValue.objects.filter(note=reported_note(ctx, p)).exists():
            ReportedValue.objects.create(
                indicator=ind, county_id=ctx[f"enterprise_{p}"].county_id, value=1,
                period_end="2025-06-30", note=reported_note(ctx, p),
                submitted_by=ctx["users"][f"county_{p}_staff"])
    return {}


def reported_value(ctx, place):
    from kechuang.reported.models import ReportedValue

    reported_values(ctx, place)
    return {"pk": ReportedValue.objects.get(note=reported_note(ctx, place)).pk}


def reported_note(ctx, place):
    return f"上报数值-{place}"


def evidence(ctx, place):
    from django.core.files.base import ContentFile

    from kechuang.reported.models import Evidence, ReportedValue

    value = ReportedValue.objects.get(pk=reported_value(ctx, place)["pk"])
    ev = Evidence(reported_value=value, original_name="a.pdf", size=5,
                  content_type="application/pdf", uploaded_by=value.submitted_by)
    ev.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    return {"pk": ev.pk}


def notice(ctx, place):
    """A notice of county A's clerk ("a") or of county B's clerk ("b"): personal rows."""
    from kechuang.notices.models import Notice

    owner = ctx["users"]["county_a_staff" if place == "a" else "county_b_staff"]
    return {"pk": Notice.objects.create(recipient=owner, title="提醒").pk}


REVIEWERS = {"city_admin", "city_staff"}
ROUTES.update({
    "reported:value_list": Route(allowed=BUREAU, kwargs=reported_values, scoped=False,
                                 list_marker=reported_note),
    "reported:value_add": Route(allowed=BUREAU, kwargs=with_plan, scoped=False, also_post=True),
    "reported:value_detail": Route(allowed=BUREAU, kwargs=reported_value),
    "reported:value_approve": Route(allowed=REVIEWERS, kwargs=reported_value, method="POST",
                                    ok=(302,)),
    "reported:value_reject": Route(allowed=REVIEWERS, kwargs=reported_value, method="POST",
                                   ok=(302,)),
    "reported:value_export": Route(allowed=BUREAU, kwargs=reported_values, scoped=False,
                                   method="POST", ok=(302,), export_marker=reported_note),
    "reported:evidence_download": Route(allowed=BUREAU, kwargs=evidence),
    "api-reported-value-list": Route(allowed=BUREAU, api=True, kwargs=reported_values,
                                     scoped=False, list_marker=reported_note),
    "api-reported-value-detail": Route(allowed=BUREAU, api=True, kwargs=reported_value),
    "api-reported-value-approve": Route(allowed=REVIEWERS, api=True, kwargs=reported_value,
                                        method="POST"),
    "api-reported-value-reject": Route(allowed=REVIEWERS, api=True, kwargs=reported_value,
                                       method="POST", ok=(400,)),  # no reason given
    "notices:notice_list": Route(allowed=SIGNED_IN),
    "notices:notice_read": Route(allowed=SIGNED_IN, kwargs=notice, method="POST", ok=(302,),
                                 visible=JOB_OWNERS),  # own notices only, like jobs
    "notices:notice_read_all": Route(allowed=SIGNED_IN, method="POST", ok=(302,)),
    # everyone has a to-do page; it lists only what waits for their decision
    "notices:todo": Route(allowed=SIGNED_IN),
})

def plan_pk(ctx, place):
    """The city's 2025 plan: every bureau role reads the whole plan (not per county)."""
    from kechuang.plans.models import Plan

    with_plan(ctx, place)
    return {"pk": Plan.objects.get(year=2025).pk}


def plan_action(ctx, place):
    from kechuang.plans.models import Action

    with_plan(ctx, place)
    return {"pk": Action.objects.get(plan__year=2025, number=1).pk}


def plan_task(ctx, place):
    """A fresh task per call, so an allowed POST to the delete page removes only it."""
    from kechuang.plans.models import Action, PlanTask

    action = Action.objects.get(pk=plan_action(ctx, place)["pk"])
    n = PlanTask.objects.filter(action=action).count()
    return {"pk": PlanTask.objects.create(action=action, text=f"矩阵任务{place}",
                                          sort_order=100 + n).pk}


def plan_indicator(ctx, place):
    """A fresh indicator per call (see plan_task)."""
    from kechuang.plans.models import Action, Indicator

    action = Action.objects.get(pk=plan_action(ctx, place)["pk"])
    n = Indicator.objects.filter(action=action).count()
    return {"pk": Indicator.objects.create(action=action, key=f"matrix_{place}_{n}",
                                           name="矩阵指标", target=1).pk}


def allocated_indicator(ctx, place):
    """高新技术企业认定 (94) with shares in county A and county B."""
    from kechuang.plans.models import CountyAllocation, Indicator

    with_plan(ctx, place)
    ind = Indicator.objects.get(action__plan__year=2025, key="high_tech_recognized")
    for p, share in (("a", 50), ("b", 44)):
        CountyAllocation.objects.get_or_create(
            indicator=ind, county_id=ctx[f"enterprise_{p}"].county_id,
            defaults={"target": share})
    return {"pk": ind.pk}


def allocation(ctx, place):
    from kechuang.plans.models import CountyAllocation

    ind = allocated_indicator(ctx, place)["pk"]
    return {"pk": CountyAllocation.objects.get(
        indicator_id=ind, county_id=ctx[f"enterprise_{place}"].county_id).pk}


def allocations(ctx, place):
    """No URL kwargs: the shares of county A and county B exist (both places alike)."""
    allocated_indicator(ctx, place)
    return {}


def allocation_row(ctx, place):
    return f'data-county="{ctx[f"enterprise_{place}"].county.code}"'


def allocation_county(ctx, place):
    return ctx[f"enterprise_{place}"].county.name


# The plan is the city's: city roles edit it, county staff read all of it but only their own
# county's share of a target.
ROUTES.update({
    "plans:plan_edit": Route(allowed=CITY, kwargs=plan_pk, scoped=False, also_post=True),
    "plans:plan_copy": Route(allowed=CITY, kwargs=plan_pk, scoped=False, also_post=True),
    "plans:plan_import": Route(allowed=CITY, also_post=True),
    "plans:action_edit": Route(allowed=CITY, kwargs=plan_action, scoped=False, also_post=True),
    "plans:task_add": Route(allowed=CITY, kwargs=plan_action, scoped=False, also_post=True),
    "plans:task_edit": Route(allowed=CITY, kwargs=plan_task, scoped=False, also_post=True),
    "plans:task_delete": Route(allowed=CITY, kwargs=plan_task, scoped=False, also_post=True),
    "plans:indicator_add": Route(allowed=CITY, kwargs=plan_action, scoped=False,
                                 also_post=True),
    "plans:indicator_edit": Route(allowed=CITY, kwargs=plan_indicator, scoped=False,
                                  also_post=True),
    "plans:indicator_delete": Route(allowed=CITY, kwargs=plan_indicator, scoped=False,
                                    also_post=True),
    "plans:allocation_list": Route(allowed=BUREAU, kwargs=allocated_indicator, scoped=False,
                                   list_marker=allocation_row),
    "plans:allocation_edit": Route(allowed=CITY, kwargs=allocated_indicator, scoped=False,
                                   also_post=True),
    "api-plan-list": Route(allowed=BUREAU, api=True, kwargs=with_plan, scoped=False),
    "api-plan-detail": Route(allowed=BUREAU, api=True, kwargs=plan_pk, scoped=False),
    "api-plan-allocation-list": Route(allowed=BUREAU, api=True, kwargs=allocations,
                                      scoped=False, list_marker=allocation_county),
    "api-plan-allocation-detail": Route(allowed=BUREAU, api=True, kwargs=allocation),
})

def import_kind(ctx, place):
    """The annual-report import: a kind, not a row (both places alike)."""
    return {"kind": "orgs.annual_report"}


def import_run(ctx, place):
    """A checked (invalid) import of county A's clerk ("a") or of a city staff member ("b")."""
    from django.core.files.base import ContentFile

    from kechuang.imports.models import ImportRun

    owner = ctx["users"]["county_a_staff" if place == "a" else "city_staff"]
    run = ImportRun(owner=owner, kind="orgs.annual_report", title="企业年度报表",
                    original_name="年报.xlsx", status="invalid", errors=[[2, "年度", "必填"]])
    run.file.save("u.xlsx", ContentFile(b"PK"), save=False)
    run.error_file.save("e.xlsx", ContentFile(b"PK"), save=False)
    run.save()
    return {"pk": run.pk}


def lockout(ctx, place):
    """A current lockout of county A's ("a") or county B's clerk ("b")."""
    from axes.models import AccessAttempt

    name = "county_a_staff" if place == "a" else "county_b_staff"
    a = AccessAttempt.objects.create(username=name, ip_address="10.0.0.9", user_agent="t",
                                     http_accept="*/*", path_info="/accounts/login/",
                                     get_data="", post_data="", failures_since_start=9)
    return {"pk": a.pk}


def account(ctx, place):
    return {"pk": ctx["users"]["county_a_staff" if place == "a" else "county_b_staff"].pk}


# In-app account administration (三权分立): lockouts are the security administrator's,
# accounts the system administrator's (the security administrator reads the list).
SYSADMIN = {"system_admin"}
SECADMIN = {"security_admin"}
ROUTES.update({
    "accounts:lockout_list": Route(allowed=SECADMIN),
    # an empty POST has no reason: back to the list, nothing lifted
    "accounts:lockout_unlock": Route(allowed=SECADMIN, kwargs=lockout, method="POST",
                                     ok=(302,), scoped=False),
    "accounts:user_list": Route(allowed=SYSADMIN | SECADMIN),
    "accounts:user_add": Route(allowed=SYSADMIN, also_post=True),
    "accounts:user_edit": Route(allowed=SYSADMIN, kwargs=account, also_post=True,
                                scoped=False),
    "accounts:user_password": Route(allowed=SYSADMIN, kwargs=account, also_post=True,
                                    scoped=False),
})

# Import runs are personal like jobs (owner only); importing is bureau work. The city
# administrator also reads (never commits or cancels) the runs of city staff.
IMPORT_OWNERS = {role: set() for role in ROLES} | {"county_a_staff": {"a"},
                                                   "city_staff": {"b"}}
IMPORT_READERS = IMPORT_OWNERS | {"city_admin": {"b"}}
ROUTES.update({
    "imports:run_list": Route(allowed=BUREAU),
    "imports:run_new": Route(allowed=BUREAU, kwargs=import_kind, scoped=False, also_post=True),
    "imports:template_download": Route(allowed=BUREAU, kwargs=import_kind, scoped=False),
    "imports:run_detail": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_READERS),
    "imports:run_progress": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_READERS),
    "imports:run_errors": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_READERS),
    "imports:run_commit": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_OWNERS,
                                method="POST", ok=(302,)),
    "imports:run_cancel": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_OWNERS,
                                method="POST", ok=(302,)),
})

CULT_NUMBERS = {"registration": ("2025140403A0000001", "2025140423A0000002"),
                "certificate": ("GR202514000101", "GR202514000202"),
                "leader": ("长科发〔2025〕甲号", "长科发〔2025〕乙号")}


def cult_records(ctx, place):
    """No URL kwargs: a registration, a certificate and a leader designation of enterprise A
    and of enterprise B (both places alike)."""
    import datetime as dt

    from kechuang.cultivation.models import (
        HighTechCertificate,
        LeaderDesignation,
        TechSmeRegistration,
        certificate_expiry,
    )

    for i, p in enumerate(("a", "b")):
        e = ctx[f"enterprise_{p}"]
        TechSmeRegistration.objects.get_or_create(
            registration_no=CULT_NUMBERS["registration"][i],
            defaults={"enterprise": e, "year": 2025, "registered_on": dt.date(2025, 4, 1)})
        issued = dt.date(2025, 11, 20)
        HighTechCertificate.objects.get_or_create(
            certificate_no=CULT_NUMBERS["certificate"][i],
            defaults={"enterprise": e, "issued_on": issued,
                      "expires_on": certificate_expiry(issued)})
        LeaderDesignation.objects.get_or_create(
            document_no=CULT_NUMBERS["leader"][i],
            defaults={"enterprise": e, "year": 2025, "designated_on": dt.date(2025, 9, 1)})
    return {}


def cult_record(kind):
    def make(ctx, place):
        from kechuang.cultivation.models import RECORD_MODELS

        cult_records(ctx, place)
        field = {"registration": "registration_no", "certificate": "certificate_no",
                 "leader": "document_no"}[kind]
        number = CULT_NUMBERS[kind][place == "b"]
        return {"pk": RECORD_MODELS[kind].objects.get(**{field: number}).pk}
    return make


def cult_marker(kind):
    return lambda ctx, place: CULT_NUMBERS[kind][place == "b"]


def cult_file(ctx, place):
    """An evidence file of the place's certificate."""
    from django.core.files.base import ContentFile

    from kechuang.cultivation.models import HighTechCertificate, RecordFile

    cert = HighTechCertificate.objects.get(pk=cult_record("certificate")(ctx, place)["pk"])
    f = RecordFile(certificate=cert, original_name="证书.pdf", size=5,
                   content_type="application/pdf", uploaded_by=ctx["users"]["city_admin"])
    f.file.save("c.pdf", ContentFile(b"%PDF-"), save=True)
    return {"pk": f.pk}


def cult_candidates(ctx, place):
    """No URL kwargs: enterprise A and enterprise B in the candidate pool (both places)."""
    from kechuang.cultivation.models import CandidateEntry

    for p in ("a", "b"):
        CandidateEntry.objects.get_or_create(enterprise=ctx[f"enterprise_{p}"],
                                             target_rung="high_tech", year=2026)
    return {}


def cult_candidate(ctx, place):
    from kechuang.cultivation.models import CandidateEntry

    cult_candidates(ctx, place)
    return {"pk": CandidateEntry.objects.get(enterprise=ctx[f"enterprise_{place}"]).pk}


# Cultivation records: the bureau records and revokes (county staff in their county), an
# enterprise user reads its own; the candidate pool and the targets page are the bureau's.
RECORD_READERS = BUREAU | ENTERPRISE_USERS
CULT_API = {"registration": "tech-sme-registration", "certificate": "high-tech-certificate",
            "leader": "leader-designation"}
for _kind in ("registration", "certificate", "leader"):
    ROUTES.update({
        f"cultivation:{_kind}_list": Route(allowed=RECORD_READERS, kwargs=cult_records,
                                            scoped=False, list_marker=cult_marker(_kind)),
        f"cultivation:{_kind}_add": Route(allowed=BUREAU, also_post=True),
        f"cultivation:{_kind}_export": Route(allowed=RECORD_READERS, kwargs=cult_records,
                                              scoped=False, method="POST", ok=(302,),
                                              export_marker=cult_marker(_kind)),
        f"cultivation:{_kind}_detail": Route(allowed=RECORD_READERS, kwargs=cult_record(_kind)),
        f"cultivation:{_kind}_edit": Route(allowed=BUREAU, kwargs=cult_record(_kind),
                                            also_post=True),
        f"cultivation:{_kind}_files": Route(allowed=BUREAU, kwargs=cult_record(_kind),
                                             method="POST", ok=(302,)),
        f"api-{CULT_API[_kind]}-list": Route(
            allowed=RECORD_READERS, api=True, kwargs=cult_records, scoped=False,
            list_marker=cult_marker(_kind)),
        f"api-{CULT_API[_kind]}-detail": Route(
            allowed=RECORD_READERS, api=True, kwargs=cult_record(_kind)),
    })
    if _kind != "leader":
        ROUTES[f"cultivation:{_kind}_revoke"] = Route(allowed=BUREAU, kwargs=cult_record(_kind),
                                                      method="POST", ok=(302,))
ROUTES.update({
    "cultivation:targets": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "cultivation:file_download": Route(allowed=RECORD_READERS, kwargs=cult_file),
    "cultivation:candidate_list": Route(allowed=BUREAU, kwargs=cult_candidates, scoped=False,
                                        list_marker=ent_name),
    "cultivation:candidate_add": Route(allowed=BUREAU, also_post=True),
    "cultivation:candidate_export": Route(allowed=BUREAU, kwargs=cult_candidates, scoped=False,
                                          method="POST", ok=(302,), export_marker=ent_name),
    "cultivation:candidate_detail": Route(allowed=BUREAU, kwargs=cult_candidate),
    "cultivation:candidate_remove": Route(allowed=BUREAU, kwargs=cult_candidate,
                                          method="POST", ok=(302,)),
    "cultivation:candidate_promote": Route(allowed=BUREAU, kwargs=cult_candidate,
                                           method="POST", ok=(302,)),
    "cultivation:candidate_visit_add": Route(allowed=BUREAU, kwargs=cult_candidate,
                                             method="POST", ok=(302,)),
    "api-candidate-list": Route(allowed=BUREAU, api=True, kwargs=cult_candidates,
                                scoped=False, list_marker=ent_name),
    "api-candidate-detail": Route(allowed=BUREAU, api=True, kwargs=cult_candidate),
})

def evaluation_results(ctx, place):
    """No URL kwargs: a finished batch run with a result in county A and one in county B."""
    from django.utils import timezone

    from kechuang.assessment.models import EvaluationResult, EvaluationRun

    if not EvaluationRun.objects.filter(year=2024, finished_at__isnull=False).exists():
        run = EvaluationRun.objects.create(year=2024, as_of="2025-06-01",
                                           finished_at=timezone.now())
        for p in ("a", "b"):
            EvaluationResult.objects.create(
                run=run, enterprise=ctx[f"enterprise_{p}"], year=2024, rule="tech_sme",
                outcome="ineligible", eligible=False, computed_at=timezone.now())
    return {}


def ent_assessment(ctx, place):
    return {"enterprise_pk": ctx[f"enterprise_{place}"].pk}


# 自评 reads like the enterprise page (own / county / all); batch runs and results are the
# bureau's, a county clerk's limited to their county.
ROUTES.update({
    "assessment:home": Route(allowed=BUREAU | ENTERPRISE_USERS, ok=(302,)),
    "assessment:enterprise_assessment": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent,
                                              also_post=True),
    "assessment:batch": Route(allowed=BUREAU, also_post=True),
    "assessment:result_list": Route(allowed=BUREAU, kwargs=evaluation_results, scoped=False,
                                    list_marker=ent_name),
    "assessment:result_export": Route(allowed=BUREAU, kwargs=evaluation_results, scoped=False,
                                      method="POST", ok=(302,), export_marker=ent_name),
    "api-assessment-enterprise-list": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True,
                                            kwargs=ent_assessment, also_post=True),
})

IGNORED_PREFIXES = ("admin:",)


def route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    return {n for n in names if not n.startswith(IGNORED_PREFIXES)}


def test_every_route_has_a_matrix_entry():
    missing = sorted(route_names() - set(ROUTES))
    assert not missing, f"routes without a permission-matrix entry: {missing}"


def test_no_stale_matrix_entries():
    assert not sorted(set(ROUTES) - route_names())


CASES = [(name, role) for name in sorted(ROUTES) for role in ROLES]


@pytest.fixture
def ctx(users, enterprise_a, enterprise_b, report_a, report_b):
    return {"users": users, "enterprise_a": enterprise_a, "enterprise_b": enterprise_b,
            "report_a": report_a, "report_b": report_b}


def _request(client, route: Route, url: str, method: str):
    if route.api:
        return getattr(client, method.lower())(url, HTTP_ACCEPT="application/json")
    return getattr(client, method.lower())(url)


def _export_text(user) -> str:
    """Every cell of the newest job's Excel file, as one string."""
    from python_calamine import CalamineWorkbook

    from kechuang.jobs.models import Job

    job = Job.objects.filter(owner=user).latest("pk")
    assert job.status == "succeeded", job.error
    with job.result_file.open("rb") as fh:
        wb = CalamineWorkbook.from_filelike(fh)
        rows = wb.get_sheet_by_index(0).to_python()
    return "\n".join(str(c) for row in rows for c in row)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES)
def test_matrix(client, ctx, name, role, django_capture_on_commit_callbacks):
    route = ROUTES[name]
    if route.skip_reason:
        pytest.skip(route.skip_reason)
    if role != "anonymous":
        client.force_login(ctx["users"][role])
    places = ["a", "b"] if route.kwargs else [None]
    methods = [route.method] + (["POST"] if route.also_post and route.method != "POST" else [])
    for place in places:
        url = reverse(name, kwargs=route.kwargs(ctx, place) if route.kwargs else None)
        for method in methods:
            with django_capture_on_commit_callbacks(execute=True):
                resp = _request(client, route, url, method)
            where = f"{method} {url} as {role}"
            if role == "anonymous" and not route.public:
                if route.api:
                    assert resp.status_code in (401, 403), where
                else:
                    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], where
                continue
            if role not in route.allowed:
                assert resp.status_code == 403, f"{where}: {resp.status_code}, expected 403"
                continue
            visible = route.visible if route.visible is not None else VISIBLE
            if (route.scoped and place is not None
                    and place not in visible.get(role, {"a", "b"})):
                assert resp.status_code == 404, f"{where}: {resp.status_code}, expected 404"
                continue
            if method == route.method:
                assert resp.status_code in route.ok, f"{where}: {resp.status_code}"
                if route.list_marker and role in VISIBLE and resp.status_code == 200:
                    body = resp.content.decode()
                    for p in ("a", "b"):
                        shown = route.list_marker(ctx, p) in body
                        assert shown == (p in VISIBLE[role]), f"{where}: rows of {p} shown={shown}"
                if route.export_marker and role in VISIBLE:
                    text = _export_text(ctx["users"][role])
                    for p in ("a", "b"):
                        shown = route.export_marker(ctx, p) in text
                        assert shown == (p in VISIBLE[role]), f"{where}: export of {p}={shown}"
