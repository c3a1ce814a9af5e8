"""Writes to organisations, chain memberships and annual reports — each audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.accounts.access import is_enterprise_user
from kechuang.accounts.models import User
from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.services import (
    BulkHook,
    BulkItem,
    Errors,
    bulk_save,
    create_object,
    delete_object,
    update_object,
)
from kechuang.orgs.models import (
    ChainMembership,
    Enterprise,
    EnterpriseAnnualReport,
    IndustrialChain,
    Organisation,
)
from kechuang.policy import credit_code as cc
from kechuang.regions.services import load_regions, read_region_file

# An enterprise keeps its own profile but cannot move itself, change its code or its tier.
ENTERPRISE_LOCKED_FIELDS = ("county", "credit_code", "tier", "above_scale")


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if data.get("credit_code"):
        data["credit_code"] = cc.normalize(data["credit_code"])
    return data


def create_enterprise(*, actor: User, data: dict[str, Any]) -> Enterprise:
    data = _normalise(data)
    data["kind"] = Organisation.Kind.ENTERPRISE
    chains = data.pop("chain_memberships", None)
    with transaction.atomic():
        obj = create_object(model=Enterprise, actor=actor, data=data)
        if chains is not None:
            set_chain_memberships(actor=actor, organisation=obj, memberships=chains)
    return obj


def update_enterprise(*, actor: User, enterprise: Organisation, data: dict[str, Any]) -> Enterprise:
    data = _normalise(data)
    data.pop("kind", None)
    chains = data.pop("chain_memberships", None)
    if is_enterprise_user(actor):
        for locked_field in ENTERPRISE_LOCKED_FIELDS:
            data.pop(locked_field, None)
            data.pop(f"{locked_field}_id", None)
    with transaction.atomic():
        obj = update_object(obj=Enterprise.objects.get(pk=enterprise.pk), actor=actor, data=data)
        if chains is not None:
            set_chain_memberships(actor=actor, organisation=obj, memberships=chains)
    return obj


def create_organisation(*, actor: User, data: dict[str, Any]) -> Organisation:
    return create_object(model=Organisation, actor=actor, data=_normalise(data))


def update_organisation(
    *, actor: User, organisation: Organisation, data: dict[str, Any]
) -> Organisation:
    if organisation.kind == Organisation.Kind.ENTERPRISE:
        return update_enterprise(actor=actor, enterprise=organisation, data=data)
    data = _normalise(data)
    data.pop("kind", None)
    return update_object(obj=organisation, actor=actor, data=data)


def set_chain_memberships(
    *, actor: User, organisation: Organisation, memberships: list[tuple[IndustrialChain, str]]
) -> None:
    """Replace the organisation's chain memberships; each change is audited."""
    if not can(actor, "change", ChainMembership):
        raise PermissionDenied
    if not Organisation.objects.restrict(actor, "change").filter(pk=organisation.pk).exists():
        raise ScopeError(_("该企业不在您的管辖范围内，未保存"))
    with transaction.atomic():
        current = {m.chain_id: m for m in organisation.chain_memberships.all()}
        wanted = {chain.pk: role for chain, role in memberships}
        for chain_id, m in current.items():
            if chain_id not in wanted:
                record_change(actor=actor, action=ChangeRecord.Action.DELETE, obj=m,
                              before=snapshot(m))
                m.delete()
            elif m.role != wanted[chain_id]:
                before = snapshot(m)
                m.role = wanted[chain_id]
                m.save()
                record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=m,
                              before=before, after=snapshot(m))
        for chain_id, role in wanted.items():
            if chain_id not in current:
                m = ChainMembership.objects.create(organisation=organisation, chain_id=chain_id,
                                                   role=role)
                record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=m,
                              after=snapshot(m))


def create_annual_report(*, actor: User, data: dict[str, Any]) -> EnterpriseAnnualReport:
    return create_object(model=EnterpriseAnnualReport, actor=actor, data=data)


def update_annual_report(
    *, actor: User, report: EnterpriseAnnualReport, data: dict[str, Any]
) -> EnterpriseAnnualReport:
    data = {k: v for k, v in data.items() if k not in ("enterprise", "enterprise_id")}
    return update_object(obj=report, actor=actor, data=data)


def _report_rules(item: BulkItem) -> Errors:
    """What ``update_annual_report`` keeps: a report never moves to another enterprise."""
    if item.before is not None and item.obj.enterprise_id != item.before.get("enterprise_id"):
        return [("enterprise", _("年度报表不能改到另一家企业名下；请在该企业下新增或修改报表"))]
    return []


def bulk_save_annual_reports(*, actor: User, items: list[BulkItem],
                             audit: list[ChangeRecord] | None = None, **_kw: Any) -> None:
    """Create and update many reports (imports): the bulk form of ``create_annual_report``
    and ``update_annual_report`` — the same rights, rules, scope and change records."""
    if any(_report_rules(item) for item in items):
        raise DomainError(_("年度报表不能改到另一家企业名下，未写入任何数据"))
    bulk_save(model=EnterpriseAnnualReport, actor=actor, items=items, audit=audit)


# The import engine's way in (``ImportSpec.service``): validated and written as above.
ANNUAL_REPORTS = BulkHook(model=EnterpriseAnnualReport, prepare=_report_rules,
                          save=bulk_save_annual_reports)


def delete_annual_report(*, actor: User, report: EnterpriseAnnualReport) -> None:
    delete_object(obj=report, actor=actor)


@transaction.atomic
def load_city(*, path: str | Path) -> dict[str, int]:
    """The city data file: its regions, then its industrial chains; idempotent."""
    counts = load_regions(path=path)
    chains = load_chains(rows=read_region_file(path).get("industrial_chains", []))
    return counts | {"chains_created": chains}


def load_chains(*, rows: list[dict[str, Any]]) -> int:
    """Reference data from the city data file; idempotent."""
    created = 0
    for i, row in enumerate(rows, start=1):
        _, was_created = IndustrialChain.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": i})
        created += int(was_created)
    return created
