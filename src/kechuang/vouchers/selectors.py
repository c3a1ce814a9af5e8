"""Reads of the voucher module, each starting from ``restrict(user, action)``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from kechuang.regions.models import Region
from kechuang.regions.selectors import counties
from kechuang.vouchers import ledger
from kechuang.vouchers.models import (
    Account,
    Claim,
    ClaimFile,
    CountyAllocation,
    Entry,
    Provider,
    ServiceContract,
    ServiceKind,
    Voucher,
    VoucherPolicy,
)


def policies(*, user: Any) -> QuerySet[VoucherPolicy]:
    return VoucherPolicy.objects.restrict(user, "view").order_by("-year")


def current_policy(*, user: Any) -> VoucherPolicy | None:
    return policies(user=user).first()


def policy_detail(*, user: Any, pk: int, action: str = "view") -> VoucherPolicy:
    return VoucherPolicy.objects.restrict(user, action).get(pk=pk)


def policy_of_year(year: int) -> VoucherPolicy:
    """The year's policy (reference data every signed-in user reads)."""
    return VoucherPolicy.objects.get(year=year)


def kinds_of(*, policy: VoucherPolicy) -> QuerySet[ServiceKind]:
    return ServiceKind.objects.filter(policy=policy).order_by("id")


def policy_years(*, user: Any) -> list[tuple[int, int]]:
    """(year, pk) of every policy, newest first (the policy page's year switcher)."""
    return list(policies(user=user).values_list("year", "pk"))


def kind_detail(*, user: Any, pk: int, action: str = "view") -> ServiceKind:
    return ServiceKind.objects.restrict(user, action).select_related("policy").get(pk=pk)


def allocations(*, user: Any, policy: VoucherPolicy, action: str = "view"
                ) -> QuerySet[CountyAllocation]:
    return (CountyAllocation.objects.restrict(user, action).filter(policy=policy)
            .select_related("county", "policy").order_by("county__sort_order", "county__code"))


def allocation_detail(*, user: Any, pk: int, action: str = "view") -> CountyAllocation:
    return CountyAllocation.objects.restrict(user, action).select_related(
        "county", "policy").get(pk=pk)


def with_balances(rows: Any) -> list[CountyAllocation]:
    """Each allocation with ``remaining_fen`` (its county budget account) and ``issued_fen``
    (allocation − remaining), one query for the lot."""
    rows = list(rows)
    keys = {ledger.account_key(a.policy.year, Account.Kind.COUNTY_BUDGET, county=a.county_id): a
            for a in rows}
    found = dict(Account.objects.filter(key__in=keys).values_list("key", "balance_fen"))
    for key, a in keys.items():
        # no account yet: the whole allocation was issued before it existed (opening)
        a.remaining_fen = found.get(key, 0)
        a.issued_fen = a.amount_fen - a.remaining_fen
    return rows


def unallocated_fen(policy: VoucherPolicy) -> int:
    """The city's budget neither allocated to a county nor issued."""
    key = ledger.account_key(policy, Account.Kind.BUDGET)
    return Account.objects.filter(key=key).values_list(
        "balance_fen", flat=True).first() or 0


def allocation_candidates(*, user: Any, policy: VoucherPolicy) -> QuerySet[Region]:
    """Counties without an allocation under the policy yet."""
    return counties(user=user).exclude(pk__in=CountyAllocation.objects.filter(
        policy=policy).values("county_id"))


def voucher_list(*, user: Any, action: str = "view",
                 filters: dict[str, Any] | None = None) -> QuerySet[Voucher]:
    """The vouchers a user may see, with their available balance (one query)."""
    f = filters or {}
    qs = Voucher.objects.restrict(user, action).select_related(
        "policy", "enterprise__county").annotate(
        available_fen=Sum("accounts__balance_fen",
                          filter=Q(accounts__kind=Account.Kind.VOUCHER_AVAILABLE)))
    if f.get("q"):
        qs = qs.filter(Q(enterprise__name__icontains=f["q"]) | Q(number__icontains=f["q"]))
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("year"):
        qs = qs.filter(policy__year=f["year"])
    return qs.order_by("-created_at", "-id")


def voucher_detail(*, user: Any, pk: int, action: str = "view") -> Voucher:
    return Voucher.objects.restrict(user, action).select_related(
        "policy", "enterprise__county").get(pk=pk)


def balance_of(voucher: Voucher) -> int:
    return ledger.available(voucher)


def claim_list(*, user: Any, action: str = "view",
               filters: dict[str, Any] | None = None) -> QuerySet[Claim]:
    f = filters or {}
    qs = Claim.objects.restrict(user, action).select_related(
        "voucher__enterprise__county", "contract__provider__organisation")
    if f.get("q"):
        qs = qs.filter(Q(invoice_no__icontains=f["q"]) | Q(contract__contract_no__icontains=f["q"])
                       | Q(voucher__enterprise__name__icontains=f["q"])
                       | Q(contract__provider__organisation__name__icontains=f["q"]))
    if f.get("county"):
        qs = qs.filter(voucher__enterprise__county_id=f["county"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("year"):
        qs = qs.filter(policy_year=f["year"])
    return qs.order_by("-created_at", "-id")


def claim_detail(*, user: Any, pk: int, action: str = "view") -> Claim:
    return Claim.objects.restrict(user, action).select_related(
        "voucher__enterprise__county", "voucher__policy", "contract__provider__organisation",
        "submitted_by").get(pk=pk)


def files_of(*, claim: Claim) -> QuerySet[ClaimFile]:
    """The files of a claim the caller has already read through restrict()."""
    return ClaimFile.objects.filter(claim=claim).order_by("kind", "id")


def claim_file_detail(*, user: Any, pk: int) -> ClaimFile:
    return ClaimFile.objects.restrict(user, "view").get(pk=pk)


def contracts_for(*, user: Any, voucher: Voucher | None = None) -> QuerySet[ServiceContract]:
    qs = ServiceContract.objects.restrict(user, "view").select_related(
        "voucher__enterprise", "provider__organisation")
    if voucher is not None:
        qs = qs.filter(voucher=voucher)
    return qs.order_by("-created_at", "-id")


def contract_detail(*, user: Any, pk: int, action: str = "view") -> ServiceContract:
    return ServiceContract.objects.restrict(user, action).select_related(
        "voucher__enterprise", "voucher__policy", "provider__organisation").get(pk=pk)


def claims_of(*, user: Any, voucher: Voucher | None = None,
              contract: ServiceContract | None = None) -> QuerySet[Claim]:
    qs = Claim.objects.restrict(user, "view").select_related("contract")
    if voucher is not None:
        qs = qs.filter(voucher=voucher)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.order_by("-created_at", "-id")


def provider_list(*, user: Any, action: str = "view",
                  filters: dict[str, Any] | None = None) -> QuerySet[Provider]:
    f = filters or {}
    qs = Provider.objects.restrict(user, action).select_related("organisation__county")
    if f.get("q"):
        qs = qs.filter(organisation__name__icontains=f["q"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("county"):
        qs = qs.filter(organisation__county_id=f["county"])
    return qs.order_by("organisation__name", "id")


def provider_detail(*, user: Any, pk: int, action: str = "view") -> Provider:
    return Provider.objects.restrict(user, action).select_related(
        "organisation__county").get(pk=pk)


def own_provider(*, user: Any) -> Provider | None:
    org = getattr(user, "organisation_id", None)
    if org is None:
        return None
    return Provider.objects.restrict(user, "view").filter(organisation_id=org).first()


def listed_providers(*, user: Any) -> QuerySet[Provider]:
    return Provider.objects.restrict(user, "view").filter(
        status=Provider.Status.LISTED).select_related("organisation")


def filter_counties(*, user: Any) -> QuerySet[Region]:
    return counties(user=user)


def years() -> list[int]:
    return list(VoucherPolicy.objects.order_by("-year").values_list("year", flat=True))


# ---- reconciliation ----------------------------------------------------------------------

MOVES = ("issuance", "reservation", "payout", "release", "lapse")


def reconciliation(*, user: Any, year: int) -> dict[str, list[dict[str, Any]]]:
    """Per county, provider and service kind: issued, reserved (net, still held), paid,
    released and lapsed amounts in fen, from the ledger's entries (one query per view)."""
    entries = Entry.objects.restrict(user, "view").filter(policy__year=year)
    out: dict[str, list[dict[str, Any]]] = {}
    views = {
        "county": ("voucher__enterprise__county__name", "voucher__enterprise__county_id"),
        "provider": ("claim__contract__provider__organisation__name",
                     "claim__contract__provider_id"),
        "kind": ("claim__contract__service_kind", "claim__contract__service_kind"),
    }
    for view, (label, key) in views.items():
        qs = entries.filter(kind__in=MOVES)
        if view != "county":
            qs = qs.exclude(claim__isnull=True)
        rows = (qs.values(label, key).annotate(
            **{m: Sum("amount_fen", filter=Q(kind=m)) for m in MOVES},
            n=Count("claim", distinct=True)).order_by(label))
        out[view] = [{
            "label": r[label] or "—", "issued": r["issuance"] or 0,
            "reserved": (r["reservation"] or 0) - (r["payout"] or 0) - (r["release"] or 0),
            "paid": r["payout"] or 0, "released": r["release"] or 0,
            "lapsed": r["lapse"] or 0, "claims": r["n"]} for r in rows]
    kinds = dict(ServiceKind.objects.filter(policy__year=year).values_list("code", "name"))
    for r in out["kind"]:
        r["label"] = kinds.get(r["label"], r["label"])
    return out
