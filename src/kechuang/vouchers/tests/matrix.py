"""Permission-matrix rows of the voucher pages.

The fixture rows of place a/b: a voucher of enterprise A/B (county A/B), a contract and a
claim with a provider organisation of that county — not the provider login's organisation,
so the provider login sees none of them (its own rows are checked in test_views.py).
"""

from __future__ import annotations

from kechuang.tests.matrix import BUREAU, CITY, ENTERPRISE_USERS, SIGNED_IN, Route

SERIAL = {"a": 93, "b": 94}  # credit-code serials no other matrix fixture uses


def invoice(ctx, place):
    return f"FP-MATRIX-{place}"


def ent_name(ctx, place):
    return ctx[f"enterprise_{place}"].name


def rows(ctx, place=None):
    """Builds both places once; returns {} (no URL kwargs)."""
    import datetime as dt

    from conftest import make_enterprise
    from kechuang.vouchers import services
    from kechuang.vouchers.demo import evidence_files
    from kechuang.vouchers.models import Claim, VoucherPolicy
    from kechuang.vouchers.tests.conftest import make_policy

    if Claim.objects.filter(invoice_no=invoice(ctx, "a")).exists():
        return {}
    users = ctx["users"]
    city = users["city_staff"]
    policy = VoucherPolicy.objects.filter(year=2025).first() or make_policy(city)
    for p in ("a", "b"):
        ent = ctx[f"enterprise_{p}"]
        org = make_enterprise(ent.county, f"矩阵服务机构{p}", SERIAL[p], kind="service_provider",
                              industry_code="M74")
        prov = services.apply_listing(actor=city, organisation=org,
                                      data={"services": "testing"})
        prov = services.decide_listing(actor=city, provider=prov, action="list",
                                       on=dt.date(2025, 1, 2))
        v = services.apply_voucher(actor=city, policy=policy, enterprise=ent, data={})
        v = services.decide_voucher(actor=users[f"county_{p}_staff"], voucher=v, action="review")
        v = services.decide_voucher(actor=city, voucher=v, action="approve")
        c = services.create_contract(actor=city, voucher=v, provider=prov, data={
            "contract_no": f"HT-MATRIX-{p}", "service_kind": "testing", "subject": "检测",
            "fee_fen": 1_000_000, "signed_on": dt.date(2025, 3, 1)})
        services.file_claim(actor=city, contract=c, data={
            "invoice_no": invoice(ctx, p), "fee_fen": 1_000_000,
            "service_completed_on": dt.date(2025, 4, 1)}, files=evidence_files(invoice(ctx, p)))
    return {}


def _obj(model_name: str, field: str, value):
    def kwargs(ctx, place):
        from django.apps import apps

        rows(ctx)
        model = apps.get_model("vouchers", model_name)
        return {"pk": model.objects.get(**{field: value(ctx, place)}).pk}
    return kwargs


voucher = _obj("Voucher", "enterprise", lambda ctx, p: ctx[f"enterprise_{p}"])
contract = _obj("ServiceContract", "contract_no", lambda ctx, p: f"HT-MATRIX-{p}")
claim = _obj("Claim", "invoice_no", invoice)
provider = _obj("Provider", "organisation__name", lambda ctx, p: f"矩阵服务机构{p}")


def claim_file(ctx, place):
    """Place's claim's payment proof (stored by file_claim with the claim)."""
    from kechuang.vouchers.models import ClaimFile

    rows(ctx)
    return {"pk": ClaimFile.objects.get(claim__invoice_no=invoice(ctx, place),
                                        kind="payment_proof").pk}


def with_action(kwargs, action):
    def build(ctx, place):
        return {**kwargs(ctx, place), "action": action}
    return build


def policy(ctx, place):
    from kechuang.vouchers.models import VoucherPolicy

    rows(ctx)
    return {"pk": VoucherPolicy.objects.get(year=2025).pk}


ALLOCATED = {"a": 12_340_100, "b": 12_340_200}  # fen: ¥123,401.00 / ¥123,402.00


def allocations(ctx, place=None):
    """Both fixture counties get an allocation of the 2025 budget (their issued voucher
    counted towards it); returns {"pk": the 2025 policy}."""
    from kechuang.vouchers import services
    from kechuang.vouchers.models import CountyAllocation, VoucherPolicy

    kwargs = policy(ctx, place)
    if not CountyAllocation.objects.exists():
        for p in ("a", "b"):
            services.save_allocation(actor=ctx["users"]["city_staff"],
                                     policy=VoucherPolicy.objects.get(pk=kwargs["pk"]),
                                     county=ctx[f"enterprise_{p}"].county,
                                     amount_fen=ALLOCATED[p])
    return kwargs


def allocation(ctx, place):
    from kechuang.vouchers.models import CountyAllocation

    allocations(ctx)
    return {"pk": CountyAllocation.objects.get(county=ctx[f"enterprise_{place}"].county).pk}


def allocated_text(ctx, place):
    return f"{ALLOCATED[place] / 100:,.2f}"


def kind(ctx, place):
    from kechuang.vouchers.models import ServiceKind

    rows(ctx)
    return {"pk": ServiceKind.objects.get(policy__year=2025, code="testing").pk}


PROVIDER = {"provider"}
VOUCHER_READERS = BUREAU | ENTERPRISE_USERS
PARTIES = BUREAU | ENTERPRISE_USERS | PROVIDER
LEDGER = CITY | {"auditor"}
# listed providers are public to enterprise users; a county sees its own county's
PROVIDER_VISIBLE = {"city_admin": {"a", "b"}, "city_staff": {"a", "b"},
                    "county_a_staff": {"a"}, "county_b_staff": {"b"},
                    "enterprise_a_user": {"a", "b"}, "enterprise_b_user": {"a", "b"},
                    "provider": set()}

ROUTES: dict[str, Route] = {
    "vouchers:voucher_list": Route(allowed=VOUCHER_READERS, kwargs=rows, scoped=False,
                                   list_marker=ent_name),
    "vouchers:voucher_apply": Route(allowed=CITY | ENTERPRISE_USERS, also_post=True),
    "vouchers:voucher_export": Route(allowed=VOUCHER_READERS, kwargs=rows, scoped=False,
                                     method="POST", ok=(302,), export_marker=ent_name),
    "vouchers:voucher_detail": Route(allowed=VOUCHER_READERS, kwargs=voucher),
    # refusing without a reason: the role may, the step asks for the reason (redirect back)
    "vouchers:voucher_decide": Route(allowed=BUREAU, kwargs=with_action(voucher, "refuse"),
                                     method="POST", ok=(302,)),
    "vouchers:contract_add": Route(allowed=CITY | ENTERPRISE_USERS | PROVIDER, kwargs=voucher,
                                   also_post=True),
    "vouchers:contract_detail": Route(allowed=PARTIES, kwargs=contract),
    "vouchers:contract_confirm": Route(allowed=CITY | ENTERPRISE_USERS | PROVIDER,
                                       kwargs=contract, method="POST", ok=(302,)),
    "vouchers:claim_add": Route(allowed=CITY | ENTERPRISE_USERS | PROVIDER, kwargs=contract,
                                also_post=True),
    "vouchers:claim_list": Route(allowed=PARTIES, kwargs=rows, scoped=False,
                                 list_marker=invoice),
    "vouchers:claim_export": Route(allowed=PARTIES, kwargs=rows, scoped=False, method="POST",
                                   ok=(302,), export_marker=invoice),
    "vouchers:claim_detail": Route(allowed=PARTIES, kwargs=claim),
    "vouchers:claim_decide": Route(allowed=CITY, kwargs=with_action(claim, "approve"),
                                   method="POST", ok=(302,)),
    "vouchers:provider_list": Route(allowed=PARTIES, kwargs=rows, scoped=False),
    "vouchers:provider_apply": Route(allowed=CITY | PROVIDER, also_post=True),
    "vouchers:provider_export": Route(allowed=BUREAU, kwargs=rows, scoped=False, method="POST",
                                      ok=(302,)),
    "vouchers:provider_detail": Route(allowed=PARTIES, kwargs=provider,
                                      visible=PROVIDER_VISIBLE),
    "vouchers:provider_decide": Route(allowed=CITY, kwargs=with_action(provider, "delist"),
                                      method="POST", ok=(302,)),
    "vouchers:policy_detail": Route(allowed=SIGNED_IN, kwargs=policy, scoped=False),
    "vouchers:kind_add": Route(allowed=CITY, kwargs=policy, scoped=False, method="POST",
                               ok=(302,)),
    "vouchers:policy_add": Route(allowed=CITY, also_post=True),
    "vouchers:policy_edit": Route(allowed=CITY, kwargs=policy, scoped=False, also_post=True),
    "vouchers:policy_copy": Route(allowed=CITY, kwargs=policy, scoped=False, method="POST",
                                  ok=(302,)),
    "vouchers:kind_edit": Route(allowed=CITY, kwargs=kind, scoped=False, also_post=True),
    "vouchers:kind_deactivate": Route(allowed=CITY, kwargs=kind, scoped=False, method="POST",
                                      ok=(302,)),
    "vouchers:kind_activate": Route(allowed=CITY, kwargs=kind, scoped=False, method="POST",
                                    ok=(302,)),
    # city staff manage the allocations; a county reads its own county's row
    "vouchers:allocation_list": Route(allowed=BUREAU | {"auditor"}, kwargs=allocations,
                                      scoped=False, list_marker=allocated_text),
    "vouchers:allocation_export": Route(allowed=BUREAU | {"auditor"}, kwargs=allocations,
                                        scoped=False),
    "vouchers:allocation_add": Route(allowed=CITY, kwargs=allocations, scoped=False,
                                     also_post=True),
    "vouchers:allocation_edit": Route(allowed=CITY, kwargs=allocation, also_post=True),
    "vouchers:reconciliation": Route(allowed=LEDGER, kwargs=rows, scoped=False),
    "vouchers:reconciliation_export": Route(allowed=LEDGER, kwargs=rows, scoped=False),
    "api-voucher-list": Route(allowed=VOUCHER_READERS, api=True, kwargs=rows, scoped=False,
                              list_marker=ent_name),
    "api-voucher-detail": Route(allowed=VOUCHER_READERS, api=True, kwargs=voucher),
    "api-voucher-claim-list": Route(allowed=PARTIES, api=True, kwargs=rows, scoped=False,
                                    list_marker=invoice),
    "api-voucher-claim-detail": Route(allowed=PARTIES, api=True, kwargs=claim),
    # decisions (the matrix's vouchers are issued, its claims pending; empty bodies): the
    # workflow answers 400 for a step the state does not have or a missing reason, 403 for
    # a role the step is not for; approving a pending claim succeeds
    "api-voucher-review": Route(allowed={"county_a_staff", "county_b_staff"}, api=True,
                                kwargs=voucher, method="POST", ok=(400,)),
    "api-voucher-approve": Route(allowed=CITY, api=True, kwargs=voucher, method="POST",
                                 ok=(400,)),
    "api-voucher-refuse": Route(allowed=BUREAU, api=True, kwargs=voucher, method="POST",
                                ok=(400,)),
    "api-voucher-claim-approve": Route(allowed=CITY, api=True, kwargs=claim, method="POST"),
    "api-voucher-claim-reject": Route(allowed=CITY, api=True, kwargs=claim, method="POST",
                                      ok=(400,)),  # no reason given
    "api-voucher-claim-pay": Route(allowed=CITY, api=True, kwargs=claim, method="POST",
                                   ok=(400,)),  # not approved yet
    "vouchers:claim_file_download": Route(allowed=PARTIES, kwargs=claim_file),
    "api-voucher-provider-list": Route(allowed=PARTIES, api=True, kwargs=rows, scoped=False),
    "api-voucher-provider-detail": Route(allowed=PARTIES, api=True, kwargs=provider,
                                         visible=PROVIDER_VISIBLE),
}
