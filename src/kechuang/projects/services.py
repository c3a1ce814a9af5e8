"""Writes of R&D projects: applications with their budgets, the submit rules, the flow's
steps, expert draws with computed 回避, assignments, reviews and projects — each in one
transaction, each audited (core.services / audit.services), nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import (
    change_records,
    record_change,
    snapshot,
    write_change_records,
)
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.scheduler import daily
from kechuang.core.services import (
    BulkHook,
    BulkItem,
    create_object,
    save_uploads,
    update_object,
)
from kechuang.core.uploads import delete_on_error, private_storage, validate_upload
from kechuang.policy import (
    expert_draw,
    rd_attachments,
    rd_funding,
    rd_reports,
    review_conflicts,
)
from kechuang.projects.models import (
    Acceptance,
    AcceptanceOpinion,
    AcceptanceTask,
    Application,
    ApplicationAttachment,
    BudgetLine,
    Call,
    Category,
    ChangeRequest,
    Declaration,
    Deliberation,
    Disbursement,
    Draw,
    DrawExclusion,
    Expert,
    FormerEmployment,
    FundingSource,
    Instalment,
    Programme,
    ProgressReport,
    Project,
    Recusal,
    Relation,
    ReportDue,
    Review,
    ReviewAssignment,
    ReviewKind,
    Source,
    former_employers_text,
)
from kechuang.projects.workflows import (
    ACCEPTANCE_TASK_FLOW,
    APPLICATION_FLOW,
    ASSIGNMENT_FLOW,
    CHANGE_FLOW,
    MIDTERM_FLOW,
)
from kechuang.workflow.services import transition

EDITABLE = ("draft", "returned")
# an expert in these places of one kind's group is kept out of the other kind's draw
OTHER_GROUP_STATUSES = ("invited", "accepted", "reserve")
APPLICATION_FIELDS = ("call", "title", "direction", "lead", "pi_name", "team", "objectives",
                      "targets", "total_budget_yuan")
CONFLICT_YEARS = 3
CENT = Decimal("0.01")


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT):,}"


# ---- applications ------------------------------------------------------------------------

def _budget_rows(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Non-zero budget cells, one per (category, source); a repeated cell is refused."""
    out, seen = [], set()
    for line in lines:
        amount = Decimal(line.get("amount_yuan") or 0)
        if not amount:
            continue
        key = (line["category"], line["source"])
        if key in seen:
            raise ValidationError(_("预算科目与资金来源重复：%(c)s") % {"c": "·".join(key)})
        seen.add(key)
        out.append({"category": line["category"], "source": line["source"],
                    "amount_yuan": amount})
    return out


def save_application(*, actor: Any, data: dict[str, Any], partners: Sequence[Any] = (),
                     budget: Iterable[dict[str, Any]] = (),
                     application: Application | None = None) -> Application:
    """Create or edit a draft (or returned) application with its partners and budget cells.

    The county is the lead's; an enterprise user writes only for its own organisation (the
    scope re-check refuses anything else). Rows are saved only when everything is valid.
    """
    data = {k: v for k, v in data.items() if k in (*APPLICATION_FIELDS, "version")}
    lead = data.get("lead") or (application.lead if application else None)
    if lead is not None:
        data["county"] = lead.county
    rows = _budget_rows(budget)
    with transaction.atomic():
        if application is None:
            data.setdefault("submitted_by", actor)
            app = create_object(model=Application, actor=actor, data=data)
        else:
            if application.status not in EDITABLE:
                raise DomainError(_("只有草稿或退回修改的申报可以修改"))
            app = update_object(obj=application, actor=actor, data=data)
        before = {"partners": sorted(p.pk for p in app.partners.all()),
                  "budget": _budget_snapshot(app)}
        app.partners.set([p for p in partners if p.pk != app.lead_id])
        BudgetLine.objects.filter(application=app).delete()
        for row in rows:
            line = BudgetLine(application=app, **row)
            line.full_clean()
            line.save()
        after = {"partners": sorted(p.pk for p in app.partners.all()),
                 "budget": _budget_snapshot(app)}
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=app, before=before,
                      after=after, reason=_("合作单位与预算"))
    return app


def _budget_snapshot(app: Application) -> list[str]:
    return [f"{b.category}/{b.source}={b.amount_yuan}"
            for b in BudgetLine.objects.filter(application=app).order_by("category", "source")]


def pi_load(*, pi_name: str, lead_id: int, exclude_application: int | None = None) -> int:
    """The PI's running projects plus applications under consideration (限项).

    A person is identified by name within the lead organisation (no personal ID is kept).
    """
    apps = Application.objects.filter(pi_name=pi_name, lead_id=lead_id,
                                      status__in=Application.ACTIVE)
    if exclude_application:
        apps = apps.exclude(pk=exclude_application)
    running = Project.objects.filter(pi_name=pi_name, lead_id=lead_id).exclude(
        stage__in=(Project.Stage.ACCEPTED, Project.Stage.TERMINATED))
    return apps.count() + running.count()


def submit_problems(app: Application, *, as_of: dt.date) -> list[str]:
    """Every rule an application breaks at submission, one Chinese sentence each."""
    problems: list[str] = []
    call: Call = app.call
    programme = call.programme
    if not call.published:
        problems.append(_("申报指南尚未发布"))
    if as_of > call.deadline:
        problems.append(_("申报截止日期（%(d)s）已过") % {"d": call.deadline.isoformat()})
    for field, label in (("objectives", _("研究目标")), ("targets", _("考核指标"))):
        if not getattr(app, field).strip():
            problems.append(_("请填写%(f)s") % {"f": label})
    problems += attachment_messages(app)
    lines = list(app.budget_lines.all())
    if not lines:
        problems.append(_("请填写预算明细"))
        return problems
    total = sum((b.amount_yuan for b in lines), Decimal(0))
    if total != app.total_budget_yuan:
        problems.append(_("预算明细合计 %(sum)s 元与总预算 %(total)s 元不一致") % {
            "sum": _yuan(total), "total": _yuan(app.total_budget_yuan)})
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    for b in lines:
        by_source[b.source] += b.amount_yuan
    labels = dict(Source.choices)
    for source, pct in programme.shares().items():
        expected = (total * pct / 100).quantize(CENT)
        if abs(by_source[source] - expected) > Decimal(1):
            problems.append(_("%(src)s应占预算的 %(pct)s%%（%(exp)s 元），实际为 %(act)s 元") % {
                "src": labels[source], "pct": format(pct.normalize(), "f"),
                "exp": _yuan(expected), "act": _yuan(by_source[source])})
    city = by_source[Source.CITY]
    if programme.cap_city_yuan is not None and city > programme.cap_city_yuan:
        problems.append(_("申请市财政资金 %(city)s 元超过单项上限 %(cap)s 元") % {
            "city": _yuan(city), "cap": _yuan(programme.cap_city_yuan)})
    if programme.cofund_ratio is not None and city:
        need = (city * programme.cofund_ratio).quantize(CENT)
        if by_source[Source.ENTERPRISE] < need:
            problems.append(_("企业自筹 %(own)s 元低于要求（不少于申请市财政资金的 %(r)s 倍，"
                              "即 %(need)s 元）") % {
                "own": _yuan(by_source[Source.ENTERPRISE]),
                "r": format(programme.cofund_ratio.normalize(), "f"), "need": _yuan(need)})
    load = pi_load(pi_name=app.pi_name, lead_id=app.lead_id, exclude_application=app.pk)
    if load >= call.pi_limit:
        problems.append(_("项目负责人“%(pi)s”已有 %(n)s 项在研或在审项目，超过限项（%(limit)s 项）")
                        % {"pi": app.pi_name, "n": load, "limit": call.pi_limit})
    return problems


def attachment_messages(app: Application) -> list[str]:
    """One Chinese sentence per required attachment missing or of a type the call does not
    allow (policy.rd_attachments)."""
    uploaded = [rd_attachments.Uploaded(a.requirement, a.original_name)
                for a in app.attachments.all()]
    out = []
    for kind, req, name in rd_attachments.attachment_problems(
            app.call.attachment_requirements(), uploaded):
        args = {"n": req.name, "t": req.types_label, "f": name}
        out.append(_("缺少申报附件“%(n)s”（%(t)s）") % args if kind == "missing" else
                   _("申报附件“%(n)s”须为 %(t)s 格式，已上传的“%(f)s”不符") % args)
    return out


OTHER_ATTACHMENT_TYPES = rd_attachments.KNOWN_TYPES
MAX_OTHER_ATTACHMENTS = 10


def _editable_application(application: Application, actor: Any) -> Application:
    app = Application.objects.restrict(actor, "change").select_for_update().filter(
        pk=application.pk).first()
    if app is None:
        raise ScopeError()
    if app.status not in EDITABLE:
        raise DomainError(_("只有草稿或退回修改的申报可以上传或删除附件"))
    return app


def _drop_attachment(att: ApplicationAttachment, actor: Any, reason: str) -> None:
    """Delete the row (audited) now and its file once the transaction commits."""
    name = att.file.name
    record_change(actor=actor, action=ChangeRecord.Action.DELETE, obj=att,
                  before=snapshot(att) | {"file": name}, reason=reason)
    att.delete()
    transaction.on_commit(lambda: private_storage.delete(name))


def upload_attachment(*, application: Application, actor: Any, requirement: str,
                      upload: Any) -> ApplicationAttachment:
    """Attach a file to a draft (or returned) application: for one of the call's required
    attachments (a new file replaces the old one) or as a further attachment. The file is
    checked (type allowed by the call, content matching its extension, size) before anything
    is stored; a refused upload leaves the application as it was."""
    if not can(actor, "add", ApplicationAttachment):
        raise PermissionDenied
    requirement = (requirement or "").strip()
    if upload is None:
        raise ValidationError(_("请选择要上传的文件"))
    with transaction.atomic(), delete_on_error() as saved:
        app = _editable_application(application, actor)
        reqs = {r.name: r for r in app.call.attachment_requirements()}
        if requirement and requirement not in reqs:
            raise DomainError(_("申报指南没有要求附件“%(n)s”") % {"n": requirement})
        allowed = reqs[requirement].upload_types if requirement else OTHER_ATTACHMENT_TYPES
        content_type = validate_upload(upload, allowed=allowed)
        if requirement:
            for old in app.attachments.filter(requirement=requirement):
                _drop_attachment(old, actor, _("重新上传“%(n)s”") % {"n": requirement})
        elif app.attachments.filter(requirement="").count() >= MAX_OTHER_ATTACHMENTS:
            raise DomainError(_("其他附件最多 %(n)s 个") % {"n": MAX_OTHER_ATTACHMENTS})
        [att] = save_uploads([(upload, content_type)], model=ApplicationAttachment,
                             owner={"application": app, "requirement": requirement},
                             actor=actor, saved=saved)
    return att


def delete_attachment(*, attachment: ApplicationAttachment, actor: Any) -> None:
    """Remove an attachment of a draft (or returned) application."""
    if not can(actor, "delete", ApplicationAttachment):
        raise PermissionDenied
    with transaction.atomic():
        app = _editable_application(attachment.application, actor)
        att = app.attachments.filter(pk=attachment.pk).first()
        if att is None:
            raise ScopeError()
        _drop_attachment(att, actor, _("删除申报附件"))


def submit_application(*, application: Application, actor: Any,
                       as_of: dt.date | None = None) -> Application:
    """Submit (or resubmit after correction); every broken rule is reported at once and
    nothing changes. The rules are judged on the locked row, inside the step's transaction."""
    with transaction.atomic():
        locked = Application.objects.restrict(actor, "change").select_for_update().filter(
            pk=application.pk).first()
        if locked is None:
            raise ScopeError()
        if locked.status in EDITABLE:
            problems = submit_problems(locked, as_of=as_of or timezone.localdate())
            if problems:
                raise ValidationError(problems)
        return transition(locked, workflow=APPLICATION_FLOW, action="submit", actor=actor)


def take_step(*, application: Application, actor: Any, action: str,
              reason: str = "") -> Application:
    """A step of the flow other than submit and approve (recommend, return, check, …)."""
    if action in ("submit", "approve"):
        raise ValueError(action)
    return transition(application, workflow=APPLICATION_FLOW, action=action, actor=actor,
                      reason=reason)


def approve_application(*, application: Application, actor: Any, reason: str,
                        on: dt.date | None = None) -> Project:
    """Approve (立项): the decision and the new project, with its amounts by source."""
    with transaction.atomic():
        app = transition(application, workflow=APPLICATION_FLOW, action="approve", actor=actor,
                         reason=reason)
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for b in app.budget_lines.all():
            amounts[b.source] += b.amount_yuan
        project = create_object(model=Project, actor=actor, data=dict(
            application=app, programme=app.call.programme, code=f"CZ{app.call.year}-{app.pk:05d}",
            title=app.title, year=app.call.year, level=app.call.programme.level,
            lead=app.lead, county=app.county, pi_name=app.pi_name, team=app.team,
            approved_on=on or timezone.localdate(),
            approved_city_yuan=amounts[Source.CITY],
            approved_province_yuan=amounts[Source.PROVINCE],
            approved_enterprise_yuan=amounts[Source.ENTERPRISE], targets=app.targets),
            reason=_("立项"))
        project.partners.set(app.partners.all())
        plan_funding(project=project, actor=actor)
    return project


def create_project(*, actor: Any, data: dict[str, Any], partners: Sequence[Any] = ()) -> Project:
    """A project entered directly (a historical carry-over); audited like any write."""
    with transaction.atomic():
        data = dict(data)
        data.setdefault("county", data["lead"].county)
        project = create_object(model=Project, actor=actor, data=data)
        project.partners.set(partners)
    return project


# ---- 回避 and draws ------------------------------------------------------------------------

def parties_of(app: Application) -> review_conflicts.ApplicationParties:
    parties = [review_conflicts.Party(app.lead_id, app.lead.name, lead=True)]
    parties += [review_conflicts.Party(p.pk, p.name) for p in app.partners.all()]
    return review_conflicts.ApplicationParties(key=app.pk, call=app.call_id,
                                               parties=tuple(parties), people=app.people())


def expert_profiles(experts: Sequence[Expert], *,
                    call_id: int | None = None) -> dict[int, review_conflicts.ExpertProfile]:
    """The policy's view of each expert, in a fixed number of queries for the whole pool.

    The expert's own projects and applications are those where they are PI or team member
    (by name within their organisation for PI, by name for team members).
    """
    ids = [e.pk for e in experts]
    experts = list(Expert.objects.filter(pk__in=ids).select_related("organisation")
                   .prefetch_related("former_employments__organisation", "relations",
                                     "declarations"))
    names = {e.name for e in experts}
    projects_by_name: dict[str, list[Project]] = defaultdict(list)
    for p in Project.objects.filter(Q(pi_name__in=names) | Q(team__regex=r".")).prefetch_related(
            "partners").only("title", "pi_name", "team", "lead_id", "ends_on"):
        people = {p.pi_name, *[n.strip() for n in p.team.splitlines() if n.strip()]}
        for name in people & names:
            projects_by_name[name].append(p)
    own_calls: dict[str, set[int]] = defaultdict(set)
    if call_id is not None:
        for a in Application.objects.filter(call_id=call_id).only("pi_name", "team", "call_id"):
            for name in a.people() & names:
                own_calls[name].add(a.call_id)
    out = {}
    for e in experts:
        out[e.pk] = review_conflicts.ExpertProfile(
            key=e.pk, name=e.name, organisation=e.organisation_id,
            organisation_name=e.organisation.name if e.organisation else "",
            former_employers=tuple(review_conflicts.Employment(f.organisation_id,
                                                               f.organisation.name, f.ended)
                                   for f in e.former_employments.all()),
            projects=tuple(review_conflicts.PastProject(
                p.title, frozenset({p.lead_id, *(x.pk for x in p.partners.all())}),
                frozenset({p.pi_name, *[n.strip() for n in p.team.splitlines() if n.strip()]})
                - {e.name}, p.ends_on) for p in projects_by_name[e.name]),
            relations=tuple(review_conflicts.Relation(r.organisation_id, r.person, r.note)
                            for r in e.relations.all()),
            own_calls=frozenset(own_calls[e.name]),
            declared=frozenset(d.application_id for d in e.declarations.all()),
            declared_notes={d.application_id: d.note for d in e.declarations.all()})
    return out


def conflicts_of(expert: Expert, app: Application, *,
                 as_of: dt.date) -> list[review_conflicts.Conflict]:
    profile = expert_profiles([expert], call_id=app.call_id)[expert.pk]
    return review_conflicts.find_conflicts(profile, parties_of(app), as_of=as_of,
                                           years=CONFLICT_YEARS)


def _pool_conflicts(profiles: dict[int, review_conflicts.ExpertProfile],
                    parties: review_conflicts.ApplicationParties, *,
                    as_of: dt.date) -> dict[int, list[review_conflicts.Conflict]]:
    """The pool's conflicts with the parties: the index finds who, find_conflicts says why."""
    index = review_conflicts.ConflictIndex(list(profiles.values()), as_of=as_of,
                                           years=CONFLICT_YEARS)
    return review_conflicts.conflicts_in_pool(profiles, parties, index, as_of=as_of,
                                              years=CONFLICT_YEARS)


def run_draw(*, application: Application, actor: Any, size: int, reserves: int = 2,
             titles: Sequence[str] = (), max_load: int | None = None, seed: int | None = None,
             as_of: dt.date | None = None, overrides: dict[int, str] | None = None,
             kind: str = ReviewKind.TECHNICAL) -> Draw:
    """Draw a review group for an application with computed 回避, and record it.

    ``kind`` is the group's: the technical group is drawn on the call's fields, the budget
    group (财务评审) on the call's budget-review fields (财务, 会计 …) and only when the call
    has budget criteria; an application has at most one live group of each kind.

    The pool is every available expert; conflicted experts are recused (they never see the
    application), everyone left out is recorded with the reasons, members are invited and
    reserves wait. Only while the application is checked or under review.

    ``overrides`` (expert id → reason) lets staff keep an expert despite a computed conflict;
    each needs a reason, which the draw's record and its audit entry keep.
    """
    if not can(actor, "add", Draw):
        raise PermissionDenied
    if kind not in ReviewKind.values:
        raise DomainError(_("评审类型无效"), field="kind")
    overrides = {int(k): (v or "").strip() for k, v in (overrides or {}).items()}
    if any(not reason for reason in overrides.values()):
        raise DomainError(_("解除回避须逐一填写理由"), field="overrides")
    as_of = as_of or timezone.localdate()
    seed = secrets.randbits(62) if seed is None else seed
    with transaction.atomic():
        app = Application.objects.restrict(actor, "approve").select_for_update().filter(
            pk=application.pk).first()
        if app is None:
            raise ScopeError()
        if app.status not in ("checked", "reviewing"):
            raise DomainError(_("形式审查通过后才能抽取评审专家"))
        call = app.call
        if kind == ReviewKind.BUDGET and not call.has_budget_review:
            raise DomainError(_("该指南未设财务评审指标，不能抽取财务评审专家"))
        if app.assignments.filter(draw__kind=kind, status__in=("invited", "accepted")).exists():
            raise DomainError(_("该申报已有%(kind)s专家组，如需重新抽取请先处理现有任务") % {
                "kind": ReviewKind(kind).label})
        pool = list(Expert.objects.order_by("pk"))
        profiles = expert_profiles(pool, call_id=call.pk)
        parties = parties_of(app)
        load: dict[int, int] = defaultdict(int)
        for eid in ReviewAssignment.objects.filter(
                application__call=call, status__in=("invited", "accepted")).values_list(
                "expert_profile_id", flat=True):
            load[eid] += 1
        found = _pool_conflicts(profiles, parties, as_of=as_of)
        candidates = [expert_draw.Candidate(
            e.pk, e.field_set(), e.title, e.available, load[e.pk],
            tuple(found.get(e.pk, ()))) for e in pool]
        # one expert, one group per application: a member or waiting reserve of the other
        # kind's group is left out of this draw (recorded with the reason, replayed alike)
        other_group = dict(app.assignments.exclude(draw__kind=kind).filter(
            status__in=OTHER_GROUP_STATUSES).values_list("expert_profile_id", "draw__kind"))
        fields = call.budget_field_set() if kind == ReviewKind.BUDGET else call.field_set()
        rules = expert_draw.DrawRules(size=size, reserves=reserves, fields=fields,
                                      titles=frozenset(titles), max_load=max_load,
                                      overrides=frozenset(overrides))
        result = expert_draw.draw([c for c in candidates if c.key not in other_group],
                                  rules, seed)
        if len(result.members) < size:
            raise DomainError(_("符合条件的专家只有 %(n)s 位，不足 %(size)s 位，未抽取") % {
                "n": len(result.members), "size": size})
        record = Draw(application=app, seed=seed, drawn_by=actor, kind=kind,
                      rules={"kind": kind, "size": size, "reserves": reserves,
                             "fields": sorted(rules.fields), "titles": sorted(rules.titles),
                             "max_load": max_load, "as_of": as_of.isoformat(),
                             "years": CONFLICT_YEARS,
                             "overrides": {str(k): v for k, v in overrides.items()},
                             "other_group": {str(k): v for k, v in other_group.items()}},
                      pool=[{"expert_id": c.key, "fields": sorted(c.fields), "title": c.title,
                             "available": c.available, "load": c.load} for c in candidates],
                      members=list(result.members), reserves=list(result.reserves),
                      rule_version=expert_draw.RULE_VERSION)
        record.full_clean()
        record.save()
        overridden = [c for c in candidates if c.key in overrides and c.conflicts]
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=record,
                      after=snapshot(record), reason="；".join(
                          _("解除回避：%(who)s（%(why)s）") % {
                              "who": by_pk_name(pool, c.key), "why": overrides[c.key]}
                          for c in overridden))
        by_pk = {e.pk: e for e in pool}
        for ex in result.exclusions:
            DrawExclusion.objects.create(draw=record, expert_profile_id=ex.key,
                                         reasons=list(ex.reasons),
                                         conflicted=bool(ex.conflicts))
            if ex.conflicts:
                Recusal.objects.update_or_create(
                    application=app, expert_profile_id=ex.key,
                    defaults={"conflicts": [c.to_dict() for c in ex.conflicts]})
        for key, other in sorted(other_group.items()):
            DrawExclusion.objects.create(draw=record, expert_profile_id=key, reasons=[
                _("已在本申报的%(kind)s专家组") % {"kind": ReviewKind(other).label}])
        rank = 0
        for key in result.members:
            rank += 1
            ReviewAssignment.objects.create(draw=record, application=app, expert_profile_id=key,
                                            reviewer=by_pk[key].user, rank=rank,
                                            status=ReviewAssignment.Status.INVITED)
        for key in result.reserves:
            rank += 1
            ReviewAssignment.objects.create(draw=record, application=app, expert_profile_id=key,
                                            rank=rank, status=ReviewAssignment.Status.RESERVE)
        if app.status == "checked":
            transition(app, workflow=APPLICATION_FLOW, action="start_review", actor=actor)
    return record


def by_pk_name(pool: Sequence[Expert], pk: int) -> str:
    return next((e.name for e in pool if e.pk == pk), str(pk))


def replay_draw(draw: Draw) -> expert_draw.DrawResult:
    """Run a recorded draw again from its snapshot (conflicts from its exclusions)."""
    conflicted = {x.expert_profile_id: x.reasons for x in draw.exclusions.filter(conflicted=True)}
    rules = draw.rules
    other_group = {int(k) for k in rules.get("other_group", {})}
    pool = [expert_draw.Candidate(
        p["expert_id"], frozenset(p["fields"]), p["title"], p["available"], p["load"],
        tuple(review_conflicts.Conflict(review_conflicts.SELF_DECLARED, r)
              for r in conflicted.get(p["expert_id"], ()))) for p in draw.pool
        if p["expert_id"] not in other_group]
    return expert_draw.draw(pool, expert_draw.DrawRules(
        size=rules["size"], reserves=rules["reserves"], fields=frozenset(rules["fields"]),
        titles=frozenset(rules["titles"]), max_load=rules["max_load"],
        overrides=frozenset(int(k) for k in rules.get("overrides", {}))), draw.seed)


def _own_assignment(assignment: ReviewAssignment, actor: Any) -> ReviewAssignment:
    locked = ReviewAssignment.objects.restrict(actor, "change").select_related(
        "application__call").select_for_update().filter(
        pk=assignment.pk).first()
    if locked is None:
        raise ScopeError()
    return locked


def accept_assignment(*, assignment: ReviewAssignment, actor: Any) -> ReviewAssignment:
    return transition(assignment, workflow=ASSIGNMENT_FLOW, action="accept", actor=actor)


def decline_assignment(*, assignment: ReviewAssignment, actor: Any,
                       reason: str = "") -> ReviewAssignment | None:
    """The expert declines; the first waiting reserve is invited in their place (returned)."""
    with transaction.atomic():
        a = transition(assignment, workflow=ASSIGNMENT_FLOW, action="decline", actor=actor,
                       reason=reason)
        draw = Draw.objects.select_for_update().get(pk=a.draw_id)
        state = expert_draw.DrawResult(seed=draw.seed, members=tuple(draw.members),
                                       reserves=tuple(draw.reserves), exclusions=(), pool=())
        after = expert_draw.decline(state, a.expert_profile_id)
        substitute_id = after.substitutions[-1][1]
        d_before = snapshot(draw)
        draw.members, draw.reserves = list(after.members), list(after.reserves)
        draw.substitutions = [*draw.substitutions, {
            "declined": a.expert_profile_id, "substitute": substitute_id, "reason": reason,
            "at": timezone.now().isoformat()}]
        draw.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=draw,
                      before=d_before, after=snapshot(draw), reason=_("专家谢绝，递补替补专家"))
        if substitute_id is None:
            return None
        sub = ReviewAssignment.objects.select_related("expert_profile").get(draw=draw,
                                                                     expert_profile_id=substitute_id)
        before = snapshot(sub)
        # the reserve's place becomes live: a consequence of the draw, recorded on it above
        ReviewAssignment.objects.filter(pk=sub.pk, status=ReviewAssignment.Status.RESERVE
                                        ).update(status=ReviewAssignment.Status.INVITED,
                                                 reviewer=sub.expert_profile.user)
        sub.refresh_from_db()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=sub, before=before,
                      after=snapshot(sub), reason=_("替补递补"))
        return sub


def submit_review(*, assignment: ReviewAssignment, actor: Any, scores: dict[str, Any],
                  opinion: str) -> Review:
    """An expert's score sheet: every criterion of the group's kind (technical or budget)
    scored 0–100, an opinion; once."""
    if not can(actor, "add", Review):
        raise PermissionDenied
    with transaction.atomic():
        a = _own_assignment(assignment, actor)
        if a.status != ReviewAssignment.Status.ACCEPTED:
            raise DomainError(_("请先接受评审任务"))
        if Review.objects.filter(assignment=a).exists():
            raise DomainError(_("已提交过评审意见"))
        criteria = a.application.call.criteria_list(a.draw.kind) or [
            (str(_("综合评价")), Decimal(1))]
        errors, clean = [], {}
        for name, _weight in criteria:
            try:
                value = Decimal(str(scores.get(name, "")).strip())
            except ArithmeticError:
                value = None
            if value is None or not Decimal(0) <= value <= Decimal(100):
                errors.append(_("“%(c)s”的得分须为 0–100 之间的数") % {"c": name})
            else:
                clean[name] = str(value)
        if not opinion.strip():
            errors.append(_("请填写评审意见"))
        if errors:
            raise ValidationError(errors)
        weight_sum = sum((w for _n, w in criteria), Decimal(0))
        total = (sum((Decimal(clean[n]) * w for n, w in criteria), Decimal(0))
                 / weight_sum).quantize(CENT)
        review = Review(assignment=a, scores=clean, total=total, opinion=opinion.strip())
        review.full_clean()
        review.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=review,
                      after=snapshot(review))
    return review


# ---- funding plan and the disbursement ledger ----------------------------------------------

FEN = Decimal(100)


def _fen(yuan: Decimal) -> int:
    return int((yuan * FEN).to_integral_value())


def approved_by_source(project: Project) -> dict[str, Decimal]:
    return {Source.CITY: project.approved_city_yuan,
            Source.PROVINCE: project.approved_province_yuan,
            Source.ENTERPRISE: project.approved_enterprise_yuan}


def plan_funding(*, project: Project, actor: Any,
                 plan: Sequence[rd_funding.PlannedInstalment] | None = None,
                 first_pct: int = 60) -> list[Instalment]:
    """Set a project's funding plan: one ``FundingSource`` per source with money approved, and
    its instalments (default: ``first_pct`` % at signing, the rest after the mid-term check).

    Every source's instalments must add up to its approved amount. A plan can be replaced only
    while nothing has been paid from it.
    """
    if not can(actor, "add", FundingSource):
        raise PermissionDenied
    approved = {s: _fen(v) for s, v in approved_by_source(project).items()}
    plan = list(plan) if plan is not None else rd_funding.default_plan(approved,
                                                                       first_pct=first_pct)
    labels = dict(Source.choices)
    problems = []
    for kind, source, expected, actual in rd_funding.plan_problems(approved, plan):
        label = labels.get(source, source)
        if kind == "sum":
            problems.append(_("%(src)s各批次合计 %(act)s 元，与批准金额 %(exp)s 元不一致") % {
                "src": label, "act": _yuan(Decimal(actual) / FEN),
                "exp": _yuan(Decimal(expected) / FEN)})
        elif kind == "amount":
            problems.append(_("%(src)s的批次金额须大于零") % {"src": label})
        elif kind == "condition":
            problems.append(_("%(src)s第%(n)s批的拨付条件无效") % {"src": label, "n": actual})
        else:
            problems.append(_("%(src)s没有批准金额，不能安排拨付") % {"src": label})
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Project.objects.restrict(actor, "change").select_for_update().filter(
            pk=project.pk).first()
        if locked is None:
            raise ScopeError()
        if Disbursement.objects.filter(project=locked).exists():
            raise DomainError(_("已有拨付记录，拨付计划不能再修改"))
        before = {"plan": _plan_snapshot(locked)}
        Instalment.objects.filter(funding__project=locked).delete()
        FundingSource.objects.filter(project=locked).delete()
        sources = {}
        for source, fen in approved.items():
            if fen > 0:
                sources[source] = FundingSource.objects.create(
                    project=locked, source=source, approved_fen=fen)
        out = [Instalment.objects.create(funding=sources[i.source], seq=i.seq,
                                         condition=i.condition, amount_fen=i.amount_fen)
               for i in sorted(plan, key=lambda i: (i.source, i.seq))]
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after={"plan": _plan_snapshot(locked)},
                      reason=_("拨付计划"))
    return out


def _plan_snapshot(project: Project) -> list[str]:
    return [f"{i.funding.source}#{i.seq}:{i.condition}={i.amount_fen}"
            for i in Instalment.objects.filter(funding__project=project).select_related(
                "funding").order_by("funding__source", "seq")]


def sign_contract(*, project: Project, actor: Any, on: dt.date | None = None) -> Project:
    """The task contract (任务书) is signed: the first instalments are released."""
    if project.contract_signed_on:
        raise DomainError(_("任务书已于 %(d)s 签订") % {"d": project.contract_signed_on})
    with transaction.atomic():
        signed = update_object(obj=project, actor=actor,
                               data={"contract_signed_on": on or timezone.localdate()},
                               reason=_("任务书签订"))
        plan_reports(project=signed, actor=actor)
    return signed


def disburse(*, instalment: Instalment, actor: Any, amount_yuan: Decimal,
             paid_on: dt.date | None = None, voucher_no: str = "",
             note: str = "") -> Disbursement:
    """Pay from an instalment: never more than what is left of it or of its source.

    The ceilings are enforced by conditional updates (``UPDATE … WHERE paid + amount <=
    approved``) on the source and then the instalment, in that order for every payer, inside
    one transaction, backed by check constraints — so parallel requests from any number of
    connections can never pay more than approved; a refused one writes nothing.
    """
    if not can(actor, "add", Disbursement):
        raise PermissionDenied
    try:
        amount = Decimal(amount_yuan).quantize(CENT)
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise DomainError(_("拨付金额须为数字"), field="amount_yuan") from exc
    fen = _fen(amount)
    if fen <= 0:
        raise DomainError(_("拨付金额须大于零"), field="amount_yuan")
    with transaction.atomic():
        inst = (Instalment.objects.restrict(actor, "change").select_related("funding__project")
                .filter(pk=instalment.pk).first())
        if inst is None:
            raise ScopeError()
        funding, project = inst.funding, inst.funding.project
        if not rd_funding.released(inst.condition, signed=bool(project.contract_signed_on),
                                   midterm_passed=bool(project.midterm_passed_on),
                                   accepted=project.stage == Project.Stage.ACCEPTED):
            raise DomainError(_("%(inst)s的拨付条件（%(cond)s）尚未满足") % {
                "inst": inst, "cond": inst.get_condition_display()})
        if project.stage == Project.Stage.TERMINATED:
            raise DomainError(_("项目已终止，不能拨付"))
        n = FundingSource.objects.filter(
            pk=funding.pk, paid_fen__lte=F("approved_fen") - fen).update(
            paid_fen=F("paid_fen") + fen)
        if n == 0:
            funding.refresh_from_db()
            raise DomainError(_("%(src)s剩余可拨付 %(left)s 元，不足 %(amt)s 元，未拨付") % {
                "src": funding.get_source_display(), "left": _yuan(funding.remaining_yuan),
                "amt": _yuan(amount)}, field="amount_yuan")
        n = Instalment.objects.filter(
            pk=inst.pk, paid_fen__lte=F("amount_fen") - fen).update(
            paid_fen=F("paid_fen") + fen)
        if n == 0:
            inst.refresh_from_db()
            # raising undoes the source's increment above with the transaction
            raise DomainError(_("%(inst)s剩余可拨付 %(left)s 元，不足 %(amt)s 元，未拨付") % {
                "inst": inst, "left": _yuan(inst.remaining_yuan), "amt": _yuan(amount)},
                field="amount_yuan")
        row = Disbursement(project=project, instalment=inst, source=funding.source,
                           amount_fen=fen, paid_on=paid_on or timezone.localdate(),
                           voucher_no=voucher_no.strip(), note=note.strip(), paid_by=actor)
        row.full_clean()
        row.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=row,
                      after=snapshot(row), reason=_("拨付"))
    return row



# ---- progress reports and the mid-term check ----------------------------------------------

REPORT_FILES = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")


def _owned_project(project: Project, actor: Any) -> Project:
    """The project re-read in the actor's scope: its own organisation, or the city."""
    locked = Project.objects.restrict(actor, "view").select_for_update().filter(
        pk=project.pk).first()
    if locked is None:
        raise ScopeError()
    return locked


def file_report(*, project: Project, actor: Any, kind: str, period: str, summary: str,
                spent_yuan: Decimal | None = None, evidence: Any = None) -> ProgressReport:
    """A progress or mid-term report with its evidence file (required for the mid-term)."""
    if not can(actor, "add", ProgressReport):
        raise PermissionDenied
    errors = []
    if not period.strip():
        errors.append(_("请填写报告期"))
    if not summary.strip():
        errors.append(_("请填写进展情况"))
    if kind == ProgressReport.Kind.MIDTERM and evidence is None:
        errors.append(_("中期检查须上传佐证材料"))
    if evidence is not None:
        try:
            validate_upload(evidence, allowed=REPORT_FILES)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), delete_on_error() as saved:
        locked = _owned_project(project, actor)
        if locked.stage in (Project.Stage.ACCEPTED, Project.Stage.TERMINATED):
            raise DomainError(_("项目已结束，不再提交进展报告"))
        if kind == ProgressReport.Kind.MIDTERM and locked.midterm_passed_on:
            raise DomainError(_("中期检查已通过"))
        report = ProgressReport(project=locked, kind=kind, period=period.strip(),
                                summary=summary.strip(), spent_yuan=spent_yuan or Decimal(0),
                                submitted_by=actor)
        if evidence is not None:
            report.evidence_name = evidence.name[:200]
            report.evidence.save(evidence.name, evidence, save=False)
            saved.append(report.evidence.name)
        report.full_clean()
        report.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=report,
                      after=snapshot(report) | {"evidence": report.evidence.name})
        due = (ReportDue.objects.select_for_update().filter(
            project=locked, kind=kind, report__isnull=True).order_by("due_on", "pk").first())
        if due is not None:  # the earliest report still owed of this kind is now filed
            ReportDue.objects.filter(pk=due.pk).update(report=report)
        if kind == ProgressReport.Kind.MIDTERM and locked.stage == Project.Stage.RUNNING:
            before = snapshot(locked)
            Project.objects.filter(pk=locked.pk).update(stage=Project.Stage.MIDTERM)
            locked.refresh_from_db()
            record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                          before=before, after=snapshot(locked), reason=_("提交中期检查材料"))
    return report


def check_midterm(*, report: ProgressReport, actor: Any, passed: bool, note: str,
                  on: dt.date | None = None) -> ProgressReport:
    """The city's mid-term check; passing releases the instalments after the mid-term."""
    if not can(actor, "approve", ProgressReport):
        raise PermissionDenied
    if not note.strip():
        raise DomainError(_("请填写检查意见"), field="note")
    if report.kind != ProgressReport.Kind.MIDTERM:
        raise DomainError(_("只有中期报告需要检查"))
    with transaction.atomic():
        locked = transition(report, workflow=MIDTERM_FLOW, action="pass" if passed else "fail",
                            actor=actor, reason=note)
        data: dict[str, Any] = {"stage": Project.Stage.RUNNING}
        if passed:
            data["midterm_passed_on"] = on or timezone.localdate()
        update_object(obj=locked.project, actor=actor, data=data,
                      reason=_("中期检查通过") if passed else _("中期检查未通过"))
    return locked


# ---- the report schedule and its reminders --------------------------------------------------

def plan_reports(*, project: Project, actor: Any) -> int:
    """Record the reports the project owes (policy.rd_reports) from its contract (or its
    approval) to its planned end; the ones already recorded are kept. Returns how many were
    added (audited)."""
    if not can(actor, "add", ReportDue):
        raise PermissionDenied
    start = project.contract_signed_on or project.approved_on
    with transaction.atomic():
        have = set(ReportDue.objects.filter(project=project).values_list("kind", "period"))
        new = [ReportDue(project=project, kind=d.kind, period=d.period, due_on=d.due_on)
               for d in rd_reports.report_schedule(start, project.ends_on)
               if (d.kind, d.period) not in have]
        if new:
            ReportDue.objects.bulk_create(new)
            record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=project,
                          before={"report_dues": sorted(f"{k}:{p}" for k, p in have)},
                          after={"report_dues": sorted(
                              [f"{k}:{p}" for k, p in have]
                              + [f"{d.kind}:{d.period}" for d in new])},
                          reason=_("生成报告计划"))
    return len(new)


OPEN_STAGES = (Project.Stage.RUNNING, Project.Stage.MIDTERM)


def send_report_reminders(*, today: dt.date, days_before: int = rd_reports.DAYS_BEFORE) -> int:
    """Tell the project's organisation (its enterprise users) and the county's staff about
    each report still owed: ``days_before`` days before the due date, on it, and once it is
    overdue — one notice per report, stage and recipient, however often this runs (the
    notice's dedupe key). Only running projects. Returns the notices created."""
    from kechuang.accounts.access import county_staff, enterprise_users
    from kechuang.notices.models import Notice
    from kechuang.notices.services import notify

    dues = list(ReportDue.objects.filter(
        report__isnull=True, due_on__lte=today + dt.timedelta(days=days_before),
        project__stage__in=OPEN_STAGES).select_related("project").order_by("due_on", "pk"))
    if not dues:
        return 0
    users_by_org: dict[int, set[int]] = defaultdict(set)
    for pk, org in enterprise_users({d.project.lead_id for d in dues}).values_list(
            "pk", "organisation_id"):
        users_by_org[org].add(pk)
    staff_by_county: dict[int, set[int]] = defaultdict(set)
    for pk, county in county_staff({d.project.county_id for d in dues}).values_list(
            "pk", "county_id"):
        staff_by_county[county].add(pk)
    titles = {
        "before": _("项目报告即将到期：%(p)s · %(r)s（应于 %(d)s 前提交）"),
        "due": _("项目报告今日到期：%(p)s · %(r)s（应于 %(d)s 提交）"),
        "overdue": _("项目报告已逾期：%(p)s · %(r)s（应于 %(d)s 提交）"),
    }
    sent = 0
    for d in dues:
        stage = rd_reports.reminder_stage(d.due_on, today, days_before=days_before)
        if stage is None:
            continue
        recipients = users_by_org[d.project.lead_id] | staff_by_county[d.project.county_id]
        sent += notify(
            recipients=recipients, url=d.get_absolute_url(),
            title=titles[stage] % {"p": d.project.title, "d": d.due_on.isoformat(),
                                   "r": f"{d.get_kind_display()}（{d.period}）"},
            body=_("请在项目页面提交进展报告或中期检查材料。"),
            level=Notice.Level.WARNING if stage == "overdue" else Notice.Level.INFO,
            dedupe_key=f"projects:report:{d.pk}:{d.due_on}:{stage}")
    return sent


@daily("projects.report_reminders")
def _scheduled_report_reminders(today: dt.date) -> str:
    return f"科技项目报告提醒 {send_report_reminders(today=today)} 条"


# ---- change requests -----------------------------------------------------------------------

def project_budget(project: Project) -> dict[tuple[str, str], int]:
    """The approved budget (source, category) → fen: the application's cells with every
    approved reallocation applied. A carry-over entered without an application has none."""
    budget: dict[tuple[str, str], int] = defaultdict(int)
    if project.application_id:
        for b in BudgetLine.objects.filter(application_id=project.application_id):
            budget[(b.source, b.category)] += _fen(b.amount_yuan)
    moves = [m for c in ChangeRequest.objects.filter(
        project=project, kind=ChangeRequest.Kind.BUDGET, status=ChangeRequest.Status.APPROVED)
        .order_by("pk") for m in _moves(c.moves)]
    return rd_funding.apply_moves(budget, moves)


def _moves(raw: Iterable[dict[str, Any]]) -> list[rd_funding.Move]:
    out = []
    for m in raw:
        try:
            out.append(rd_funding.Move(str(m["source"]), str(m["from"]), str(m["to"]),
                                       _fen(Decimal(str(m["yuan"])))))
        except (KeyError, ArithmeticError, ValueError) as exc:
            raise DomainError(_("调剂明细格式有误")) from exc
    return out


def _moved_so_far(project: Project) -> dict[str, int]:
    moved: dict[str, int] = defaultdict(int)
    for c in ChangeRequest.objects.filter(project=project, kind=ChangeRequest.Kind.BUDGET,
                                          status=ChangeRequest.Status.APPROVED):
        for m in _moves(c.moves):
            moved[m.source] += m.amount_fen
    return moved


def reallocation_messages(project: Project, moves: list[rd_funding.Move]) -> list[str]:
    labels, cats = dict(Source.choices), dict(Category.choices)
    out = []
    for kind, source, category, fen in rd_funding.reallocation_problems(
            project_budget(project), moves, already_moved=_moved_so_far(project)):
        args = {"src": labels.get(source, source), "cat": cats.get(category, category),
                "yuan": _yuan(Decimal(fen) / FEN),
                "pct": rd_funding.MAX_REALLOCATION_PCT}
        out.append({
            "empty": _("请填写调剂明细"),
            "amount": _("调剂金额须大于零，且调出与调入科目不能相同"),
            "fixed": _("%(cat)s不得通过调剂调增") % args,
            "negative": _("%(src)s的%(cat)s调剂后将少于零（差 %(yuan)s 元）") % args,
            "limit": _("%(src)s累计调剂超过该来源预算的 %(pct)s%%（上限 %(yuan)s 元）") % args,
        }[kind])
    return out


def request_change(*, project: Project, actor: Any, kind: str, reason: str,
                   new_pi_name: str = "", new_ends_on: dt.date | None = None,
                   moves: Sequence[dict[str, Any]] = ()) -> ChangeRequest:
    """File a change request; every problem is listed at once and nothing is written."""
    if not can(actor, "add", ChangeRequest):
        raise PermissionDenied
    with transaction.atomic():
        locked = _owned_project(project, actor)
        errors = []
        if not reason.strip():
            errors.append(_("请填写变更理由"))
        if locked.stage in (Project.Stage.ACCEPTED, Project.Stage.TERMINATED):
            errors.append(_("项目已结束，不能申请变更"))
        if ChangeRequest.objects.filter(project=locked, kind=kind,
                                        status=ChangeRequest.Status.SUBMITTED).exists():
            errors.append(_("已有同类变更申请待审核"))
        if kind == ChangeRequest.Kind.PI:
            if not new_pi_name.strip() or new_pi_name.strip() == locked.pi_name:
                errors.append(_("请填写新的项目负责人"))
        elif kind == ChangeRequest.Kind.EXTENSION:
            if new_ends_on is None or (locked.ends_on and new_ends_on <= locked.ends_on):
                errors.append(_("延期日期须晚于计划完成日期"))
            elif locked.ends_on and new_ends_on > locked.ends_on.replace(
                    year=locked.ends_on.year + 1):
                errors.append(_("一次延期不超过一年"))
        elif kind == ChangeRequest.Kind.BUDGET:
            if not locked.application_id:
                errors.append(_("该项目没有立项预算明细，不能调剂"))
            else:
                errors.extend(reallocation_messages(locked, _moves(moves)))
        else:
            errors.append(_("变更类型无效"))
        if errors:
            raise ValidationError(errors)
        change = create_object(model=ChangeRequest, actor=actor, data=dict(
            project=locked, kind=kind, reason=reason.strip(), new_pi_name=new_pi_name.strip(),
            new_ends_on=new_ends_on, moves=list(moves), submitted_by=actor))
    return change


def decide_change(*, change: ChangeRequest, actor: Any, approve: bool,
                  reason: str) -> ChangeRequest:
    """The city decides; an approval writes the change onto the project (audited), with the
    budget rules checked again against what was approved in the meantime."""
    with transaction.atomic():
        done = transition(change, workflow=CHANGE_FLOW, action="approve" if approve else "reject",
                          actor=actor, reason=reason)
        if not approve:
            return done
        project = Project.objects.select_for_update().get(pk=done.project_id)
        if done.kind == ChangeRequest.Kind.PI:
            update_object(obj=project, actor=actor, data={"pi_name": done.new_pi_name},
                          reason=_("变更项目负责人"))
        elif done.kind == ChangeRequest.Kind.EXTENSION:
            update_object(obj=project, actor=actor, data={"ends_on": done.new_ends_on},
                          reason=_("项目延期"))
        else:
            # this request is already counted as approved: judge it against the others
            others = ChangeRequest.objects.filter(
                project=project, kind=ChangeRequest.Kind.BUDGET,
                status=ChangeRequest.Status.APPROVED).exclude(pk=done.pk)
            budget: dict[tuple[str, str], int] = defaultdict(int)
            if project.application_id:
                for b in BudgetLine.objects.filter(application_id=project.application_id):
                    budget[(b.source, b.category)] += _fen(b.amount_yuan)
            earlier = [m for c in others.order_by("pk") for m in _moves(c.moves)]
            moved: dict[str, int] = defaultdict(int)
            for m in earlier:
                moved[m.source] += m.amount_fen
            problems = rd_funding.reallocation_problems(
                rd_funding.apply_moves(budget, earlier), _moves(done.moves),
                already_moved=moved)
            if problems:
                raise DomainError(_("其他调剂已获批，本次调剂超出限额，请退回重新申请"))
    return done


# ---- acceptance (验收) ----------------------------------------------------------------------

def apply_for_acceptance(*, project: Project, actor: Any, evaluation: Sequence[dict[str, Any]],
                         audit_report: Any) -> Acceptance:
    """The project's organisation applies: each 考核指标 with what was achieved and whether it
    was met, and the financial audit report."""
    if not can(actor, "add", Acceptance):
        raise PermissionDenied
    with transaction.atomic(), delete_on_error() as saved:
        locked = _owned_project(project, actor)
        errors = []
        if locked.stage in (Project.Stage.ACCEPTED, Project.Stage.TERMINATED):
            errors.append(_("项目已结束"))
        if Acceptance.objects.filter(project=locked).exists():
            errors.append(_("已申请验收"))
        rows = {str(e.get("target", "")).strip(): e for e in evaluation}
        clean = []
        for target in locked.target_list():
            e = rows.get(target)
            if e is None or not str(e.get("achieved", "")).strip():
                errors.append(_("请填写考核指标“%(t)s”的完成情况") % {"t": target})
                continue
            clean.append({"target": target, "achieved": str(e["achieved"]).strip()[:500],
                          "met": bool(e.get("met"))})
        if not locked.target_list():
            errors.append(_("项目没有考核指标，请先由市科技局补录"))
        if audit_report is None:
            errors.append(_("请上传财务审计报告"))
        else:
            try:
                validate_upload(audit_report, allowed=("pdf",))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        acc = Acceptance(project=locked, self_evaluation=clean, submitted_by=actor,
                         audit_report_name=audit_report.name[:200])
        acc.audit_report.save(audit_report.name, audit_report, save=False)
        saved.append(acc.audit_report.name)
        acc.full_clean()
        acc.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=acc,
                      after=snapshot(acc) | {"audit_report": acc.audit_report.name})
        before = snapshot(locked)
        Project.objects.filter(pk=locked.pk).update(stage=Project.Stage.ACCEPTANCE)
        locked.refresh_from_db()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=snapshot(locked), reason=_("申请验收"))
    return acc


def project_parties(project: Project) -> review_conflicts.ApplicationParties:
    """A project's parties for 回避, like an application's (no call: no own application)."""
    parties = [review_conflicts.Party(project.lead_id, project.lead.name, lead=True)]
    parties += [review_conflicts.Party(p.pk, p.name) for p in project.partners.all()]
    people = frozenset([project.pi_name, *[n.strip() for n in project.team.splitlines()
                                           if n.strip()]])
    return review_conflicts.ApplicationParties(key=-project.pk, call=None,
                                               parties=tuple(parties), people=people)


def draw_acceptance_group(*, acceptance: Acceptance, actor: Any, size: int = 3,
                          reserves: int = 2, seed: int | None = None,
                          as_of: dt.date | None = None) -> Acceptance:
    """Draw the acceptance group with the review draw's rules (policy.expert_draw): the same
    回避, a stored seed and every exclusion with its reasons, so it can be re-run. Members
    are invited (an acceptance task each, on their own pages), reserves wait."""
    if not can(actor, "approve", Acceptance):
        raise PermissionDenied
    as_of = as_of or timezone.localdate()
    seed = secrets.randbits(62) if seed is None else seed
    with transaction.atomic():
        acc = Acceptance.objects.restrict(actor, "approve").select_for_update().select_related(
            "project__lead").filter(pk=acceptance.pk).first()
        if acc is None:
            raise ScopeError()
        if acc.conclusion:
            raise DomainError(_("已作出验收结论"))
        # a redraw (the same seed gives the same group) is allowed until an expert answers
        if acc.tasks.filter(status__in=(AcceptanceTask.Status.ACCEPTED,
                                        AcceptanceTask.Status.DECLINED)).exists():
            raise DomainError(_("已有专家回复验收任务，不能重新抽取"))
        acc.tasks.all().delete()
        project = acc.project
        fields = project.application.call.field_set() if project.application_id else \
            frozenset()
        pool = list(Expert.objects.order_by("pk"))
        profiles = expert_profiles(pool)
        parties = project_parties(project)
        found = _pool_conflicts(profiles, parties, as_of=as_of)
        candidates = [expert_draw.Candidate(
            e.pk, e.field_set(), e.title, e.available, 0,
            tuple(found.get(e.pk, ()))) for e in pool]
        result = expert_draw.draw(candidates, expert_draw.DrawRules(
            size=size, reserves=reserves, fields=fields), seed)
        if len(result.members) < size:
            raise DomainError(_("符合条件的专家只有 %(n)s 位，不足 %(size)s 位，未抽取") % {
                "n": len(result.members), "size": size})
        before = snapshot(acc)
        acc.seed, acc.group, acc.reserves = seed, list(result.members), list(result.reserves)
        acc.exclusions = [{"expert_id": x.key, "reasons": list(x.reasons),
                           "conflicted": bool(x.conflicts)} for x in result.exclusions
                          if x.conflicts]
        acc.drawn_by, acc.drawn_at = actor, timezone.now()
        acc.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=acc, before=before,
                      after=snapshot(acc), reason=_("抽取验收专家组"))
        by_pk = {e.pk: e for e in pool}
        rank = 0
        for key in result.members:
            rank += 1
            AcceptanceTask.objects.create(acceptance=acc, expert_profile_id=key, rank=rank,
                                          reviewer=by_pk[key].user,
                                          status=AcceptanceTask.Status.INVITED)
        for key in result.reserves:
            rank += 1
            AcceptanceTask.objects.create(acceptance=acc, expert_profile_id=key, rank=rank,
                                          status=AcceptanceTask.Status.RESERVE)
    return acc


def _refuse_if_conflicted(task: AcceptanceTask) -> None:
    """回避 computed again at the write: a relation or employment recorded after the draw
    takes the project out of the expert's reach (the pages answer 404 the same way)."""
    t = AcceptanceTask.objects.select_related("expert_profile", "acceptance__project__lead"
                                              ).get(pk=task.pk)
    profile = expert_profiles([t.expert_profile])[t.expert_profile_id]
    if review_conflicts.find_conflicts(profile, project_parties(t.acceptance.project),
                                       as_of=timezone.localdate(), years=CONFLICT_YEARS):
        raise ScopeError()


def accept_acceptance_task(*, task: AcceptanceTask, actor: Any) -> AcceptanceTask:
    _refuse_if_conflicted(task)
    return transition(task, workflow=ACCEPTANCE_TASK_FLOW, action="accept", actor=actor)


def decline_acceptance_task(*, task: AcceptanceTask, actor: Any,
                            reason: str = "") -> AcceptanceTask | None:
    """The expert declines; the first waiting reserve is invited in their place (returned),
    and the acceptance's group record says who replaced whom."""
    with transaction.atomic():
        t = transition(task, workflow=ACCEPTANCE_TASK_FLOW, action="decline", actor=actor,
                       reason=reason)
        acc = Acceptance.objects.select_for_update().get(pk=t.acceptance_id)
        if acc.conclusion:
            raise DomainError(_("已作出验收结论"))
        state = expert_draw.DrawResult(seed=acc.seed or 0, members=tuple(acc.group),
                                       reserves=tuple(acc.reserves), exclusions=(), pool=())
        after = expert_draw.decline(state, t.expert_profile_id)
        substitute_id = after.substitutions[-1][1]
        before = snapshot(acc)
        acc.group, acc.reserves = list(after.members), list(after.reserves)
        acc.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=acc, before=before,
                      after=snapshot(acc), reason=_("验收专家谢绝，递补替补专家：%(r)s") % {
                          "r": reason or "—"})
        if substitute_id is None:
            return None
        sub = AcceptanceTask.objects.select_related("expert_profile").get(
            acceptance=acc, expert_profile_id=substitute_id)
        before = snapshot(sub)
        AcceptanceTask.objects.filter(pk=sub.pk, status=AcceptanceTask.Status.RESERVE).update(
            status=AcceptanceTask.Status.INVITED, reviewer=sub.expert_profile.user)
        sub.refresh_from_db()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=sub, before=before,
                      after=snapshot(sub), reason=_("替补递补"))
        return sub


def submit_acceptance_opinion(*, task: AcceptanceTask, actor: Any, ratings: dict[str, str],
                              recommendation: str, opinion: str) -> AcceptanceOpinion:
    """An acceptance expert's opinion, once, after accepting the task and before the city's
    conclusion: every 考核指标 rated met / partly / not met, a recommended conclusion and
    the opinion — every problem listed at once, nothing written."""
    if not can(actor, "add", AcceptanceOpinion):
        raise PermissionDenied
    with transaction.atomic():
        t = AcceptanceTask.objects.restrict(actor, "change").select_for_update().filter(
            pk=task.pk).first()
        if t is None:
            raise ScopeError()
        _refuse_if_conflicted(t)
        acc = Acceptance.objects.select_related("project").get(pk=t.acceptance_id)
        if t.status != AcceptanceTask.Status.ACCEPTED:
            raise DomainError(_("请先接受验收任务"))
        if AcceptanceOpinion.objects.filter(task=t).exists():
            raise DomainError(_("已提交过验收意见"))
        if acc.conclusion:
            raise DomainError(_("已作出验收结论"))
        errors, clean = [], []
        for target in acc.project.target_list():
            rating = (ratings or {}).get(target, "")
            if rating not in AcceptanceOpinion.Rating.values:
                errors.append(_("请评价考核指标“%(t)s”的完成情况") % {"t": target})
            else:
                clean.append({"target": target, "rating": rating})
        if recommendation not in Acceptance.Conclusion.values:
            errors.append(_("请选择建议结论"))
        if not (opinion or "").strip():
            errors.append(_("请填写验收意见"))
        if errors:
            raise ValidationError(errors)
        row = AcceptanceOpinion(task=t, ratings=clean, recommendation=recommendation,
                                opinion=opinion.strip())
        row.full_clean()
        row.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=row,
                      after=snapshot(row))
    return row


def conclude_acceptance(*, acceptance: Acceptance, actor: Any, conclusion: str, opinion: str,
                        on: dt.date | None = None) -> Acceptance:
    """The city's conclusion (通过 / 结题 / 不通过) with the experts' opinions in view (who
    decided and why are kept); 通过 and 结题 close the project (已验收), 不通过 leaves it
    under acceptance for rectification. Opinions are not required: an expert without a
    login gives theirs at the meeting and staff record the conclusion."""
    if not can(actor, "approve", Acceptance):
        raise PermissionDenied
    if conclusion not in Acceptance.Conclusion.values:
        raise DomainError(_("请选择验收结论"), field="conclusion")
    if not opinion.strip():
        raise DomainError(_("请填写验收意见"), field="opinion")
    with transaction.atomic():
        acc = Acceptance.objects.restrict(actor, "approve").select_for_update().filter(
            pk=acceptance.pk).first()
        if acc is None:
            raise ScopeError()
        if not acc.group:
            raise DomainError(_("请先抽取验收专家组"))
        if acc.conclusion:
            raise DomainError(_("已作出验收结论"))
        before = snapshot(acc)
        acc.conclusion, acc.opinion = conclusion, opinion.strip()
        acc.decided_by, acc.decided_on = actor, on or timezone.localdate()
        acc.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=acc, before=before,
                      after=snapshot(acc), reason=_("验收结论"))
        if conclusion != Acceptance.Conclusion.FAILED:
            update_object(obj=acc.project, actor=actor,
                          data={"stage": Project.Stage.ACCEPTED}, reason=_("验收"))
    return acc


# ---- 会审 and 公示 ------------------------------------------------------------------------

def deliberate(*, call: Call, actor: Any, proposed: Sequence[int], reason: str,
               publicity_from: dt.date, publicity_days: int = 7) -> Deliberation:
    """Record the 会审: which applications are proposed for funding, by whom and why, and
    the 公示 period; the list published is a snapshot of title, lead and county."""
    if not can(actor, "add", Deliberation):
        raise PermissionDenied
    errors = []
    if not reason.strip():
        errors.append(_("请填写会审意见"))
    if not proposed:
        errors.append(_("请选择拟立项的申报"))
    if not 5 <= publicity_days <= 30:
        errors.append(_("公示期应为 5 至 30 天"))
    apps = list(Application.objects.restrict(actor, "approve").filter(
        call=call, pk__in=list(proposed)).select_related("lead", "county").order_by("pk"))
    if len(apps) != len(set(proposed)):
        errors.append(_("所选申报不属于该指南或不在您的管辖范围内"))
    not_ready = [a.title for a in apps if a.status != "reviewing"]
    if not_ready:
        errors.append(_("以下申报不在专家评审阶段：%(t)s") % {"t": "、".join(not_ready)})
    if errors:
        raise ValidationError(errors)
    return create_object(model=Deliberation, actor=actor, data=dict(
        call=call, proposed=[a.pk for a in apps], reason=reason.strip(), decided_by=actor,
        listing=[{"title": a.title, "lead": a.lead.name, "county": a.county.name}
                 for a in apps],
        publicity_from=publicity_from,
        publicity_until=publicity_from + dt.timedelta(days=publicity_days - 1)),
        reason=_("会审"))


# ---- Excel import (imports.py) --------------------------------------------------------------

def _project_import_rules(item: BulkItem) -> list[tuple[str, str]]:
    """An imported project: the level follows its programme, the county its lead
    organisation; a new row is a historical carry-over (结转)."""
    project = item.obj
    project.level = project.programme.level
    if project.lead_id is not None:
        project.county_id = project.lead.county_id
    if item.is_new:
        project.carried_over = True
    return []


PROJECT_IMPORTS = BulkHook(model=Project, prepare=_project_import_rules)
EXPERT_IMPORTS = BulkHook(model=Expert)


def replace_former_employers(*, actor: Any,
                             jobs: dict[int, list[tuple[int, dt.date | None, dt.date | None]]],
                             reason: str = "") -> int:
    """Replace the former employers (organisation id, started, ended) of each expert given,
    where they differ, with one change record per expert (the Excel import's commit point,
    and the profile pages'). Returns how many experts changed."""
    if not jobs:
        return 0
    if not can(actor, "change", Expert):
        raise PermissionDenied
    experts = Expert.objects.restrict(actor, "change").in_bulk(list(jobs))
    have: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = defaultdict(list)
    for row in FormerEmployment.objects.filter(expert_profile__in=list(experts)).values_list(
            "expert_profile_id", "organisation_id", "started", "ended"):
        have[row[0]].append(row[1:])

    def text(job: tuple[int, dt.date | None, dt.date | None]) -> str:
        return f"{job[0]}:{job[1] or ''}~{job[2] or ''}"

    entries = []
    for pk, new in jobs.items():
        if pk not in experts:
            raise ScopeError()
        old = sorted(have[pk], key=text)
        new = sorted(set(new), key=text)
        if old == new:
            continue
        FormerEmployment.objects.filter(expert_profile_id=pk).delete()
        FormerEmployment.objects.bulk_create([FormerEmployment(
            expert_profile_id=pk, organisation_id=o, started=s, ended=e) for o, s, e in new])
        entries.append((ChangeRecord.Action.UPDATE, experts[pk],
                        {"former_employments": [text(j) for j in old]},
                        {"former_employments": [text(j) for j in new]},
                        reason or _("Excel导入曾任职单位")))
    if entries:
        write_change_records(change_records(actor=actor, entries=entries))
    return len(entries)


# ---- the bureau's programme, call and expert pages ------------------------------------------

def save_programme(*, actor: Any, data: dict[str, Any],
                   programme: Programme | None = None) -> Programme:
    """A programme and its funding rules, created or changed (city staff; audited)."""
    if programme is None:
        return create_object(model=Programme, actor=actor, data=data)
    return update_object(obj=programme, actor=actor, data=data)


def save_call(*, actor: Any, data: dict[str, Any], call: Call | None = None) -> Call:
    """A call created (unpublished) or changed. Until it is published everything may change;
    afterwards applicants rely on it, so only the deadline may move, and only later (an
    extension) — anything else is refused and nothing written."""
    if call is None:
        return create_object(model=Call, actor=actor, data={**data, "published": False})
    with transaction.atomic():
        locked = Call.objects.restrict(actor, "change").select_for_update().filter(
            pk=call.pk).first()
        if locked is None:
            raise ScopeError()
        if locked.published:
            changed = sorted(k for k, v in data.items() if k != "deadline"
                             and getattr(locked, k if k != "programme" else "programme_id")
                             != (v.pk if k == "programme" and v is not None else v))
            if changed:
                raise DomainError(_("已发布的指南只能延长申报截止日期，其他内容不能修改"))
            deadline = data.get("deadline")
            if deadline is None or deadline < locked.deadline:
                raise DomainError(_("已发布的指南只能延长申报截止日期（不早于 %(d)s）") % {
                    "d": locked.deadline.isoformat()}, field="deadline")
            data = {"deadline": deadline}
        return update_object(obj=locked, actor=actor, data=data,
                             reason=_("延长申报截止日期") if locked.published else "")


def publish_call(*, call: Call, actor: Any, as_of: dt.date | None = None) -> Call:
    """Publish a call: enterprises and universities see it and may apply. Refused once the
    deadline has passed, or without review criteria."""
    as_of = as_of or timezone.localdate()
    if call.published:
        raise DomainError(_("该指南已发布"))
    if call.deadline < as_of:
        raise DomainError(_("申报截止日期已过，请先修改截止日期再发布"))
    if not call.criteria:
        raise DomainError(_("请先填写评审指标及权重再发布"))
    return update_object(obj=call, actor=actor, data={"published": True},
                         reason=_("发布申报指南"))


Job = tuple[Any, dt.date | None, dt.date | None]


def _keep_precise_dates(expert: Expert | None, rows: Sequence[Job]) -> list[Job]:
    """The pages edit years; a row whose organisation and years are unchanged keeps the
    dates it has (an import's months, 2015.03-2019.06), so saving a page changes nothing."""
    if expert is None:
        return list(rows)
    have = {(f.organisation_id, f.started.year if f.started else None,
             f.ended.year if f.ended else None): (f.started, f.ended)
            for f in expert.former_employments.all()}
    out = []
    for org, s, e in rows:
        key = (org.pk, s.year if s else None, e.year if e else None)
        out.append((org, *have.get(key, (s, e))))
    return out


def _replace_rows(*, actor: Any, expert: Expert, model: Any, rows: Sequence[dict[str, Any]],
                  keys: tuple[str, ...], label: str) -> ChangeRecord | None:
    """Replace an expert's relations or declarations where they differ; one change record."""
    def text(values: dict[str, Any]) -> str:
        return "|".join(str(getattr(values.get(k), "pk", values.get(k)) or "") for k in keys)

    old_rows = list(model.objects.filter(expert_profile=expert))
    old = sorted(text({k: getattr(r, k) for k in keys}) for r in old_rows)
    new = sorted(text(r) for r in rows)
    if old == new:
        return None
    model.objects.filter(expert_profile=expert).delete()
    for r in rows:
        obj = model(expert_profile=expert, **{k: r.get(k) for k in keys})
        obj.full_clean()
        obj.save()
    return record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=expert,
                         before={label: old}, after={label: new}, reason=_("修改专家信息"))


def save_expert_profile(*, actor: Any, data: dict[str, Any], expert: Expert | None = None,
                        former: Sequence[Job] | None = None,
                        relations: Sequence[dict[str, Any]] | None = None,
                        declarations: Sequence[dict[str, Any]] | None = None) -> Expert:
    """An expert's profile with its rows, all or nothing, audited: created or changed by the
    bureau, or changed by the expert (their own only — ScopeError otherwise; the form gives
    them no name, organisation or login). ``former`` (organisation, started, ended) replaces
    the former employers and keeps ``former_employers_text`` in step as the import writes it;
    None leaves a kind of row as it is."""
    declared = [d["application"].pk for d in declarations or ()]
    if len(set(declared)) != len(declared):
        raise DomainError(_("同一项目申报只需申明一次回避"), field="declarations")
    with transaction.atomic():
        if former is not None:
            former = _keep_precise_dates(expert, former)
            keys = [(o.pk, s, e) for o, s, e in former]
            if len(set(keys)) != len(keys):
                raise DomainError(_("曾任职单位中有重复的单位和任职时间"), field="former")
            data = {**data, "former_employers_text": former_employers_text(
                [(o.name, s, e) for o, s, e in former])}
        if expert is None:
            obj = create_object(model=Expert, actor=actor, data=data)
        else:
            obj = update_object(obj=expert, actor=actor, data=data)
        if former is not None:
            replace_former_employers(actor=actor, jobs={obj.pk: [(o.pk, s, e)
                                                                 for o, s, e in former]},
                                     reason=_("修改曾任职单位"))
        if relations is not None:
            _replace_rows(actor=actor, expert=obj, model=Relation, rows=relations,
                          keys=("organisation", "person", "note"), label="relations")
        if declarations is not None:
            # a new declaration names an application the actor reads (an expert: one
            # assigned to them); the profile's existing ones may stay as they are
            kept = set(obj.declarations.values_list("application_id", flat=True))
            readable = set(Application.objects.restrict(actor, "view").filter(
                pk__in=declared).values_list("pk", flat=True))
            if set(declared) - readable - kept:
                raise ScopeError()
            _replace_rows(actor=actor, expert=obj, model=Declaration, rows=declarations,
                          keys=("application", "note"), label="declarations")
    return obj
