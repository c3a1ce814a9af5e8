"""Writes of the cooperation module: projects, milestones and their evidence, outcomes,
talents and achievements. Every write validates, checks the actor's scope and is audited
(core.services); a talent's name and ID number reach the audit trail only as a digest
(audit.services.SECRET_MODEL_FIELDS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import change_records, record_change, write_change_records
from kechuang.cooperation.models import (
    Achievement,
    CooperationProject,
    Milestone,
    MilestoneEvidence,
    Outcome,
    Talent,
)
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.scheduler import daily
from kechuang.core.services import (
    BulkHook,
    BulkItem,
    Errors,
    audit_snapshot,
    create_object,
    save_uploads,
    update_object,
)
from kechuang.core.uploads import check_files, delete_on_error

PROJECT_FIELDS = ("name", "kind", "partner", "partner_name", "county", "agreement_on",
                  "provincial", "status", "ended_on", "summary")
MILESTONE_FIELDS = ("title", "due_on", "done_on", "note")
OUTCOME_FIELDS = ("kind", "title", "achieved_on", "note")
TALENT_FIELDS = ("category", "mode", "team_name", "name", "id_number", "members", "host",
                 "project", "field", "origin", "started_on", "ended_on", "support",
                 "support_yuan")
ACHIEVEMENT_FIELDS = ("title", "source", "project", "receiver", "mode", "amount_yuan",
                      "transferred_on", "contract_no", "note")


def _pick(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    out = {k: data[k] for k in fields if k in data}
    if "version" in data:
        out["version"] = data["version"]
    return out


def _partner_name(data: dict[str, Any]) -> dict[str, Any]:
    """A partner on record names the project's partner; a typed name is kept otherwise."""
    if "partner" not in data and "partner_name" not in data:
        return data
    partner = data.get("partner")
    if partner is not None and not (data.get("partner_name") or "").strip():
        data["partner_name"] = partner.name
    if partner is not None and partner.kind not in ("university", "institute"):
        raise DomainError(_("合作方须为高校或科研院所"), field="partner")
    if not (data.get("partner_name") or "").strip():
        raise DomainError(_("请选择或填写合作高校/院所"), field="partner_name")
    return data


def _partners_snapshot(project: CooperationProject) -> list[int]:
    return sorted(project.local_partners.values_list("pk", flat=True))


# ---- projects ------------------------------------------------------------------------------

def create_project(*, actor: Any, data: Mapping[str, Any],
                   local_partners: Iterable[Any]) -> CooperationProject:
    """Record a cooperation project with its local partner organisation(s)."""
    if not can(actor, "add", CooperationProject):
        raise PermissionDenied
    partners = list(local_partners)
    if not partners:
        raise DomainError(_("请至少选择一家本地合作单位"), field="local_partners")
    fields = _partner_name({k: data[k] for k in PROJECT_FIELDS if k in data})
    with transaction.atomic():
        project = CooperationProject(**fields)
        project.full_clean()
        project.save()
        project.local_partners.set(partners)
        if not CooperationProject.objects.restrict(actor, "add").filter(
                pk=project.pk).exists():
            raise ScopeError(_("该记录不在您的管辖范围内，未保存"))
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=project,
                      after=audit_snapshot(project) | {
                          "local_partners": _partners_snapshot(project)},
                      reason=_("登记校地合作项目"))
    return project


def update_project(*, project: CooperationProject, actor: Any, data: Mapping[str, Any],
                   local_partners: Iterable[Any] | None = None) -> CooperationProject:
    """Change a project's details (and, when given, its local partners), audited."""
    fields = _partner_name(_pick(data, PROJECT_FIELDS))
    with transaction.atomic():
        before = _partners_snapshot(project)
        saved = update_object(obj=project, actor=actor, data=fields, reason=_("修改合作项目"))
        if local_partners is not None:
            partners = list(local_partners)
            if not partners:
                raise DomainError(_("请至少选择一家本地合作单位"), field="local_partners")
            saved.local_partners.set(partners)
            after = _partners_snapshot(saved)
            if after != before:
                record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=saved,
                              before={"local_partners": before},
                              after={"local_partners": after}, reason=_("调整本地合作单位"))
    return saved


# ---- milestones ----------------------------------------------------------------------------

def add_milestone(*, project: CooperationProject, actor: Any,
                  data: Mapping[str, Any]) -> Milestone:
    """A milestone the agreement promises (the bureau or the county plans it)."""
    fields = {k: data[k] for k in MILESTONE_FIELDS if k in data}
    if fields.get("due_on") and fields["due_on"] < project.agreement_on:
        raise DomainError(_("计划完成日期不能早于协议签订日期"), field="due_on")
    if fields.get("done_on") and fields["done_on"] > timezone.localdate():
        raise DomainError(_("完成日期不能晚于今天"), field="done_on")
    return create_object(model=Milestone, actor=actor, data={"project": project, **fields},
                         reason=_("新增建设节点"))


def file_evidence(*, milestone: Milestone, actor: Any, done_on: dt.date | None,
                  files: Iterable[Any], note: str = "") -> Milestone:
    """A partner (or the bureau) reports a milestone reached, with evidence files: the
    milestone is done from ``done_on`` and the project's schedule follows."""
    if not can(actor, "change", Milestone) or not can(actor, "add", MilestoneEvidence):
        raise PermissionDenied
    files = list(files)
    if not files:
        raise DomainError(_("请上传至少一份佐证材料（验收报告、挂牌照片、协议等）"), field="files")
    on = done_on or timezone.localdate()
    if on > timezone.localdate():
        raise DomainError(_("完成日期不能晚于今天"), field="done_on")
    if on < milestone.project.agreement_on:
        raise DomainError(_("完成日期不能早于协议签订日期"), field="done_on")
    checked = check_files(files)
    with delete_on_error() as saved, transaction.atomic():
        done = update_object(obj=milestone, actor=actor,
                             data={"done_on": on, "note": (note or "").strip()[:500]},
                             reason=_("报送节点完成情况"))
        save_uploads(checked, model=MilestoneEvidence, owner={"milestone": done}, actor=actor,
                     saved=saved)
    return done


def reopen_milestone(*, milestone: Milestone, actor: Any, reason: str) -> Milestone:
    """The bureau does not accept the evidence (退回): the milestone is open again."""
    if not can(actor, "approve", Milestone):
        raise PermissionDenied
    if not (reason or "").strip():
        raise DomainError(_("请填写退回原因"), field="reason")
    return update_object(obj=milestone, actor=actor, data={"done_on": None,
                                                            "note": reason.strip()[:500]},
                         reason=_("退回节点完成情况：%(r)s") % {"r": reason.strip()})


def add_outcome(*, project: CooperationProject, actor: Any, data: Mapping[str, Any]) -> Outcome:
    return create_object(model=Outcome, actor=actor,
                         data={"project": project,
                               **{k: data[k] for k in OUTCOME_FIELDS if k in data}},
                         reason=_("登记合作成果"))


# ---- talents and achievements --------------------------------------------------------------

def _talent_rules(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("category") and data["category"] != Talent.Category.TEAM:
        data.setdefault("members", 1)
    if "id_number" in data:
        data["id_number"] = (data["id_number"] or "").strip().upper()
    return data


def create_talent(*, actor: Any, data: Mapping[str, Any]) -> Talent:
    """A team or person landed at a host organisation (the host's users register their own)."""
    fields = _talent_rules({k: data[k] for k in TALENT_FIELDS if k in data})
    return create_object(model=Talent, actor=actor, data=fields, reason=_("登记人才团队"))


def update_talent(*, talent: Talent, actor: Any, data: Mapping[str, Any]) -> Talent:
    return update_object(obj=talent, actor=actor, data=_talent_rules(_pick(data, TALENT_FIELDS)),
                         reason=_("修改人才团队"))


def create_achievement(*, actor: Any, data: Mapping[str, Any]) -> Achievement:
    fields = {k: data[k] for k in ACHIEVEMENT_FIELDS if k in data}
    fields["contract_no"] = (fields.get("contract_no") or "").strip()
    return create_object(model=Achievement, actor=actor, data=fields,
                         reason=_("登记转化科技成果"))


def update_achievement(*, achievement: Achievement, actor: Any,
                       data: Mapping[str, Any]) -> Achievement:
    fields = _pick(data, ACHIEVEMENT_FIELDS)
    if "contract_no" in fields:
        fields["contract_no"] = (fields["contract_no"] or "").strip()
    return update_object(obj=achievement, actor=actor, data=fields,
                         reason=_("修改转化科技成果"))


# ---- imports -------------------------------------------------------------------------------

def _talent_import_rules(item: BulkItem) -> Errors:
    t = item.obj
    if t.category and t.category != Talent.Category.TEAM and not t.members:
        t.members = 1
    t.id_number = (t.id_number or "").strip().upper()
    return []


def _achievement_import_rules(item: BulkItem) -> Errors:
    a = item.obj
    a.contract_no = (a.contract_no or "").strip()
    return []


def _project_import_rules(item: BulkItem) -> Errors:
    p = item.obj
    if p.partner_id is None and not (p.partner_name or "").strip():
        return [("partner_name", _("请填写合作高校/院所"))]
    if p.pk is None and not getattr(p, "_import_partners", None):
        return [("local_partners", _("请至少填写一家本地合作单位"))]
    return []


def _project_import_save(*, model: Any, actor: Any, items: Any, audit: Any = None) -> None:
    """bulk_save, then the new projects' local partners (an existing project's partners are
    changed on its page: the import refuses a row that lists others)."""
    from kechuang.core.services import bulk_save

    bulk_save(model=model, actor=actor, items=items, audit=audit)
    new = [i for i in items if i.is_new]
    if not new:
        return
    through = CooperationProject.local_partners.through
    through.objects.bulk_create([through(cooperationproject_id=i.obj.pk, organisation_id=o.pk)
                                 for i in new for o in i.obj._import_partners],
                                ignore_conflicts=True)
    records = change_records(actor=actor, entries=(
        (ChangeRecord.Action.UPDATE, i.obj, {"local_partners": []},
         {"local_partners": sorted(o.pk for o in i.obj._import_partners)},
         _("导入本地合作单位")) for i in new))
    if audit is not None:
        audit.extend(records)
    else:
        write_change_records(records)


PROJECT_IMPORTS = BulkHook(model=CooperationProject, prepare=_project_import_rules,
                           save=_project_import_save)
TALENT_IMPORTS = BulkHook(model=Talent, prepare=_talent_import_rules)
ACHIEVEMENT_IMPORTS = BulkHook(model=Achievement, prepare=_achievement_import_rules)


# ---- milestone reminders -------------------------------------------------------------------

DUE_SOON_DAYS = 14


def send_milestone_reminders(*, today: dt.date) -> int:
    """Tell each open milestone's local partners (their enterprise users) and the county's
    staff when it falls due within two weeks or is overdue (daily; idempotent: one notice per
    milestone, due date and state). Returns the notices created."""
    from kechuang.accounts.access import county_staff, enterprise_users
    from kechuang.notices.models import Notice
    from kechuang.notices.services import notify

    open_ = list(Milestone.objects.filter(
        done_on__isnull=True, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        project__status__in=(CooperationProject.Status.PREPARING,
                             CooperationProject.Status.BUILDING,
                             CooperationProject.Status.OPERATING))
        .select_related("project").order_by("due_on", "pk"))
    if not open_:
        return 0
    through = CooperationProject.local_partners.through
    partners: dict[int, set[int]] = {}
    for project_id, org_id in through.objects.filter(
            cooperationproject_id__in={m.project_id for m in open_}).values_list(
            "cooperationproject_id", "organisation_id"):
        partners.setdefault(project_id, set()).add(org_id)
    users_by_org: dict[int, set[int]] = {}
    for pk, org in enterprise_users({o for s in partners.values() for o in s}).values_list(
            "pk", "organisation_id"):
        users_by_org.setdefault(org, set()).add(pk)
    staff_by_county: dict[int, set[int]] = {}
    for pk, county in county_staff({m.project.county_id for m in open_}).values_list(
            "pk", "county_id"):
        staff_by_county.setdefault(county, set()).add(pk)
    sent = 0
    for m in open_:
        overdue = m.due_on < today
        recipients = set(staff_by_county.get(m.project.county_id, set()))
        for org in partners.get(m.project_id, ()):
            recipients |= users_by_org.get(org, set())
        title = (_("合作项目节点已逾期：%(p)s · %(m)s（计划 %(d)s）") if overdue
                 else _("合作项目节点即将到期：%(p)s · %(m)s（计划 %(d)s）")) % {
            "p": m.project.name, "m": m.title, "d": m.due_on.isoformat()}
        sent += notify(recipients=recipients, title=title, url=m.get_absolute_url(),
                       body=_("请在项目页报送完成情况和佐证材料。"),
                       level=Notice.Level.WARNING if overdue else Notice.Level.INFO,
                       dedupe_key=f"cooperation:milestone:{m.pk}:{m.due_on}:"
                                  f"{'overdue' if overdue else 'due'}")
    return sent


@daily("cooperation.milestone_check")
def _scheduled_check(today: dt.date) -> str:
    return f"校地合作节点提醒 {send_milestone_reminders(today=today)} 条"
