"""Permission-matrix rows of the R&D pages.

Fixture: one published call; in each place an application under review (lead: that place's
enterprise) and a project. The expert user holds an accepted assignment on both
applications, but is recused (回避) from place b's — so the expert sees a and gets 404 on b,
exactly like an application never assigned to them. Likewise an accepted acceptance task with
an opinion on both projects, but a relation with place b's enterprise recorded after the
draw: 404 on b's task and opinion.
"""

from __future__ import annotations

from kechuang.tests.matrix import BUREAU, CITY, ENTERPRISE_USERS, Route

EXPERT = {"expert"}
# place visibility: the shared table plus the expert (a only)
RD_VISIBLE = {"city_admin": {"a", "b"}, "city_staff": {"a", "b"},
              "county_a_staff": {"a"}, "county_b_staff": {"b"},
              "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
              "expert": {"a"}, "provider": set()}
APPLICANTS = CITY | ENTERPRISE_USERS
READERS = BUREAU | ENTERPRISE_USERS


def marker(ctx, place):
    return f"研发申报-{place}"


def project_marker(ctx, place):
    return f"研发项目-{place}"


def rd(ctx, place=None):
    """Build the fixture once per test; no URL kwargs."""
    if "rd" in ctx:
        return {}
    from kechuang.projects.models import Draw, Project, Recusal, ReviewAssignment
    from kechuang.projects.tests import fixtures as fx

    users = ctx["users"]
    call = fx.call(title="研发指南")
    profile = fx.expert("矩阵专家", user=users["expert"])
    out = {"call": call.pk}
    for p in ("a", "b"):
        ent = ctx[f"enterprise_{p}"]
        app = fx.application(call, ent, users[f"enterprise_{p}_user"], title=marker(ctx, p),
                             status="reviewing", pi_name=f"负责人{p}")
        draw = Draw.objects.create(application=app, seed=1, rule_version="t",
                                   drawn_by=users["city_staff"], members=[profile.pk])
        a = ReviewAssignment.objects.create(draw=draw, application=app, expert_profile=profile,
                                            reviewer=users["expert"], rank=1,
                                            status="accepted")
        if p == "b":
            Recusal.objects.create(application=app, expert_profile=profile)
        from kechuang.projects.models import Review

        review = Review.objects.create(assignment=a, scores={}, total=80,
                                       opinion=f"评审意见-{p}")
        project = Project.objects.create(
            programme=call.programme, code=f"XM-{p}", title=project_marker(ctx, p), year=2025,
            level="key_rd_project", lead=ent, county=ent.county, pi_name="负责人",
            approved_on="2025-06-01")
        from django.core.files.base import ContentFile

        from kechuang.projects.models import Acceptance, ChangeRequest, ProgressReport

        owner = users[f"enterprise_{p}_user"]
        report = ProgressReport(project=project, kind="midterm", period="2025年", summary="x",
                                submitted_by=owner, evidence_name="e.pdf")
        report.evidence.save("e.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        report.save()
        change = ChangeRequest.objects.create(project=project, kind="pi", new_pi_name="新",
                                              reason="r", submitted_by=owner)
        acc = Acceptance(project=project, submitted_by=owner, audit_report_name="a.pdf")
        acc.audit_report.save("a.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        acc.save()
        from kechuang.projects.models import AcceptanceOpinion, AcceptanceTask, Relation

        task = AcceptanceTask.objects.create(acceptance=acc, expert_profile=profile, rank=1,
                                             reviewer=users["expert"], status="accepted")
        opinion = AcceptanceOpinion.objects.create(task=task, recommendation="passed",
                                                   opinion=f"验收意见-{p}")
        if p == "b":
            Relation.objects.create(expert_profile=profile, organisation=ent, note="亲属任职")
        out |= {f"task_{p}": task.pk, f"opinion_{p}": opinion.pk}
        from kechuang.projects.models import ApplicationAttachment

        att = ApplicationAttachment(application=app, requirement="", original_name="附件.pdf",
                                    size=15, content_type="application/pdf", uploaded_by=owner)
        att.file.save("附件.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        att.save()
        out |= {f"attachment_{p}": att.pk}
        from kechuang.projects.models import ReportDue

        ReportDue.objects.create(project=project, kind="progress", period="2024年下半年",
                                 due_on="2025-01-15")
        out |= {f"app_{p}": app.pk, f"assignment_{p}": a.pk, f"project_{p}": project.pk,
                f"report_{p}": report.pk, f"change_{p}": change.pk, f"review_{p}": review.pk}
    # the expert's own profile is place a's; another expert's (no login) place b's
    out |= {"profile_a": profile.pk,
            "profile_b": fx.expert("其他专家", org=ctx["enterprise_b"]).pk,
            "programme": call.programme_id}
    ctx["rd"] = out
    return {}


def _pk(key):
    def kwargs(ctx, place):
        rd(ctx)
        return {"pk": ctx["rd"][f"{key}_{place}"]}
    return kwargs


def _call(ctx, place):
    rd(ctx)
    return {"pk": ctx["rd"]["call"]}


def _programme(ctx, place):
    rd(ctx)
    return {"pk": ctx["rd"]["programme"]}


def _decide(ctx, place):
    return _pk("change")(ctx, place) | {"action": "approve"}


def _step(ctx, place):
    return _pk("app")(ctx, place) | {"action": "recommend"}


def _r(allowed, kwargs=None, **kw):
    if kwargs is not None and kw.get("scoped", True):
        kw.setdefault("visible", RD_VISIBLE)
    return Route(allowed=set(allowed), kwargs=kwargs, **kw)


POST = {"method": "POST", "ok": (302,)}
ROUTES: dict[str, Route] = {
    "projects:project_list": _r(READERS, rd, scoped=False, list_marker=project_marker),
    "projects:project_export": _r(READERS, rd, scoped=False, export_marker=project_marker,
                                  **POST),
    "projects:project_detail": _r(READERS, _pk("project")),
    "projects:project_sign": _r(CITY, _pk("project"), **POST),
    "projects:project_plan": _r(CITY, _pk("project"), **POST),
    "projects:project_pay": _r(CITY, _pk("project"), **POST),
    "projects:disbursement_list": _r(READERS, rd, scoped=False),
    "projects:report_add": _r(APPLICANTS, _pk("project"), **POST),
    "projects:report_check": _r(CITY, _pk("report"), **POST),
    "projects:report_evidence": _r(READERS, _pk("report")),
    "projects:project_report_plan": _r(CITY, _pk("project"), **POST),
    "projects:report_overdue_list": _r(BUREAU, rd, scoped=False, list_marker=project_marker),
    "projects:report_overdue_export": _r(BUREAU, rd, scoped=False,
                                         export_marker=project_marker, **POST),
    "projects:change_add": _r(APPLICANTS, _pk("project"), **POST),
    "projects:change_decide": _r(CITY, _decide, **POST),
    "projects:acceptance_apply": _r(APPLICANTS, _pk("project"), **POST),
    "projects:acceptance_draw": _r(CITY, _pk("project"), **POST),
    "projects:acceptance_conclude": _r(CITY, _pk("project"), **POST),
    "projects:acceptance_report": _r(READERS, _pk("project")),
    "projects:project_contract": _r(READERS, _pk("project")),
    "projects:project_dossier": _r(CITY, _pk("project")),
    "projects:acceptance_opinion": _r(READERS, _pk("project")),
    "projects:disbursement_export": _r(READERS, rd, scoped=False, **POST),
    "projects:call_list": _r(READERS | EXPERT, rd, scoped=False),
    "projects:call_export": _r(READERS, rd, scoped=False, **POST),
    "projects:call_detail": _r(READERS | EXPERT, _call, scoped=False),
    "projects:call_ranking": _r(CITY, _call, scoped=False),
    # the bureau's pages for programmes and calls: county staff read the calls, write none
    "projects:call_add": _r(CITY, rd, scoped=False, also_post=True),
    "projects:call_edit": _r(CITY, _call, scoped=False),
    # the fixture's call is published already: refused with a message (302)
    "projects:call_publish": _r(CITY, _call, scoped=False, **POST),
    "projects:programme_list": _r(CITY, rd, scoped=False),
    "projects:programme_export": _r(CITY, rd, scoped=False, **POST),
    "projects:programme_add": _r(CITY, rd, scoped=False, also_post=True),
    "projects:programme_edit": _r(CITY, _programme, scoped=False),
    "projects:call_publicity": _r(READERS | EXPERT, _call, scoped=False),
    "projects:application_list": _r(READERS | EXPERT, rd, scoped=False, list_marker=marker),
    "projects:application_add": _r(APPLICANTS, rd, scoped=False, also_post=True),
    "projects:application_export": _r(READERS, rd, scoped=False, export_marker=marker, **POST),
    "projects:application_detail": _r(READERS | EXPERT, _pk("app")),
    # under review: no longer editable, the page sends the user back to the detail
    "projects:application_edit": _r(APPLICANTS, _pk("app"), ok=(302,)),
    "projects:application_submit": _r(APPLICANTS, _pk("app"), **POST),
    "projects:application_draw": _r(CITY, _pk("app")),
    "projects:application_step": _r(BUREAU, _step, **POST),
    # attachments: the application is under review, so upload and delete are refused with a
    # message (302) — the matrix checks who gets that far
    "projects:attachment_upload": _r(APPLICANTS, _pk("app"), **POST),
    "projects:attachment_download": _r(READERS | EXPERT, _pk("attachment")),
    "projects:attachment_delete": _r(APPLICANTS, _pk("attachment"), **POST),
    "projects:expert_list": _r(CITY, rd, scoped=False),
    "projects:expert_export": _r(CITY, rd, scoped=False, **POST),
    "projects:expert_add": _r(CITY, rd, scoped=False, also_post=True),
    # the bureau edits any profile; an expert only their own (a), another's is 404
    "projects:expert_edit": _r(CITY | EXPERT, _pk("profile")),
    "projects:expert_me": _r(EXPERT, rd, scoped=False, ok=(302,)),
    "projects:assignment_list": _r(CITY | EXPERT, rd, scoped=False),
    # the task lists' exports are the bureau's (the expert has no export right)
    "projects:assignment_export": _r(CITY, rd, scoped=False, export_marker=marker, **POST),
    "projects:acceptance_task_export": _r(CITY, rd, scoped=False,
                                          export_marker=project_marker, **POST),
    "projects:review": _r(CITY | EXPERT, _pk("assignment")),
    "projects:assignment_accept": _r(CITY | EXPERT, _pk("assignment"), **POST),
    "projects:assignment_decline": _r(CITY | EXPERT, _pk("assignment"), **POST),
    "projects:acceptance_task_list": _r(CITY | EXPERT, rd, scoped=False),
    "projects:acceptance_task": _r(CITY | EXPERT, _pk("task")),
    "projects:acceptance_task_accept": _r(CITY | EXPERT, _pk("task"), **POST),
    "projects:acceptance_task_decline": _r(CITY | EXPERT, _pk("task"), **POST),
}

API = {"api": True}
ROUTES.update({
    "api-rd-call-list": _r(READERS | EXPERT, rd, scoped=False, **API),
    "api-rd-call-detail": _r(READERS | EXPERT, _call, scoped=False, **API),
    "api-rd-application-list": _r(READERS | EXPERT, rd, scoped=False, list_marker=marker,
                                  **API),
    "api-rd-application-detail": _r(READERS | EXPERT, _pk("app"), **API),
    "api-rd-assignment-list": _r(CITY | EXPERT, rd, scoped=False, **API),
    "api-rd-assignment-detail": _r(CITY | EXPERT, _pk("assignment"), **API),
    # an applicant never reads a score sheet (403); the expert only their own, not recused
    "api-rd-review-list": _r(CITY | EXPERT, rd, scoped=False, **API),
    "api-rd-review-detail": _r(CITY | EXPERT, _pk("review"), **API),
    # an acceptance expert: their own task and opinion, not where conflicted
    "api-rd-acceptance-task-list": _r(CITY | EXPERT, rd, scoped=False, **API),
    "api-rd-acceptance-task-detail": _r(CITY | EXPERT, _pk("task"), **API),
    "api-rd-acceptance-opinion-list": _r(CITY | EXPERT, rd, scoped=False, **API),
    "api-rd-acceptance-opinion-detail": _r(CITY | EXPERT, _pk("opinion"), **API),
    "api-rd-project-list": _r(READERS, rd, scoped=False, list_marker=project_marker, **API),
    "api-rd-project-detail": _r(READERS, _pk("project"), **API),
})
