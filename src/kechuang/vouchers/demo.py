"""Demo vouchers for the 2025 plan (``manage.py demo``, after the enterprises).

A 2025 policy (50 %, ¥100,000 a year per enterprise, ¥50,000 a voucher, seven service kinds,
one with its own ratio; the budget allocated to every county but one), every service
organisation listed (one delisted in the summer, one application waiting), vouchers for
tech SMEs and high-tech enterprises in every county (most issued, some waiting for the
county or the city, a few refused, some with a short window that lapsed mid-year) and
claims in every state: pending, approved, paid, rejected, and refused by the rule (delisted
provider, related party). Written through the services, so the ledger, the workflow history
and the audit trail look like real use.

Idempotent: when a 2025 policy exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.orgs.models import Organisation
from kechuang.vouchers import services
from kechuang.vouchers.models import Claim, Provider, VoucherPolicy

YEAR = 2025
D = dt.date
KINDS = [("rd", "研究开发", None), ("testing", "检验检测", None),
         ("consulting", "技术咨询/技术服务", None), ("instruments", "大型科学仪器共享", None),
         ("ip", "知识产权服务", Decimal("0.3")), ("evaluation", "科技成果评价", None),
         ("design", "工业设计", None)]


def _pdf(lines: list[str]) -> bytes:
    """A small valid one-page PDF with ``lines`` of ASCII text (Helvetica, no font file)."""
    text = " ".join(f"({line}) Tj 0 -18 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 760 Td {text} ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _png(shade: int) -> bytes:
    """A small valid grey PNG (16 × 16), generated: no image library needed."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + bytes([shade % 256]) * 16 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def evidence_files(invoice_no: str) -> dict[str, list[SimpleUploadedFile]]:
    """The two files a claim is filed with (services.CLAIM_FILES), small and generated: a
    payment slip (PDF) and a completion report (PDF) with a photo (PNG). Fresh objects on
    every call (an upload is read once)."""
    pdf = "application/pdf"
    return {
        "payment_proof_files": [SimpleUploadedFile(
            f"付款凭证-{invoice_no}.pdf",
            _pdf(["Payment slip (demo)", f"Invoice {invoice_no}"]), pdf)],
        "completion_evidence_files": [
            SimpleUploadedFile(f"验收报告-{invoice_no}.pdf",
                               _pdf(["Service acceptance report (demo)",
                                     f"Invoice {invoice_no}"]), pdf),
            SimpleUploadedFile(f"现场照片-{invoice_no}.png", _png(len(invoice_no) * 37),
                               "image/png")],
    }


def _user(username: str, role: str, full_name: str, **extra: object) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=full_name, **extra)
        user.set_unusable_password()
        user.save()
    return user


def _county_user(county_id: int) -> User:
    user = (User.objects.filter(role=Role.COUNTY_STAFF, county_id=county_id, is_active=True)
            .order_by("pk").first())
    return user or _user(f"demo_county_{county_id}", Role.COUNTY_STAFF, "县区审核员",
                         county_id=county_id)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def seed_demo_vouchers(*, seed: int = 2025, vouchers: int = 60) -> dict[str, int]:
    if VoucherPolicy.objects.filter(year=YEAR).exists():
        return {}
    orgs = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE,
                                            tier__in=("tech_sme", "high_tech"))
                .order_by("pk"))
    providers_orgs = list(Organisation.objects.filter(
        kind=Organisation.Kind.SERVICE_PROVIDER).order_by("pk"))
    if not orgs or not providers_orgs:
        return {}
    rng = random.Random(f"vouchers:{seed}")
    city = _user("city_staff", Role.CITY_STAFF, "李晓燕")
    stats = {"vouchers": 0, "claims": 0}
    with audit_context(source="cli:demo"):
        policy = services.create_policy(actor=city, data={
            "year": YEAR, "name": "长治市2025年度科技创新券",
            "document": "配置示例（山西省/长治市文件未取得）",
            "ratio": Decimal("0.5"), "annual_cap_fen": 10_000_000, "face_value_fen": 5_000_000,
            "budget_fen": 500_000_000, "valid_from": D(YEAR, 1, 1), "valid_to": D(YEAR, 12, 31),
            "required_tiers": "tech_sme,high_tech", "in_city_only": True},
            kinds=[{"code": c, "name": n, "ratio": r} for c, n, r in KINDS])
        providers: list[Provider] = []
        for i, org in enumerate(providers_orgs):
            p = services.apply_listing(actor=city, organisation=org, data={
                "services": ",".join(c for c, _n, _r in rng.sample(KINDS, 3)),
                "legal_representative": f"法人{i}", "shareholders": f"股东{i}"})
            if i == len(providers_orgs) - 1 and i > 0:
                continue  # an application still waiting
            p = services.decide_listing(actor=city, provider=p, action="list",
                                        on=D(YEAR, 1, 5))
            providers.append(p)
        delisted = providers[-1] if len(providers) > 2 else None
        # the showcase enterprise first, so its login has a voucher
        picks = sorted(rng.sample(orgs, min(vouchers, len(orgs))),
                       key=lambda o: (o.name != "长治市科创示范光电科技有限公司", o.pk))
        _allocate(city, policy, picks)
        issued = []
        for n, org in enumerate(picks):
            short = n % 9 == 8  # a voucher with a half-year window, lapsed on 1 July
            v = services.apply_voucher(actor=city, policy=policy, enterprise=org, data={
                "face_value_fen": rng.choice((2_000_000, 3_000_000, 5_000_000)),
                "valid_to": D(YEAR, 6, 30) if short else None,
                "purpose": "委托检测与研发服务",
                "legal_representative": "法人0" if n == 5 else f"企业法人{n}"})
            stats["vouchers"] += 1
            roll = n % 10
            if roll == 9 and n:
                continue  # waiting for the county
            if roll == 7:
                services.decide_voucher(actor=_county_user(org.county_id), voucher=v,
                                        action="refuse", reason="申请材料不全")
                continue
            v = services.decide_voucher(actor=_county_user(org.county_id), voucher=v,
                                        action="review")
            if roll == 8 and not short:
                continue  # waiting for the city
            v = services.decide_voucher(actor=city, voucher=v, action="approve",
                                        on=D(YEAR, 2, 1))
            issued.append(v)
        if delisted is not None:
            services.decide_listing(actor=city, provider=delisted, action="delist",
                                    reason="年度考核不合格", on=D(YEAR, 7, 31))
        for n, v in enumerate(issued):
            p = providers[n % len(providers)]
            kinds = [k for k in p.service_codes] or ["testing"]
            c = services.create_contract(actor=city, voucher=v, provider=p, data={
                "contract_no": f"CXQHT{YEAR}{n:04d}", "service_kind": kinds[0],
                "subject": "委托检测与技术服务", "fee_fen": rng.randrange(20, 120) * 100_000,
                "signed_on": D(YEAR, 3, 1), "related_declared": n % 17 == 16})
            for k in range(1 + n % 2):
                done = _day(rng, D(YEAR, 3, 10), D(YEAR, 6, 25) if v.valid_to.month == 6
                            else D(YEAR, 11, 30))
                if p is delisted and k:
                    done = D(YEAR, 9, 15)  # after the delisting: refused by the rule
                claim, _created = services.file_claim(actor=city, contract=c, data={
                    "invoice_no": f"FP{YEAR}{n:04d}{k}",
                    "fee_fen": rng.randrange(10, 80) * 100_000, "service_completed_on": done,
                    "payment_proof": "银行转账回单", "completion_evidence": "服务验收报告"},
                    files=evidence_files(f"FP{YEAR}{n:04d}{k}"))
                stats["claims"] += 1
                if claim.status != Claim.Status.PENDING:
                    continue
                roll = (n + k) % 6
                if roll == 0:
                    continue  # pending review
                if roll == 1:
                    services.decide_claim(actor=city, claim=claim, action="reject",
                                          reason="发票与合同金额不一致")
                    continue
                claim = services.decide_claim(actor=city, claim=claim, action="approve")
                if roll != 2:
                    services.decide_claim(actor=city, claim=claim, action="pay",
                                          on=done + dt.timedelta(days=30))
        stats["lapsed"] = services.lapse_expired(today=D(YEAR, 7, 1))
    return stats


def _allocate(city: User, policy: VoucherPolicy, picks: list[Organisation]) -> None:
    """Most of the budget allocated to the counties: each gets room for its applicants'
    largest vouchers plus ¥100,000; the first county of the list gets none (it draws on the
    city's unallocated budget)."""
    from kechuang.regions.selectors import counties

    wanted: dict[int, int] = {}
    for org in picks:
        wanted[org.county_id] = wanted.get(org.county_id, 0) + policy.face_value_fen
    for county in list(counties())[1:]:
        services.save_allocation(actor=city, policy=policy, county=county,
                                 amount_fen=wanted.get(county.pk, 0) + 10_000_000)


def demo_step(*, seed: int = 2025, **options: object) -> str:
    """``manage.py demo``'s voucher step (vouchers/manifest.py)."""
    s = seed_demo_vouchers(seed=seed)
    if not s:
        return ""
    by = {st: Claim.objects.filter(status=st).count() for st in Claim.Status.values}
    return (f"科技创新券演示数据：{s['vouchers']} 张申请，{s['claims']} 笔兑付申请（"
            + "，".join(f"{Claim.Status(k).label} {v}" for k, v in by.items())
            + f"），年中到期失效 {s['lapsed']} 张")
