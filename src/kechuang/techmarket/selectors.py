"""Reads of technology contracts: the scoped list (page, export), one contract, its history,
the deadline state, and the organisations a contract may name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kechuang.orgs.models import Organisation
from kechuang.policy import credit_code as cc
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties
from kechuang.techmarket.models import ContractEvent, NonTechnicalCost, TechContract

OVERDUE = "overdue"


def contract_list(*, user: Any, action: str = "view",
                  filters: dict[str, Any] | None = None) -> QuerySet[TechContract]:
    """The contracts a user may see, filtered; the same rows feed the page and the export."""
    f = filters or {}
    qs = TechContract.objects.restrict(user, action).select_related(
        "seller", "buyer", "registrant__county")
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(subject__icontains=term) | Q(registration_no__icontains=term)
                       | Q(seller__name__icontains=term) | Q(buyer__name__icontains=term))
    if f.get("county"):
        qs = qs.filter(registrant__county_id=f["county"])
    if f.get("contract_type"):
        qs = qs.filter(contract_type=f["contract_type"])
    if f.get("status") == OVERDUE:
        qs = qs.filter(status=TechContract.Status.APPLIED,
                       deadline_on__lt=timezone.localdate())
    elif f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("year"):
        qs = qs.filter(Q(registered_on__year=f["year"])
                       | Q(registered_on__isnull=True, applied_on__year=f["year"]))
    return qs.order_by("-applied_on", "-id")


def contract_detail(*, user: Any, pk: int, action: str = "view") -> TechContract:
    return TechContract.objects.restrict(user, action).select_related(
        "seller__county", "buyer__county", "registrant__county", "submitted_by").get(pk=pk)


def costs_of(*, contract: TechContract) -> QuerySet[NonTechnicalCost]:
    """The costs of a contract the caller has already read through restrict()."""
    return NonTechnicalCost.objects.filter(contract=contract).order_by("id")


def events_of(*, contract: TechContract) -> QuerySet[ContractEvent]:
    return ContractEvent.objects.filter(contract=contract).select_related("actor").order_by(
        "effective_on", "id")


def is_overdue(contract: TechContract, today: dt.date | None = None) -> bool:
    """Pending past the office's deadline (the warning on the list and the detail)."""
    today = today or timezone.localdate()
    return (contract.status == TechContract.Status.APPLIED and contract.deadline_on is not None
            and contract.deadline_on < today)


def filter_counties(*, user: Any) -> QuerySet[Region]:
    """Counties for the list's filter: the counties the user's contracts are counted in."""
    ids = TechContract.objects.restrict(user, "view").values("registrant__county_id")
    return counties().filter(pk__in=ids)


def contract_years(*, user: Any) -> list[int]:
    dates = TechContract.objects.restrict(user, "view").dates("applied_on", "year",
                                                              order="DESC")
    return [d.year for d in dates]


def find_organisation(text: str) -> Organisation | None:
    """A contract party by id, credit code or exact name (any organisation may be a party)."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) < 18:
        return Organisation.objects.filter(pk=int(text)).first()
    code = cc.normalize(text)
    if cc.is_valid(code):
        found = Organisation.objects.filter(credit_code=code).first()
        if found:
            return found
    matches = list(Organisation.objects.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None


def organisations_by_code(codes: set[str]) -> dict[str, Organisation]:
    """Contract parties by credit code, in one query (any organisation may be a party)."""
    if not codes:
        return {}
    return {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes)
            .only("pk", "credit_code", "name", "county_id")}


def contracts_by_number(numbers: set[str]) -> dict[str, TechContract]:
    """Contracts already holding these registration numbers (any scope), in one query."""
    if not numbers:
        return {}
    return {c.registration_no: c for c in TechContract.objects.filter(
        registration_no__in=numbers).select_related("seller", "buyer")}
