"""Permission-matrix rows of the technology-contract pages."""

from __future__ import annotations

from kechuang.tests.matrix import BUREAU, CITY, ENTERPRISE_USERS, REVIEWERS, Route


def subject(ctx, place):
    return f"技术合同-{place}"


def contracts(ctx, place):
    """No URL kwargs: a pending contract sold by enterprise A to a buyer in county A, and one
    sold by enterprise B to a buyer in county B (both places alike)."""
    import datetime as dt
    from decimal import Decimal

    from conftest import make_enterprise
    from kechuang.techmarket import services
    from kechuang.techmarket.models import TechContract

    for p, serial in (("a", 71), ("b", 72)):
        if TechContract.objects.filter(subject=subject(ctx, p)).exists():
            continue
        seller = ctx[f"enterprise_{p}"]
        buyer = make_enterprise(seller.county, f"买方单位{p}", serial)
        services.apply_contract(actor=ctx["users"]["city_staff"], data={
            "contract_type": "transfer", "subject": subject(ctx, p), "seller": seller,
            "buyer": buyer, "turnover_yuan": Decimal("800000"),
            "signed_on": dt.date(2025, 5, 1), "applied_on": dt.date(2025, 5, 6)})
    return {}


def contract(ctx, place):
    from kechuang.techmarket.models import TechContract

    contracts(ctx, place)
    return {"pk": TechContract.objects.get(subject=subject(ctx, place)).pk}


READERS = BUREAU | ENTERPRISE_USERS
WRITERS = CITY | ENTERPRISE_USERS

ROUTES: dict[str, Route] = {
    "techmarket:contract_list": Route(allowed=READERS, kwargs=contracts, scoped=False,
                                      list_marker=subject),
    "techmarket:contract_add": Route(allowed=WRITERS, also_post=True),
    "techmarket:contract_export": Route(allowed=READERS, kwargs=contracts, scoped=False,
                                        method="POST", ok=(302,), export_marker=subject),
    "techmarket:contract_detail": Route(allowed=READERS, kwargs=contract),
    "techmarket:contract_edit": Route(allowed=WRITERS, kwargs=contract, also_post=True),
    "techmarket:contract_register": Route(allowed=REVIEWERS, kwargs=contract, method="POST",
                                          ok=(302,)),
    "techmarket:contract_refuse": Route(allowed=REVIEWERS, kwargs=contract, method="POST",
                                        ok=(302,)),
    "techmarket:contract_change": Route(allowed=REVIEWERS, kwargs=contract, method="POST",
                                        ok=(302,)),
    "techmarket:contract_cancel": Route(allowed=REVIEWERS, kwargs=contract, method="POST",
                                        ok=(302,)),
    "api-tech-contract-list": Route(allowed=READERS, api=True, kwargs=contracts, scoped=False,
                                    list_marker=subject),
    "api-tech-contract-detail": Route(allowed=READERS, api=True, kwargs=contract),
    # an empty request body: the role may, but the body is refused (400)
    "api-tech-contract-register": Route(allowed=REVIEWERS, api=True, kwargs=contract,
                                        method="POST", ok=(400,)),
    "api-tech-contract-refuse": Route(allowed=REVIEWERS, api=True, kwargs=contract,
                                      method="POST", ok=(400,)),
    "api-tech-contract-change": Route(allowed=REVIEWERS, api=True, kwargs=contract,
                                      method="POST", ok=(400,)),
    "api-tech-contract-cancel": Route(allowed=REVIEWERS, api=True, kwargs=contract,
                                      method="POST", ok=(400,)),
}
