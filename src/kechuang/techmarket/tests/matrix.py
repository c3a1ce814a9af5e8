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


def attachment(ctx, place):
    """An attachment on place's contract (a one-page PDF, through the service)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.techmarket import services
    from kechuang.techmarket.models import ContractAttachment, TechContract

    contracts(ctx, place)
    c = TechContract.objects.get(subject=subject(ctx, place))
    att = ContractAttachment.objects.filter(contract=c).first()
    if att is None:
        pdf = SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n",
                                 content_type="application/pdf")
        att = services.add_attachments(contract=c, actor=ctx["users"]["city_staff"],
                                       files=[pdf])[0]
    return {"pk": att.pk}


def candidates(ctx, place):
    """A non-规上 tech-service enterprise in each county (both places alike)."""
    from conftest import make_enterprise
    from kechuang.orgs.models import Organisation

    for p, serial in (("a", 81), ("b", 82)):
        name = f"科技服务候选-{p}"
        if not Organisation.objects.filter(name=name).exists():
            make_enterprise(ctx[f"enterprise_{p}"].county, name, serial, industry_code="M74",
                            above_scale=False)
    return {}


def candidate_marker(ctx, place):
    return f"科技服务候选-{place}"


ROUTES.update({
    "techmarket:contract_attach": Route(allowed=WRITERS, kwargs=contract, method="POST",
                                        ok=(302,)),
    "techmarket:attachment_download": Route(allowed=READERS, kwargs=attachment),
    "techmarket:statistics": Route(allowed=BUREAU),
    "techmarket:gdp_list": Route(allowed=BUREAU),
    "techmarket:gdp_add": Route(allowed=CITY, also_post=True),
    "techmarket:gdp_export": Route(allowed=BUREAU, method="POST", ok=(302,)),
    "techmarket:service_enterprises": Route(allowed=BUREAU),
    "techmarket:candidate_list": Route(allowed=BUREAU, kwargs=candidates, scoped=False,
                                       list_marker=candidate_marker),
    "techmarket:candidate_export": Route(allowed=BUREAU, kwargs=candidates, method="POST",
                                         ok=(302,), scoped=False,
                                         export_marker=candidate_marker),
    "techmarket:conversion_add": Route(allowed=CITY, also_post=True),
    "techmarket:conversion_list": Route(allowed=BUREAU),
    "techmarket:conversion_export": Route(allowed=BUREAU, method="POST", ok=(302,)),
})

ROUTES.update({
    "api-county-gdp-list": Route(allowed=BUREAU, api=True),
    "api-tech-service-candidate-list": Route(allowed=BUREAU, api=True, kwargs=candidates,
                                             scoped=False, list_marker=candidate_marker),
    "api-tech-market-statistics-list": Route(allowed=BUREAU, api=True),
})
