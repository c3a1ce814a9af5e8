"""Browser (Debian Chromium through Playwright): an enterprise applies for a voucher, the
county reviews it, the city approves it; the provider files a claim on their confirmed
contract (refused until both evidence files are attached), the city approves and pays it, and
the enterprise sees the voucher's balance drop and downloads the claim's files."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                       reason="Debian chromium is not installed"),
]


CONTEXTS: list = []


@pytest.fixture(autouse=True)
def _close_contexts(browser):  # noqa: F811 (after the browser starts, before it stops)
    """Close the extra users' browsers before the live server stops (no request in flight)."""
    yield
    while CONTEXTS:
        CONTEXTS.pop().close()


def as_user(browser, live_server, username):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    CONTEXTS.append(context)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    login(pg, live_server, username)
    return pg


@pytest.mark.django_db(transaction=True)
def test_apply_approve_claim_pay_and_the_balance_drops(page, browser, live_server,  # noqa: F811
                                                       users, policy, provider):
    from kechuang.vouchers import services
    from kechuang.vouchers.models import Voucher

    login(page, live_server, "enterprise_a_user")
    page.goto(f"{live_server.url}/vouchers/apply/")
    page.fill("#id_face_value_yuan", "30000")
    page.fill("#id_legal_representative", "张三")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/vouchers/*/")
    voucher = Voucher.objects.get()
    assert voucher.status == "applied"

    county = as_user(browser, live_server, "county_a_staff")
    county.goto(f"{live_server.url}/vouchers/{voucher.pk}/")
    county.get_by_test_id("action-review").click()
    county.wait_for_selector('[data-testid="status"]')
    city = as_user(browser, live_server, "city_staff")
    city.goto(f"{live_server.url}/vouchers/{voucher.pk}/")
    city.get_by_test_id("action-approve").click()
    city.wait_for_selector('[data-testid="balance"]')
    voucher.refresh_from_db()
    assert voucher.status == "issued"
    page.goto(f"{live_server.url}/vouchers/{voucher.pk}/")
    assert page.get_by_test_id("balance").inner_text() == "30,000.00"

    # the contract both parties signed (recorded by the enterprise, confirmed by the provider)
    contract = services.create_contract(actor=users["enterprise_a_user"], voucher=voucher,
                                        provider=provider, data={
                                            "contract_no": "HT-B1", "service_kind": "testing",
                                            "subject": "材料检测", "fee_fen": 2_000_000,
                                            "signed_on": dt.date(2025, 3, 1)})
    prov = as_user(browser, live_server, "provider")
    prov.goto(f"{live_server.url}/vouchers/contracts/{contract.pk}/")
    prov.get_by_test_id("confirm").click()
    prov.get_by_test_id("add-claim").click()
    prov.fill("#id_invoice_no", "FP-B1")
    prov.fill("#id_fee_yuan", "20000")
    prov.fill("#id_service_completed_on", "2025-05-01")
    prov.get_by_test_id("save").click()  # no files: both missing ones are named
    prov.wait_for_selector(".invalid-feedback, .alert-danger")
    body = prov.content()
    assert "请上传付款凭证" in body and "请上传服务完成证明" in body
    from kechuang.vouchers.demo import _pdf, _png

    prov.set_input_files("#id_payment_proof_files", files=[{
        "name": "回单.pdf", "mimeType": "application/pdf", "buffer": _pdf(["slip"])}])
    prov.set_input_files("#id_completion_evidence_files", files=[{
        "name": "验收.png", "mimeType": "image/png", "buffer": _png(9)}])
    prov.get_by_test_id("save").click()
    prov.wait_for_selector('[data-testid="explanation"]')
    assert prov.get_by_test_id("claim-file").count() == 2
    assert "10,000.00" in prov.get_by_test_id("amount").inner_text()
    claim_url = prov.url

    city.goto(claim_url)
    city.get_by_test_id("action-approve").click()
    city.get_by_test_id("action-pay").click()
    city.wait_for_selector('[data-testid="status"]')
    assert "已兑付" in city.get_by_test_id("status").inner_text()

    page.goto(f"{live_server.url}/vouchers/{voucher.pk}/")
    assert page.get_by_test_id("balance").inner_text() == "20,000.00"
    page.goto(claim_url)  # the enterprise downloads the provider's payment proof
    with page.expect_download() as download:
        page.get_by_text("回单.pdf").click()
    assert download.value.suggested_filename == "回单.pdf"
