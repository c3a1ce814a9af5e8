"""Writes of cultivation records and the candidate pool — each audited, each in one transaction.

After every write to a registration, certificate or leader designation the enterprise's
``Organisation.tier`` is recomputed by :func:`refresh_tier` (rule in
``selectors.tiers_for``), in the same transaction, and the tier change is audited too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.access import county_staff, enterprise_users
from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import change_record, record_change, snapshot
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.scheduler import daily
from kechuang.core.services import (
    BulkHook,
    BulkItem,
    Errors,
    bulk_save,
    create_object,
    save_uploads,
    update_object,
)
from kechuang.core.uploads import check_files, delete_on_error
from kechuang.cultivation import selectors
from kechuang.cultivation.models import (
    CandidateEntry,
    CoachingVisit,
    EnterpriseRecord,
    HighTechCertificate,
    LeaderDesignation,
    RecordFile,
    TechSmeRegistration,
    certificate_expiry,
)
from kechuang.cultivation.workflows import CANDIDATE_FLOW, CERTIFICATE_FLOW, REGISTRATION_FLOW
from kechuang.orgs.models import Organisation
from kechuang.workflow.services import transition

REGISTRATION_FIELDS = ("enterprise", "year", "registration_no", "registered_on", "note")
CERTIFICATE_FIELDS = ("enterprise", "certificate_no", "issued_on", "batch", "kind", "note")
LEADER_FIELDS = ("enterprise", "year", "designated_on", "document_no", "note")
TIER_REASON = "按入库、认定记录自动更新培育梯队"


def _pick(data: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    out = {k: data[k] for k in fields if k in data}
    for k in ("note", "batch", "document_no"):
        if k in out and out[k] is None:
            out[k] = ""
    return out


# ---- the tier --------------------------------------------------------------------------


def refresh_tier(*, enterprise: Organisation, actor: Any, as_of: dt.date | None = None) -> str:
    """Recompute ``enterprise.tier`` from its records (``selectors.tiers_for``); audit a change.

    Called by every record write (inside its transaction) and by the daily check, so a
    certificate that expired moves the enterprise down without anyone editing it.
    """
    as_of = as_of or timezone.localdate()
    tier = selectors.tiers_for([enterprise.pk], as_of=as_of).get(enterprise.pk, "")
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=enterprise.pk)
        if org.tier == tier:
            return tier
        before = snapshot(org)
        org.tier = tier
        org.save(update_fields=["tier", "updated_at"])
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=org, before=before,
                      after=snapshot(org), reason=TIER_REASON)
    enterprise.tier = tier
    return tier


TIER_BATCH = 2000  # enterprises per tier look-up (a fixed number of queries each)


def refresh_tiers(*, enterprise_ids: Iterable[int], actor: Any = None,
                  as_of: dt.date | None = None, reason: str = TIER_REASON) -> int:
    """``refresh_tier`` for many enterprises at once; returns how many changed.

    Same rule (``selectors.tiers_for``) and the same audit (one change record per changed
    tier), in batches: a fixed number of statements per batch instead of ~6 per enterprise.
    """
    as_of = as_of or timezone.localdate()
    ids = sorted(i for i in set(enterprise_ids) if i)
    changed = 0
    with transaction.atomic():
        for start in range(0, len(ids), TIER_BATCH):
            part = ids[start:start + TIER_BATCH]
            wanted = selectors.tiers_for(part, as_of=as_of)
            now = timezone.now()
            orgs, records = [], []
            for org in Organisation.objects.select_for_update().filter(pk__in=part).order_by(
                    "pk"):
                tier = wanted.get(org.pk, "")
                if org.tier == tier:
                    continue
                before = snapshot(org)
                org.tier = tier
                org.updated_at = now
                orgs.append(org)
                records.append(change_record(actor=actor, action=ChangeRecord.Action.UPDATE,
                                             obj=org, before=before, after=snapshot(org),
                                             reason=reason))
            if orgs:
                Organisation.objects.bulk_update(orgs, ["tier", "updated_at"], batch_size=500)
                ChangeRecord.objects.bulk_create(records)
                changed += len(orgs)
    return changed


def refresh_all_tiers(*, actor: Any = None, as_of: dt.date | None = None) -> int:
    """Bring every enterprise's tier up to date (daily check); returns how many changed."""
    ids = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).values_list(
        "pk", flat=True)
    return refresh_tiers(enterprise_ids=list(ids), actor=actor, as_of=as_of)


# ---- evidence files ----------------------------------------------------------------------


def _owner_field(record: EnterpriseRecord) -> str:
    return {TechSmeRegistration: "registration", HighTechCertificate: "certificate",
            LeaderDesignation: "leader"}[type(record)]


def add_files(*, actor: Any, record: EnterpriseRecord, files: Iterable[Any]) -> list[RecordFile]:
    """Attach evidence to a record the actor may change (outside their scope: ScopeError)."""
    model = type(record)
    if not can(actor, "change", model):
        raise PermissionDenied
    checked = check_files(files)
    if not checked:
        raise ValidationError({"files": _("请选择要上传的文件")})
    with delete_on_error() as saved, transaction.atomic():
        if not model.objects.restrict(actor, "change").filter(pk=record.pk).exists():
            raise ScopeError(_("该记录不在您的管辖范围内，未保存"))
        return save_uploads(checked, model=RecordFile, owner={_owner_field(record): record},
                            actor=actor, saved=saved)


def _create_with_files(model: type[EnterpriseRecord], *, actor: Any, data: dict[str, Any],
                       files: Iterable[Any]) -> Any:
    if not can(actor, "add", model):
        raise PermissionDenied
    checked = check_files(files)
    with delete_on_error() as saved, transaction.atomic():
        obj = create_object(model=model, actor=actor, data=data | {"created_by": actor})
        save_uploads(checked, model=RecordFile, owner={_owner_field(obj): obj}, actor=actor,
                     saved=saved)
        refresh_tier(enterprise=obj.enterprise, actor=actor)
        return obj


def _update(obj: EnterpriseRecord, *, actor: Any, data: dict[str, Any]) -> Any:
    old_enterprise = obj.enterprise
    with transaction.atomic():
        obj = update_object(obj=obj, actor=actor, data=data)
        refresh_tier(enterprise=obj.enterprise, actor=actor)
        if old_enterprise.pk != obj.enterprise_id:
            refresh_tier(enterprise=old_enterprise, actor=actor)
    return obj


def _set_revoked_on(obj: Any, actor: Any, revoked_on: dt.date | None) -> Any:
    if revoked_on is not None and obj.revoked_on != revoked_on:
        obj = update_object(obj=obj, actor=actor, data={"revoked_on": revoked_on})
    return obj


# ---- tech SME registrations ---------------------------------------------------------------


def register_tech_sme(*, actor: Any, data: dict[str, Any],
                      files: Iterable[Any] = ()) -> TechSmeRegistration:
    """Record a registration (入库登记) with its evidence; status "registered"."""
    return _create_with_files(TechSmeRegistration, actor=actor,
                              data=_pick(data, REGISTRATION_FIELDS), files=files)


def update_registration(*, actor: Any, registration: TechSmeRegistration,
                        data: dict[str, Any]) -> TechSmeRegistration:
    return _update(registration, actor=actor, data=_pick(data, REGISTRATION_FIELDS))


def revoke_registration(*, actor: Any, registration: TechSmeRegistration, reason: str,
                        revoked_on: dt.date | None = None) -> TechSmeRegistration:
    """撤销登记 through the workflow (reason required); the tier follows."""
    with transaction.atomic():
        obj = transition(registration, workflow=REGISTRATION_FLOW, action="revoke",
                         actor=actor, reason=reason)
        obj = _set_revoked_on(obj, actor, revoked_on)
        refresh_tier(enterprise=obj.enterprise, actor=actor)
    return obj


# ---- high-tech certificates ----------------------------------------------------------------


def _with_expiry(data: dict[str, Any]) -> dict[str, Any]:
    data = _pick(data, CERTIFICATE_FIELDS)
    if isinstance(data.get("issued_on"), dt.date):
        data["expires_on"] = certificate_expiry(data["issued_on"])
    elif "issued_on" in data:
        raise ValidationError({"issued_on": _("请填写发证日期")})
    return data


def record_certificate(*, actor: Any, data: dict[str, Any],
                       files: Iterable[Any] = ()) -> HighTechCertificate:
    """Record a certificate; ``expires_on`` is computed (three years), never taken from input."""
    return _create_with_files(HighTechCertificate, actor=actor, data=_with_expiry(data),
                              files=files)


def update_certificate(*, actor: Any, certificate: HighTechCertificate,
                       data: dict[str, Any]) -> HighTechCertificate:
    return _update(certificate, actor=actor, data=_with_expiry(data))


def revoke_certificate(*, actor: Any, certificate: HighTechCertificate, reason: str,
                       revoked_on: dt.date | None = None) -> HighTechCertificate:
    """取消资格 through the workflow (reason required); the tier follows."""
    with transaction.atomic():
        obj = transition(certificate, workflow=CERTIFICATE_FLOW, action="revoke", actor=actor,
                         reason=reason)
        obj = _set_revoked_on(obj, actor, revoked_on)
        refresh_tier(enterprise=obj.enterprise, actor=actor)
    return obj


# ---- leader designations -------------------------------------------------------------------


def designate_leader(*, actor: Any, data: dict[str, Any],
                     files: Iterable[Any] = ()) -> LeaderDesignation:
    return _create_with_files(LeaderDesignation, actor=actor, data=_pick(data, LEADER_FIELDS),
                              files=files)


def update_leader(*, actor: Any, designation: LeaderDesignation,
                  data: dict[str, Any]) -> LeaderDesignation:
    return _update(designation, actor=actor, data=_pick(data, LEADER_FIELDS))


# ---- bulk writes (imports) -------------------------------------------------------------------
# The same rules as the single-row writes above (``_pick``: a blank text is "", never None;
# ``_with_expiry``: a certificate's expiry is computed, never taken from input); the tiers
# of the enterprises touched are refreshed once every row is in (``refresh_tiers``, the
# import's commit point), not per row.


def _record_rules(item: BulkItem) -> Errors:
    obj = item.obj
    for name in ("note", "batch", "document_no"):
        if hasattr(obj, name) and getattr(obj, name) is None:
            setattr(obj, name, "")
    if isinstance(obj, HighTechCertificate):
        if isinstance(obj.issued_on, dt.date):
            obj.expires_on = certificate_expiry(obj.issued_on)
        else:
            return [("issued_on", _("请填写发证日期"))]
    return []


def bulk_save_records(*, model: type[EnterpriseRecord], actor: Any, items: list[BulkItem],
                      audit: list[ChangeRecord] | None = None) -> None:
    """Create and update many registrations, certificates or designations (imports)."""
    for item in items:
        if _record_rules(item):
            raise ValidationError(_("请填写发证日期"))
    bulk_save(model=model, actor=actor, items=items, audit=audit)


REGISTRATIONS = BulkHook(model=TechSmeRegistration, prepare=_record_rules, save=bulk_save_records)
CERTIFICATES = BulkHook(model=HighTechCertificate, prepare=_record_rules, save=bulk_save_records)
LEADERS = BulkHook(model=LeaderDesignation, prepare=_record_rules, save=bulk_save_records)


# ---- candidate pool ------------------------------------------------------------------------


def add_candidate(*, actor: Any, data: dict[str, Any]) -> CandidateEntry:
    """Put an enterprise of the actor's scope into the pool (one active entry per rung/year)."""
    fields = _pick(data, ("enterprise", "target_rung", "year", "note"))
    enterprise = fields.get("enterprise")
    if enterprise is not None and not Organisation.objects.restrict(actor, "view").filter(
            pk=getattr(enterprise, "pk", enterprise)).exists():
        raise ScopeError(_("该企业不在您的管辖范围内"))
    if enterprise is not None and fields.get("target_rung"):
        check_target_above_tier(enterprise, fields["target_rung"])
    return create_object(model=CandidateEntry, actor=actor,
                         data=fields | {"added_by": actor, "added_at": timezone.now()})


# the ladder, bottom to top: a candidate's target must be a rung above where it stands
TIER_RANK = {Organisation.Tier.NONE: 0, Organisation.Tier.TECH_SME: 1,
             Organisation.Tier.HIGH_TECH: 2, Organisation.Tier.LEADER: 3}


def check_target_above_tier(enterprise: Any, target_rung: str) -> None:
    """Refuse a pool target at or below the enterprise's current tier (nothing to cultivate).

    ``enterprise`` is an ``Organisation`` or its pk. Raises ``DomainError`` on ``target_rung``.
    """
    if not isinstance(enterprise, Organisation):
        enterprise = Organisation.objects.only("tier").get(pk=enterprise)
    tier = enterprise.tier or Organisation.Tier.NONE
    current = TIER_RANK.get(tier, 0)
    if TIER_RANK.get(target_rung, 0) > current:
        return
    higher = [str(CandidateEntry.Rung(r).label) for r, rank in TIER_RANK.items()
              if rank > current and r in CandidateEntry.Rung.values]
    tier_label = Organisation.Tier(tier).label
    if higher:
        message = _("该企业当前已是“%(tier)s”，培育目标须高于当前梯队，可选：%(options)s") % {
            "tier": tier_label, "options": "、".join(higher)}
    else:
        message = _("该企业当前已是“%(tier)s”（最高梯队），无需加入后备库") % {
            "tier": tier_label}
    raise DomainError(message, field="target_rung", code="target_not_above_tier")


def remove_candidate(*, actor: Any, entry: CandidateEntry, reason: str) -> CandidateEntry:
    return transition(entry, workflow=CANDIDATE_FLOW, action="remove", actor=actor,
                      reason=reason)


def promote_candidate(*, actor: Any, entry: CandidateEntry, reason: str = "") -> CandidateEntry:
    return transition(entry, workflow=CANDIDATE_FLOW, action="promote", actor=actor,
                      reason=reason)


def record_visit(*, actor: Any, entry: CandidateEntry, data: dict[str, Any]) -> CoachingVisit:
    """A coaching visit to an active candidate of the actor's scope."""
    if entry.status != CandidateEntry.Status.ACTIVE:
        raise DomainError(_("该企业已不在后备库中，不能再记录辅导"), code="invalid_state")
    fields = _pick(data, ("visited_on", "visitor", "notes"))
    return create_object(model=CoachingVisit, actor=actor,
                         data=fields | {"entry": entry, "recorded_by": actor})


# ---- certificate expiry reminders ----------------------------------------------------------


def send_expiry_reminders(*, today: dt.date) -> int:
    """Remind of certificates expiring within six months (daily check; idempotent).

    Each valid certificate whose last day lies in [today, today + 6 months] sends one notice
    a month (``dedupe_key`` per certificate and month) to the active county staff of the
    enterprise's county and to the enterprise's own users. Returns the notices created.
    """
    from kechuang.notices.models import Notice
    from kechuang.notices.services import notify

    certs = list(selectors.expiring_certificates(today=today))
    if not certs:
        return 0
    county_ids = {c.enterprise.county_id for c in certs}
    org_ids = {c.enterprise_id for c in certs}
    staff: dict[int, list[int]] = {}
    members: dict[int, list[int]] = {}
    for pk, county_id in county_staff(county_ids).values_list("pk", "county_id"):
        staff.setdefault(county_id, []).append(pk)
    for pk, org_id in enterprise_users(org_ids).values_list("pk", "organisation_id"):
        members.setdefault(org_id, []).append(pk)
    sent = 0
    for c in certs:
        recipients = staff.get(c.enterprise.county_id, []) + members.get(c.enterprise_id, [])
        days = (c.expires_on - today).days
        sent += notify(
            recipients=recipients,
            title=_("高新技术企业证书即将到期：%(name)s（%(date)s）") % {
                "name": c.enterprise.name, "date": c.expires_on.isoformat()},
            body=_("证书 %(no)s 将于 %(date)s 到期（还有 %(days)s 天）。资格期满需重新认定，"
                   "请及时组织申报。") % {"no": c.certificate_no,
                                        "date": c.expires_on.isoformat(), "days": days},
            url=c.get_absolute_url(), level=Notice.Level.WARNING,
            dedupe_key=f"cultivation:cert-expiry:{c.pk}:{today:%Y-%m}")
    return sent


def run_daily_check(*, today: dt.date | None = None) -> tuple[int, int]:
    """What the scheduler runs once a day: tiers up to date, then expiry reminders.

    Returns (tiers changed, notices sent). Safe to run any number of times a day.
    """
    today = today or timezone.localdate()
    return refresh_all_tiers(actor=None, as_of=today), send_expiry_reminders(today=today)


@daily("cultivation.daily_check")
def _scheduled_check(today: dt.date) -> str:
    tiers, notices = run_daily_check(today=today)
    return f"梯队更新 {tiers} 家，到期提醒 {notices} 条"
