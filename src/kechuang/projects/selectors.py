"""Reads of R&D projects, each starting from ``restrict(user, action)``: the same rows feed a
page, its Excel export and (later) the API."""

from __future__ import annotations

from decimal import Decimal
from statistics import mean
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kechuang.accounts.scoping import can
from kechuang.orgs.models import Organisation
from kechuang.projects.models import (
    Acceptance,
    AcceptanceOpinion,
    AcceptanceTask,
    Application,
    ApplicationAttachment,
    BudgetLine,
    Call,
    ChangeRequest,
    Deliberation,
    Disbursement,
    Draw,
    DrawExclusion,
    Expert,
    FundingSource,
    Instalment,
    Programme,
    ProgressReport,
    Project,
    ReportDue,
    Review,
    ReviewAssignment,
    ReviewKind,
)


def call_list(*, user: Any, action: str = "view",
              filters: dict[str, Any] | None = None) -> QuerySet[Call]:
    f = filters or {}
    qs = Call.objects.restrict(user, action).select_related("programme")
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("programme"):
        qs = qs.filter(programme_id=f["programme"])
    return qs.order_by("-year", "-deadline", "-id")


def call_detail(*, user: Any, pk: int) -> Call:
    return Call.objects.restrict(user, "view").select_related("programme").get(pk=pk)


def programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("id")


def programme_list(*, user: Any, action: str = "view",
                   filters: dict[str, Any] | None = None) -> QuerySet[Programme]:
    f = filters or {}
    qs = Programme.objects.restrict(user, action)
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    return qs.order_by("id")


def programme_detail(*, user: Any, pk: int, action: str = "change") -> Programme:
    return Programme.objects.restrict(user, action).get(pk=pk)


def expert_detail(*, user: Any, pk: int, action: str = "change") -> Expert:
    """An expert's profile with its rows: the bureau any, an expert only their own (404)."""
    return (Expert.objects.restrict(user, action).select_related("organisation", "user")
            .prefetch_related("former_employments__organisation", "relations__organisation",
                              "declarations__application").get(pk=pk))


def own_expert_profile(*, user: Any) -> Expert:
    return Expert.objects.restrict(user, "change").filter(user=user).get()


def profile_owner_roles() -> list[str]:
    """The roles that keep their own profile (may change an Expert but not add one), read
    from the Expert scope rather than named."""
    from kechuang.accounts.scoping import scope_for

    return sorted(r for r, acts in scope_for(Expert).rights.items()
                  if "change" in acts and "add" not in acts)


def keeps_own_profile(user: Any) -> bool:
    """An expert (may change their profile, may not add one) — not the bureau."""
    return can(user, "change", Expert) and not can(user, "add", Expert)


def expert_accounts(*, keep: int | None = None) -> QuerySet[Any]:
    """Expert logins without a profile (or the profile's own), for linking an account."""
    from kechuang.accounts.models import User

    return (User.objects.filter(role__in=profile_owner_roles(), is_active=True)
            .filter(Q(expert_profile__isnull=True) | Q(pk=keep)).order_by("username"))


def declarable_applications(*, user: Any, expert: Expert | None) -> QuerySet[Application]:
    """Applications an expert may declare a conflict with: those still before a decision
    that the user reads (an expert: those assigned to them), and the ones already declared."""
    declared = list(expert.declarations.values_list("application_id", flat=True)) \
        if expert is not None else []
    open_ids = Application.objects.restrict(user, "view").filter(
        status__in=Application.ACTIVE).values("pk")
    # the profile's own declarations stay choosable even when the user no longer reads the
    # application (an expert recused since): the row is theirs, only its title is shown
    return Application.objects.filter(Q(pk__in=open_ids) | Q(pk__in=declared)).order_by("-id")


def application_list(*, user: Any, action: str = "view",
                     filters: dict[str, Any] | None = None) -> QuerySet[Application]:
    f = filters or {}
    qs = Application.objects.restrict(user, action).select_related(
        "call", "call__programme", "lead", "county")
    if f.get("call"):
        qs = qs.filter(call_id=f["call"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(lead__name__icontains=f["q"]))
    return qs.order_by("-created_at", "-id")


def application_detail(*, user: Any, pk: int, action: str = "view") -> Application:
    return Application.objects.restrict(user, action).select_related(
        "call", "call__programme", "lead", "county", "submitted_by", "decided_by").get(pk=pk)


def reads_blind(user: Any, application: Application) -> bool:
    """True for a reviewer of a blind call (匿名评审): neither the bureau nor an applicant.
    Such a reader gets no party names, and of the attachments only the anonymised copies the
    call asks for (``blind_copy``), under a neutral file name."""
    return (application.call.blind and not can(user, "approve", Application)
            and not can(user, "add", Application))


def _attachments(user: Any, application: Application) -> QuerySet[ApplicationAttachment]:
    qs = ApplicationAttachment.objects.restrict(user, "view").filter(application=application)
    if reads_blind(user, application):
        qs = qs.filter(requirement__in=[r.name for r in
                                        application.call.attachment_requirements()
                                        if r.blind_copy])
    return qs


def attachments_of(*, user: Any, application: Application) -> list[ApplicationAttachment]:
    """The application's files this user may download (see :func:`reads_blind`)."""
    return list(_attachments(user, application).select_related("uploaded_by"))


def required_attachments(*, user: Any, application: Application) -> list[dict[str, Any]]:
    """The call's required attachments with what is uploaded for each (the applicant's and
    the bureau's checklist); on a blind call a reviewer sees only the anonymised ones."""
    files = {a.requirement: a for a in attachments_of(user=user, application=application)}
    blind = reads_blind(user, application)
    return [{"requirement": r, "file": files.get(r.name),
             "ok": r.name in files and r.allows(files[r.name].original_name)}
            for r in application.call.attachment_requirements()
            if not blind or r.blind_copy]


def attachment_detail(*, user: Any, pk: int) -> ApplicationAttachment:
    att = ApplicationAttachment.objects.restrict(user, "view").select_related(
        "application", "application__call").get(pk=pk)
    return _attachments(user, att.application).get(pk=pk)


def budget_of(application: Application) -> list[BudgetLine]:
    return list(BudgetLine.objects.filter(application=application).order_by("category",
                                                                             "source"))


def partners_of(application: Application) -> list[Organisation]:
    return list(application.partners.order_by("name"))


def lead_choices(*, user: Any) -> QuerySet[Organisation]:
    """Organisations the user may name as lead: their own, or any for the bureau."""
    return Organisation.objects.restrict(user, "view").order_by("name")


def partner_choices() -> QuerySet[Organisation]:
    """Any organisation may be a partner (a consortium crosses counties and kinds)."""
    return Organisation.objects.order_by("name")


def open_calls(*, user: Any) -> QuerySet[Call]:
    return Call.objects.restrict(user, "view").filter(published=True).select_related(
        "programme").order_by("-year", "deadline")


def expert_list(*, user: Any, action: str = "view",
                filters: dict[str, Any] | None = None) -> QuerySet[Expert]:
    f = filters or {}
    qs = Expert.objects.restrict(user, action).select_related("organisation").annotate(
        live=Count("assignments", filter=Q(assignments__status__in=("invited", "accepted"))))
    qs = qs.prefetch_related("former_employments__organisation")
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(fields__icontains=f["q"]))
    if f.get("title"):
        qs = qs.filter(title=f["title"])
    return qs.order_by("name", "id")


def draws_of(*, user: Any, application: Application) -> list[Draw]:
    """The application's draws with exclusions and assignments (city staff)."""
    return list(Draw.objects.restrict(user, "view").filter(application=application)
                .select_related("drawn_by")
                .prefetch_related(Prefetch("exclusions", DrawExclusion.objects.select_related(
                    "expert_profile__organisation")),
                    Prefetch("assignments", ReviewAssignment.objects.select_related(
                        "expert_profile__organisation", "review").order_by("rank")))
                .order_by("-drawn_at", "-id"))


def assignment_list(*, user: Any, action: str = "view",
                    filters: dict[str, Any] | None = None) -> QuerySet[ReviewAssignment]:
    """An expert's tasks (or every task, for the city); reserves are not yet tasks."""
    f = filters or {}
    qs = (ReviewAssignment.objects.restrict(user, action)
          .exclude(status=ReviewAssignment.Status.RESERVE)
          .select_related("application", "application__call", "expert_profile", "review",
                          "draw"))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.order_by("-draw__drawn_at", "rank", "id")


def assignment_detail(*, user: Any, pk: int, action: str = "view") -> ReviewAssignment:
    return (ReviewAssignment.objects.restrict(user, action)
            .exclude(status=ReviewAssignment.Status.RESERVE)
            .select_related("application", "application__call", "application__lead",
                            "expert_profile", "draw").get(pk=pk))


def reviews_of(*, user: Any, application: Application) -> list[Review]:
    """Score sheets of an application the user may read (never the applicant's)."""
    if not can(user, "view", Review):
        return []
    return list(Review.objects.restrict(user, "view").filter(
        assignment__application=application).select_related(
        "assignment__expert_profile", "assignment__draw").order_by("submitted_at"))


def summaries_by_kind(reviews: list[Review]) -> dict[str, dict[str, Any]]:
    """The score summary of each review kind (技术评审 / 财务评审) apart."""
    return {kind: score_summary([r for r in reviews if r.assignment.draw.kind == kind])
            for kind in ReviewKind.values}


def score_summary(reviews: list[Review], *, trim_from: int = 5) -> dict[str, Any]:
    """Mean, trimmed mean (highest and lowest dropped from ``trim_from`` scores) and spread."""
    return score_summary_of([r.total for r in reviews], trim_from=trim_from)


def project_list(*, user: Any, action: str = "view",
                 filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    f = filters or {}
    qs = Project.objects.restrict(user, action).select_related("programme", "lead", "county")
    for key in ("year", "level", "stage"):
        if f.get(key):
            qs = qs.filter(**{key: f[key]})
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("carried_over") in ("1", "0"):
        qs = qs.filter(carried_over=f["carried_over"] == "1")
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(code__icontains=f["q"])
                       | Q(lead__name__icontains=f["q"]))
    return qs.order_by("-year", "code")


def project_detail(*, user: Any, pk: int) -> Project:
    return Project.objects.restrict(user, "view").select_related(
        "programme", "lead", "county", "application").prefetch_related("partners").get(pk=pk)


def funding_of(*, user: Any, project: Project) -> list[FundingSource]:
    """The project's funding plan: each source with its instalments (two queries)."""
    return list(FundingSource.objects.restrict(user, "view").filter(project=project)
                .prefetch_related("instalments").order_by("source"))


def disbursement_list(*, user: Any, action: str = "view",
                      filters: dict[str, Any] | None = None) -> QuerySet[Disbursement]:
    """The ledger (拨付记录) across projects, newest first."""
    f = filters or {}
    qs = Disbursement.objects.restrict(user, action).select_related(
        "project", "project__lead", "project__county", "instalment", "paid_by")
    if f.get("project"):
        qs = qs.filter(project_id=f["project"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    if f.get("year"):
        qs = qs.filter(paid_on__year=f["year"])
    if f.get("q"):
        qs = qs.filter(Q(project__title__icontains=f["q"]) | Q(project__code__icontains=f["q"])
                       | Q(voucher_no__icontains=f["q"]))
    return qs.order_by("-paid_on", "-id")


def reports_of(*, user: Any, project: Project) -> list[ProgressReport]:
    return list(ProgressReport.objects.restrict(user, "view").filter(project=project)
                .select_related("submitted_by", "checked_by").order_by("-submitted_at", "-id"))


def changes_of(*, user: Any, project: Project) -> list[ChangeRequest]:
    return list(ChangeRequest.objects.restrict(user, "view").filter(project=project)
                .select_related("submitted_by", "decided_by").order_by("-submitted_at", "-id"))


def acceptance_of(*, user: Any, project: Project) -> Acceptance | None:
    return Acceptance.objects.restrict(user, "view").filter(project=project).select_related(
        "decided_by", "drawn_by").first()


def acceptance_group(acceptance: Acceptance) -> dict[str, list[Any]]:
    """The drawn group's experts and the conflicted ones left out, with reasons (staff)."""
    ids = [*acceptance.group, *acceptance.reserves,
           *[x["expert_id"] for x in acceptance.exclusions]]
    by_pk = Expert.objects.select_related("organisation").in_bulk(ids)
    return {"members": [by_pk[i] for i in acceptance.group if i in by_pk],
            "reserves": [by_pk[i] for i in acceptance.reserves if i in by_pk],
            "excluded": [(by_pk[x["expert_id"]], x["reasons"]) for x in acceptance.exclusions
                         if x["expert_id"] in by_pk]}


def acceptance_tasks_of(*, user: Any, acceptance: Acceptance) -> list[AcceptanceTask]:
    """The group's places with their state and opinion (staff: who answered what)."""
    return list(AcceptanceTask.objects.restrict(user, "view").filter(acceptance=acceptance)
                .select_related("expert_profile__organisation", "opinion").order_by("rank"))


def acceptance_opinions(*, user: Any, acceptance: Acceptance) -> list[AcceptanceOpinion]:
    """The experts' opinions the user may read (the city: all; an expert: their own)."""
    if not can(user, "view", AcceptanceOpinion):
        return []
    return list(AcceptanceOpinion.objects.restrict(user, "view").filter(
        task__acceptance=acceptance).select_related("task__expert_profile__organisation")
        .order_by("task__rank"))


def recommendation_tally(opinions: list[AcceptanceOpinion]) -> list[tuple[str, int]]:
    """How many experts recommend each conclusion (通过 / 结题 / 不通过), in that order."""
    return [(str(label), sum(1 for o in opinions if o.recommendation == value))
            for value, label in Acceptance.Conclusion.choices]


def _conflicted_tasks(user: Any, qs: QuerySet[AcceptanceTask]) -> list[int]:
    """An expert's tasks on projects they now conflict with (回避 computed again at reading:
    a relation or employment recorded after the draw) — a fixed number of queries."""
    from kechuang.policy import review_conflicts
    from kechuang.projects import services

    expert = Expert.objects.filter(user=user).first() if user.is_authenticated else None
    if expert is None:
        return []
    tasks = list(qs.filter(expert_profile=expert).select_related(
        "acceptance__project__lead").prefetch_related("acceptance__project__partners"))
    if not tasks:
        return []
    profile = services.expert_profiles([expert])[expert.pk]
    today = timezone.localdate()
    return [t.pk for t in tasks if review_conflicts.find_conflicts(
        profile, services.project_parties(t.acceptance.project), as_of=today,
        years=services.CONFLICT_YEARS)]


def acceptance_task_list(*, user: Any, action: str = "view",
                         filters: dict[str, Any] | None = None) -> QuerySet[AcceptanceTask]:
    """An expert's acceptance tasks (every task, for the city); reserves are not yet tasks,
    and a task on a project the expert now conflicts with is left out."""
    f = filters or {}
    qs = (AcceptanceTask.objects.restrict(user, action)
          .exclude(status=AcceptanceTask.Status.RESERVE))
    conflicted = _conflicted_tasks(user, qs)
    if conflicted:
        qs = qs.exclude(pk__in=conflicted)
    qs = qs.select_related("acceptance__project", "acceptance__project__lead",
                           "expert_profile", "opinion")
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.order_by("-acceptance__drawn_at", "rank", "id")


def acceptance_task_detail(*, user: Any, pk: int, action: str = "view") -> AcceptanceTask:
    return acceptance_task_list(user=user, action=action).select_related(
        "acceptance__project__programme", "acceptance__project__county").get(pk=pk)


def report_detail(*, user: Any, pk: int, action: str = "view") -> ProgressReport:
    return ProgressReport.objects.restrict(user, action).select_related("project").get(pk=pk)


def change_detail(*, user: Any, pk: int, action: str = "view") -> ChangeRequest:
    return ChangeRequest.objects.restrict(user, action).select_related("project").get(pk=pk)


def instalments_of(*, user: Any, project: Project) -> list[Instalment]:
    return list(Instalment.objects.restrict(user, "view").filter(funding__project=project)
                .select_related("funding").order_by("funding__source", "seq"))


RANKED = ("reviewing", "approved", "rejected")


def call_ranking(*, user: Any, call: Call, trim_from: int = 5) -> list[dict[str, Any]]:
    """The call's applications under review or decided, ranked — two queries whatever the
    number of applications and reviews.

    Each kind is summarised apart (trimmed mean — mean below ``trim_from`` scores — count,
    spread, disagreement flag): the technical summary's keys at the top of the row, the
    budget review's under ``budget``. The ranking score is the technical trimmed mean; when
    the call gives the budget review a weight (``budget_weight`` %, 0 by default) it is
    technical × (100 − w)% + budget × w%, and an application without both ranks last."""
    apps = list(Application.objects.restrict(user, "approve").filter(
        call=call, status__in=RANKED).select_related("lead", "county").order_by("pk"))
    totals: dict[tuple[int, str], list[Decimal]] = {}
    for app_id, kind, total in Review.objects.restrict(user, "view").filter(
            assignment__application__call=call,
            assignment__application__status__in=RANKED).values_list(
            "assignment__application_id", "assignment__draw__kind", "total"):
        totals.setdefault((app_id, kind), []).append(total)
    weight = Decimal(call.budget_weight or 0)
    rows = []
    for a in apps:
        summary = score_summary_of(totals.get((a.pk, ReviewKind.TECHNICAL), []),
                                   trim_from=trim_from)
        budget = score_summary_of(totals.get((a.pk, ReviewKind.BUDGET), []),
                                  trim_from=trim_from)
        score = summary.get("trimmed")
        if weight:
            score = None if score is None or budget.get("trimmed") is None else (
                (score * (100 - weight) + budget["trimmed"] * weight) / 100
            ).quantize(Decimal("0.01"))
        rows.append({"app": a, **summary, "budget": budget, "score": score})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["app"].pk))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def score_summary_of(totals: list[Decimal], *, trim_from: int = 5) -> dict[str, Any]:
    totals = sorted(totals)
    if not totals:
        return {"count": 0}
    trimmed = totals[1:-1] if len(totals) >= trim_from else totals
    spread = totals[-1] - totals[0]
    return {"count": len(totals), "mean": Decimal(mean(totals)).quantize(Decimal("0.01")),
            "trimmed": Decimal(mean(trimmed)).quantize(Decimal("0.01")),
            "spread": spread, "disagree": spread >= 20}


def deliberations_of(*, user: Any, call: Call) -> list[Deliberation]:
    return list(Deliberation.objects.restrict(user, "view").filter(call=call)
                .select_related("decided_by").order_by("-decided_at", "-id"))


def programmes_by_name(names: set[str]) -> dict[str, Programme]:
    """The programmes (reference data, not scoped) of an import chunk, in one query."""
    return {p.name: p for p in Programme.objects.filter(name__in=names)}


def projects_by_code(codes: set[str]) -> dict[str, Project]:
    """The projects an import chunk's codes name, whoever may see them (the code is unique:
    the importer must tell a project outside the user's scope from a new one)."""
    return {p.code: p for p in Project.objects.filter(code__in=codes)}


def overdue_reports(*, user: Any, action: str = "view", filters: dict[str, Any] | None = None,
                    today: Any = None) -> QuerySet[ReportDue]:
    """Reports owed and not filed by their due date, of projects still running — the
    bureau's chase list (and its export), oldest first."""
    from django.utils import timezone

    f = filters or {}
    today = today or timezone.localdate()
    qs = ReportDue.objects.restrict(user, action).filter(
        report__isnull=True, due_on__lt=today,
        project__stage__in=(Project.Stage.RUNNING, Project.Stage.MIDTERM)).select_related(
        "project", "project__lead", "project__county")
    if f.get("q"):
        qs = qs.filter(Q(project__title__icontains=f["q"]) | Q(project__code__icontains=f["q"])
                       | Q(project__lead__name__icontains=f["q"]))
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("county"):
        qs = qs.filter(project__county_id=f["county"])
    return qs.order_by("due_on", "project__code", "pk")


def report_dues_of(*, user: Any, project: Project) -> list[ReportDue]:
    return list(ReportDue.objects.restrict(user, "view").filter(project=project)
                .select_related("report").order_by("due_on", "pk"))
