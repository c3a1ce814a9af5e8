"""Writes of platforms, recognitions, occupants, conversions and the annual evaluation.

Every write validates, re-checks the actor's scope and is audited (``core.services`` or an
explicit ``record_change``); states move only through ``workflow.services.transition``. A
platform's ``level`` is derived: the highest of its recognitions, refreshed whenever one is
added, so the lists can filter by it while the metrics read the dated recognitions.
"""

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
from kechuang.audit.services import (
    change_records,
    record_change,
    snapshot,
    write_change_records,
)
from kechuang.carriers.models import (
    Campaign,
    Conversion,
    Evaluation,
    EvaluationEvidence,
    Occupant,
    Platform,
    PlatformKind,
    Recognition,
)
from kechuang.carriers.workflows import CAMPAIGN_FLOW, EVALUATION_FLOW, PLATFORM_FLOW
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.scheduler import daily
from kechuang.core.services import (
    BulkHook,
    BulkItem,
    Errors,
    audit_snapshot,
    bulk_save,
    create_object,
    save_uploads,
    update_object,
)
from kechuang.core.uploads import check_files, delete_on_error
from kechuang.policy.platform_levels import highest_level
from kechuang.workflow.services import transition

PLATFORM_FIELDS = ("name", "kind", "lead_host", "county", "field", "established_on",
                   "jinchuanggu", "area_sqm", "capacity", "address", "note")
RECOGNITION_FIELDS = ("level", "recognised_on", "issuer", "document_no", "document_title")
OCCUPANT_FIELDS = ("name", "kind", "organisation", "field", "origin", "settled_on",
                   "graduated_on", "left_on", "note")


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# ---- kinds -----------------------------------------------------------------------------------

def ensure_kinds() -> int:
    """The seeded kinds (migration 0002), recreated where missing — a database flushed by a
    test or restored without them. Reference data, not a bureau's change: not audited."""
    from kechuang.carriers.migrations import SEEDED_KINDS

    made = 0
    for n, (code, name, carrier, counted) in enumerate(SEEDED_KINDS, start=1):
        _obj, created = PlatformKind.objects.get_or_create(code=code, defaults={
            "name": name, "carrier": carrier, "incubator_or_pilot": counted,
            "sort_order": n * 10})
        made += created
    return made


def create_kind(*, actor: Any, data: Mapping[str, Any]) -> PlatformKind:
    """The bureau adds a kind of platform (the seeded list is not closed)."""
    return create_object(model=PlatformKind, actor=actor, data=dict(data),
                         reason=_("新增平台类别"))


# ---- platforms ------------------------------------------------------------------------------

def _hosts(data: Mapping[str, Any], hosts: Iterable[Any]) -> list[Any]:
    out = [data["lead_host"]] if data.get("lead_host") else []
    for h in hosts or ():
        if h is not None and h not in out:
            out.append(h)
    return out


def create_platform(*, actor: Any, data: Mapping[str, Any], hosts: Iterable[Any] = (),
                    recognition: Mapping[str, Any] | None = None,
                    planning: bool = False) -> Platform:
    """Register a platform (its first recognition, when given, sets its level).

    The county defaults to the lead host's county. ``planning``: registered as 筹建.
    """
    if not can(actor, "add", Platform):
        raise PermissionDenied
    values = {k: data[k] for k in PLATFORM_FIELDS if k in data}
    if not values.get("county") and values.get("lead_host") is not None:
        values["county"] = values["lead_host"].county
    platform = Platform(**values, submitted_by=actor,
                        status=Platform.Status.PLANNING if planning else Platform.Status.OPERATING)
    with transaction.atomic():
        platform.full_clean()
        platform.save()
        platform.hosts.set(_hosts(values, hosts))
        if not Platform.objects.restrict(actor, "add").filter(pk=platform.pk).exists():
            raise ScopeError(_("该记录不在您的管辖范围内，未保存"))
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=platform,
                      after=snapshot(platform) | {"hosts": [h.pk for h in platform.hosts.all()]},
                      reason=_("登记创新平台"))
        if recognition and recognition.get("level"):
            platform = add_recognition(platform=platform, actor=actor, data=recognition)
    return platform


def update_platform(*, platform: Platform, actor: Any, data: Mapping[str, Any],
                    hosts: Iterable[Any] | None = None) -> Platform:
    """Edit a platform's descriptive fields and hosts (not its level: add a recognition)."""
    fields = {k: data[k] for k in (*PLATFORM_FIELDS, "version") if k in data}
    with transaction.atomic():
        before_hosts = sorted(platform.hosts.values_list("pk", flat=True))
        saved = update_object(obj=platform, actor=actor, data=fields, reason=_("修改平台信息"))
        if hosts is not None:
            new_hosts = _hosts({"lead_host": saved.lead_host}, hosts)
            saved.hosts.set(new_hosts)
            after_hosts = sorted(h.pk for h in new_hosts)
            if after_hosts != before_hosts:
                record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=saved,
                              before={"hosts": before_hosts}, after={"hosts": after_hosts},
                              reason=_("修改共建单位"))
        elif saved.lead_host_id not in before_hosts:
            saved.hosts.add(saved.lead_host)
    return saved


def add_recognition(*, platform: Platform, actor: Any, data: Mapping[str, Any]) -> Platform:
    """A recognition at a level (认定或晋级): kept as history; the level on a date is the
    highest recognition on or before it. Returns the platform with its level refreshed."""
    if not can(actor, "add", Recognition):
        raise PermissionDenied
    values = {k: data[k] for k in RECOGNITION_FIELDS if k in data}
    level, on = values.get("level"), values.get("recognised_on")
    if on and platform.ended_on and on >= platform.ended_on:
        raise DomainError(_("平台已于 %(d)s 撤销或摘牌，不能再登记认定") % {
            "d": platform.ended_on}, field="recognised_on")
    if level and Recognition.objects.filter(platform=platform, level=level).exists():
        raise DomainError(_("该平台已有%(level)s认定记录") % {
            "level": dict(Recognition._meta.get_field("level").choices)[level]},
            field="level")
    with transaction.atomic():
        create_object(model=Recognition, actor=actor,
                      data={**values, "platform": platform, "recorded_by": actor},
                      reason=_("登记认定"))
        return _refresh_level(platform, actor)


def _refresh_level(platform: Platform, actor: Any) -> Platform:
    level = highest_level(Recognition.objects.filter(platform=platform)
                          .values_list("level", flat=True))
    if level == platform.level:
        return platform
    return update_object(obj=platform, actor=actor, data={"level": level},
                         reason=_("按认定记录更新级别"))


def operate_platform(*, platform: Platform, actor: Any, reason: str = "") -> Platform:
    """筹建 → 运行."""
    return transition(platform, workflow=PLATFORM_FLOW, action="operate", actor=actor,
                      reason=reason)


def end_platform(*, platform: Platform, actor: Any, action: str, reason: str,
                 on: dt.date | None = None) -> Platform:
    """撤销 (``revoke``) or 摘牌 (``delist``) from ``on``: the platform leaves the counts from
    that day; its recognitions stay as history."""
    if action not in ("revoke", "delist"):
        raise ValueError(action)
    day = _today(on)
    last = (Recognition.objects.filter(platform=platform).order_by("-recognised_on")
            .values_list("recognised_on", flat=True).first())
    if last and day < last:
        raise DomainError(_("日期不能早于最近一次认定日期 %(d)s") % {"d": last}, field="on")
    with transaction.atomic():
        transition(platform, workflow=PLATFORM_FLOW, action=action, actor=actor, reason=reason)
        return update_object(obj=Platform.objects.get(pk=platform.pk), actor=actor,
                             data={"ended_on": day, "end_reason": reason.strip()[:500]},
                             reason=_("撤销或摘牌"))


def record_conversion(*, platform: Platform, actor: Any, enterprise: Any,
                      converted_on: dt.date, note: str = "") -> Conversion:
    """The platform became a legal-entity enterprise (改制为法人企业), an event of its record."""
    if Conversion.objects.filter(platform=platform).exists():
        raise DomainError(_("该平台已登记转制为法人企业"))
    if enterprise is None:
        raise DomainError(_("请选择法人企业"), field="enterprise")
    return create_object(model=Conversion, actor=actor, data={
        "platform": platform, "enterprise": enterprise, "converted_on": converted_on,
        "note": note, "recorded_by": actor}, reason=_("转制为法人企业"))


# ---- occupants ------------------------------------------------------------------------------

def _check_carrier(carrier: Platform) -> None:
    if not carrier.kind.carrier and not carrier.jinchuanggu:
        raise DomainError(_("只有孵化器、中试基地、成果转化中心等载体可以登记入驻主体"))


def add_occupant(*, carrier: Platform, actor: Any, data: Mapping[str, Any]) -> Occupant:
    """A startup or team settles in a carrier (the carrier's host or the bureau records it)."""
    _check_carrier(carrier)
    values = {k: data[k] for k in OCCUPANT_FIELDS if k in data}
    return create_object(model=Occupant, actor=actor, data={**values, "carrier": carrier},
                         reason=_("登记入驻"))


def update_occupant(*, occupant: Occupant, actor: Any, data: Mapping[str, Any]) -> Occupant:
    """Correct an occupant or record its graduation (毕业) or departure (迁出)."""
    values = {k: data[k] for k in (*OCCUPANT_FIELDS, "version") if k in data}
    return update_object(obj=occupant, actor=actor, data=values, reason=_("修改入驻主体"))


# ---- the annual evaluation ----------------------------------------------------------------

def open_campaign(*, actor: Any, data: Mapping[str, Any], kinds: Iterable[PlatformKind] = (),
                  ) -> Campaign:
    """Open the year's evaluation: one evaluation per platform running (or in preparation)
    of the chosen kinds, for its hosts to fill in."""
    if not can(actor, "add", Campaign):
        raise PermissionDenied
    kinds = list(kinds)
    with transaction.atomic():
        campaign = Campaign(year=data["year"], title=data["title"], due_on=data["due_on"],
                            note=data.get("note", ""), submitted_by=actor)
        campaign.full_clean()
        campaign.save()
        campaign.kinds.set(kinds)
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=campaign,
                      after=snapshot(campaign) | {"kinds": [k.pk for k in kinds]},
                      reason=_("发起年度绩效评价"))
        platforms = Platform.objects.filter(status__in=(Platform.Status.OPERATING,
                                                        Platform.Status.PLANNING),
                                            established_on__lte=dt.date(campaign.year, 12, 31))
        if kinds:
            platforms = platforms.filter(kind__in=kinds)
        items = [BulkItem(Evaluation(campaign=campaign, platform_id=pk),
                          reason=_("发起年度绩效评价"))
                 for pk in platforms.order_by("pk").values_list("pk", flat=True)]
        if not items:
            raise DomainError(_("没有符合条件的平台，未发起评价"))
        bulk_save(model=Evaluation, actor=actor, items=items)
    return campaign


def close_campaign(*, campaign: Campaign, actor: Any, reason: str = "") -> Campaign:
    return transition(campaign, workflow=CAMPAIGN_FLOW, action="close", actor=actor,
                      reason=reason)


def _open(evaluation: Evaluation) -> None:
    if evaluation.campaign.status != Campaign.Status.OPEN:
        raise DomainError(_("该评价已结束，不能再填报"))
    if evaluation.status not in (Evaluation.Status.PENDING, Evaluation.Status.RETURNED):
        raise DomainError(_("已提交的评价不能修改；如需修改请联系市局退回"))


def fill_evaluation(*, evaluation: Evaluation, actor: Any, data: Mapping[str, Any],
                    files: Iterable[Any] = (), submit: bool = True) -> Evaluation:
    """The host fills in its figures with evidence and (by default) submits them."""
    _open(evaluation)
    checked = check_files(files)
    values = {k: data[k] for k in (*Evaluation.FIGURES, "summary", "version") if k in data}
    with delete_on_error() as saved, transaction.atomic():
        obj = update_object(obj=evaluation, actor=actor, data=values, reason=_("填报绩效评价"))
        save_uploads(checked, model=EvaluationEvidence, owner={"evaluation": obj},
                     actor=actor, saved=saved)
        if submit:
            missing = [str(Evaluation._meta.get_field(f).verbose_name)
                       for f in Evaluation.FIGURES if getattr(obj, f) is None]
            if missing:
                raise DomainError(_("请填写：%(f)s") % {"f": "、".join(missing)})
            if not EvaluationEvidence.objects.filter(evaluation=obj).exists():
                raise DomainError(_("请上传佐证材料后再提交"), field="files")
            obj = transition(obj, workflow=EVALUATION_FLOW, action="submit", actor=actor)
    return obj


def grade_evaluation(*, evaluation: Evaluation, actor: Any, grade: str,
                     score: Any = None, comment: str = "") -> Evaluation:
    """The bureau grades a submitted evaluation (优秀/良好/合格/不合格)."""
    if grade not in Evaluation.Grade.values or not grade:
        raise DomainError(_("请选择评价等级"), field="grade")
    with transaction.atomic():
        obj = transition(evaluation, workflow=EVALUATION_FLOW, action="grade", actor=actor,
                         reason=comment)
        return update_object(obj=obj, actor=actor, data={
            "grade": grade, "score": score, "comment": (comment or "").strip()[:500]},
            reason=_("评定等级"))


def return_evaluation(*, evaluation: Evaluation, actor: Any, reason: str) -> Evaluation:
    with transaction.atomic():
        obj = transition(evaluation, workflow=EVALUATION_FLOW, action="return", actor=actor,
                         reason=reason)
        return update_object(obj=obj, actor=actor, data={"comment": reason.strip()[:500]},
                             reason=_("退回修改"))


def remind_hosts(*, campaign: Campaign, actor: Any | None = None) -> int:
    """Tell the host users of every platform that has not submitted (待填报 / 已退回) that the
    evaluation waits for them; one notice per user, evaluation and day. Returns the count."""
    from kechuang.accounts.models import User
    from kechuang.notices.models import Notice
    from kechuang.notices.services import notify

    if actor is not None and not can(actor, "approve", Campaign):
        raise PermissionDenied
    waiting = list(Evaluation.objects.filter(
        campaign=campaign, status__in=(Evaluation.Status.PENDING, Evaluation.Status.RETURNED))
        .select_related("platform"))
    if not waiting:
        return 0
    hosts: dict[int, set[int]] = {}
    through = Platform.hosts.through
    for platform_id, org_id in through.objects.filter(
            platform_id__in=[e.platform_id for e in waiting]).values_list(
            "platform_id", "organisation_id"):
        hosts.setdefault(platform_id, set()).add(org_id)
    org_ids = {o for s in hosts.values() for o in s}
    users_by_org: dict[int, list[Any]] = {}
    for user in User.objects.filter(is_active=True, organisation_id__in=org_ids):
        if can(user, "change", Evaluation):
            users_by_org.setdefault(user.organisation_id, []).append(user)
    today = timezone.localdate()
    sent = 0
    for ev in waiting:
        recipients = [u for o in hosts.get(ev.platform_id, ()) for u in users_by_org.get(o, ())]
        if not recipients:
            continue
        sent += notify(
            recipients=recipients, url=ev.get_absolute_url(),
            title=_("请填报%(c)s：%(p)s（截止 %(d)s）") % {
                "c": campaign.title, "p": ev.platform.name, "d": campaign.due_on.isoformat()},
            body=_("市科技局已发起年度绩效评价，请填写平台年度数据并上传佐证材料后提交。"),
            level=Notice.Level.WARNING,
            dedupe_key=f"carriers:evaluation:{ev.pk}:{today.isoformat()}")
    if actor is not None:
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=campaign,
                      before={}, after={"reminders": sent}, reason=_("提醒未填报单位"))
    return sent


# ---- import of the platform registry ---------------------------------------------------------

def _import_rules(item: BulkItem) -> Errors:
    """A registry row: the county defaults to the lead host's; a re-import may correct
    descriptive fields but never lowers a level (a promotion adds a recognition)."""
    p = item.obj
    if not p.county_id and p.lead_host_id:
        p.county_id = p.lead_host.county_id
    return []


def _import_save(*, model: Any, actor: Any, items: Any, audit: Any = None) -> None:
    """bulk_save, then each platform's lead host and the recognition the row names
    (a higher level than recorded is a promotion: a new recognition row)."""
    pending = {id(i.obj): getattr(i.obj, "_import_recognition", None) for i in items}
    bulk_save(model=model, actor=actor, items=items, audit=audit)
    through = Platform.hosts.through
    through.objects.bulk_create(
        [through(platform_id=i.obj.pk, organisation_id=i.obj.lead_host_id) for i in items],
        ignore_conflicts=True)
    existing = set(Recognition.objects.filter(platform_id__in=[i.obj.pk for i in items])
                   .values_list("platform_id", "level"))
    new = []
    for i in items:
        rec = pending.get(id(i.obj))
        if rec and (i.obj.pk, rec["level"]) not in existing:
            new.append(Recognition(platform_id=i.obj.pk, recorded_by=actor, **rec))
    Recognition.objects.bulk_create(new)
    levels: dict[int, list[str]] = {}
    for pk, level in Recognition.objects.filter(
            platform_id__in=[i.obj.pk for i in items]).values_list("platform_id", "level"):
        levels.setdefault(pk, []).append(level)
    changed = []
    for i in items:
        level = highest_level(levels.get(i.obj.pk, ()))
        if level != i.obj.level:
            before = audit_snapshot(i.obj)
            i.obj.level = level
            changed.append(BulkItem(i.obj, before=before, changed=("level",),
                                    reason=_("按认定记录更新级别")))
    if changed:
        bulk_save(model=Platform, actor=actor, items=changed, audit=audit)
    records = change_records(actor=actor, entries=(
        (ChangeRecord.Action.CREATE, r, None, snapshot(r), _("导入认定记录")) for r in new))
    if audit is not None:
        audit.extend(records)
    else:
        write_change_records(records)


PLATFORM_IMPORTS = BulkHook(model=Platform, prepare=_import_rules, save=_import_save)


# ---- scheduled reminders ----------------------------------------------------------------------

REMIND_DAYS_BEFORE = (7, 1, 0)


@daily("carriers.evaluation_reminders")
def _scheduled_reminders(today: dt.date) -> str:
    """A week before, the day before and on the due date of an open evaluation, the hosts
    that have not submitted are reminded (each reminder once a day at most)."""
    sent = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN):
        if (campaign.due_on - today).days in REMIND_DAYS_BEFORE:
            sent += remind_hosts(campaign=campaign)
    return f"平台绩效评价填报提醒 {sent} 条"
