"""The voucher ledger: balanced entries on accounts, moved by conditional updates.

An entry's postings sum to zero. A posting that takes money out of an account other than a
source account is a conditional ``UPDATE … SET balance = balance - x WHERE balance >= x``
(shared/docs/dependencies.md §3): when it touches no row the whole entry is refused
(:class:`Insufficient`, naming the account) and the caller's transaction rolls back, so two
clerks or two hundred concurrent claims can never overdraw a voucher, an enterprise's annual
cap or the year's budget. The check constraint on ``Account.balance_fen`` is the last guard.
Accounts are updated in primary-key order so concurrent entries never deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from kechuang.vouchers.models import Account, CountyAllocation, Entry, Posting, VoucherPolicy

K = Account.Kind

REFUSAL = {
    K.BUDGET: "年度预算余额不足",
    K.COUNTY_BUDGET: "县区分配额度余额不足",
    K.VOUCHER_AVAILABLE: "创新券余额不足（已被其他兑付申请占用或已失效）",
    K.VOUCHER_RESERVED: "创新券占用金额不足",
    K.CAP_AVAILABLE: "企业本年度额度不足（已被其他兑付申请占用）",
    K.CAP_RESERVED: "企业年度额度占用金额不足",
}


class Insufficient(Exception):  # noqa: N818 - a refusal, not a programming error
    """A conditional update found too little on ``account``; nothing was written."""

    def __init__(self, account: Account, amount: int) -> None:
        self.account = account
        self.amount = amount
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(REFUSAL.get(self.account.kind, "账户余额不足"))


def account_key(policy: VoucherPolicy | int, kind: str, *, voucher: Any = None,
                enterprise: Any = None, county: Any = None) -> str:
    year = policy if isinstance(policy, int) else policy.year
    key = f"{year}:{kind}"
    if voucher is not None:
        key += f":v{getattr(voucher, 'pk', voucher)}"
    if enterprise is not None:
        key += f":e{getattr(enterprise, 'pk', enterprise)}"
    if county is not None:
        key += f":c{getattr(county, 'pk', county)}"
    return key


def account(policy: VoucherPolicy, kind: str, *, voucher: Any = None,
            enterprise: Any = None, county: Any = None) -> Account:
    """The account, created on first use (concurrent creators meet on the unique key)."""
    key = account_key(policy, kind, voucher=voucher, enterprise=enterprise, county=county)
    acc, _created = Account.objects.get_or_create(
        key=key, defaults={"kind": kind, "policy": policy,
                           "voucher_id": getattr(voucher, "pk", voucher),
                           "enterprise_id": getattr(enterprise, "pk", enterprise)})
    return acc


@dataclass(frozen=True)
class Move:
    account: Account
    amount_fen: int  # signed: negative takes out of the account


def post(kind: str, policy: VoucherPolicy, moves: Sequence[Move], *, voucher: Any = None,
         claim: Any = None, memo: str = "") -> Entry:
    """Write one balanced entry, or raise :class:`Insufficient` having written nothing."""
    moves = [m for m in moves if m.amount_fen]
    if not moves or sum(m.amount_fen for m in moves) != 0:
        raise ValueError("an entry's postings must be non-empty and sum to zero")
    with transaction.atomic():
        for m in sorted(moves, key=lambda m: m.account.pk):
            qs = Account.objects.filter(pk=m.account.pk)  # lint: allow
            if m.amount_fen < 0 and m.account.kind not in Account.SOURCES:
                qs = qs.filter(balance_fen__gte=-m.amount_fen)
            if qs.update(balance_fen=F("balance_fen") + m.amount_fen) != 1:
                raise Insufficient(m.account, -m.amount_fen)
        entry = Entry.objects.create(
            kind=kind, policy=policy, voucher=voucher, claim=claim, memo=memo[:300],
            # the money moved (a claim's entries move the same amount on the voucher's
            # accounts and on the enterprise's cap accounts: counted once)
            amount_fen=max(m.amount_fen for m in moves))
        Posting.objects.bulk_create(
            [Posting(entry=entry, account=m.account, amount_fen=m.amount_fen) for m in moves])
    return entry


def balance(acc: Account) -> int:
    """The derived balance: the sum of the account's postings."""
    postings = Posting.objects.filter(account=acc)  # lint: allow
    return postings.aggregate(s=Sum("amount_fen"))["s"] or 0


# -- the five movements (plus funding) ----------------------------------------------------


def fund(policy: VoucherPolicy, amount_fen: int, memo: str = "") -> Entry | None:
    """The year's budget is put at the policy's disposal (or reduced: negative amount)."""
    if not amount_fen:
        return None
    src, budget = account(policy, K.FUNDING), account(policy, K.BUDGET)
    return post(Entry.Kind.FUNDING, policy, [Move(src, -amount_fen), Move(budget, amount_fen)],
                memo=memo or _("年度预算"))


def lock(acc: Account) -> None:
    """Hold the account's row until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
    transactions are serial anyway): decisions read under it cannot go stale.

    Lock order: the audit trail's lock (taken by the workflow transition or the audited
    save that comes first), then the budget row, then the accounts an entry updates."""
    Account.objects.select_for_update().filter(pk=acc.pk).values_list("pk").get()  # lint: allow


def county_budget(policy: VoucherPolicy, county_id: Any) -> Account | None:
    """The county's budget account when the county has an allocation, else None (the city's
    unallocated budget pays). Call with the policy's budget account locked."""
    if county_id is None or not CountyAllocation.objects.filter(  # lint: allow
            policy=policy, county_id=county_id).exists():
        return None
    return account(policy, K.COUNTY_BUDGET, county=county_id)


def issue(voucher: Any) -> Entry:
    """Budget → the voucher's available balance: the county's allocation when its county has
    one, else the city's unallocated budget. The enterprise's annual cap is granted the first
    time it receives a voucher of the year."""
    with transaction.atomic():
        return _issue(voucher)


def _issue(voucher: Any) -> Entry:
    policy = voucher.policy
    budget = account(policy, K.BUDGET)
    # the source is chosen under the budget row's lock, so an allocation being created for
    # the county at the same moment either sees this issuance or is seen by it
    lock(budget)
    county = getattr(voucher.enterprise, "county_id", None)
    source = county_budget(policy, county) or budget
    cap = account(policy, K.CAP_AVAILABLE, enterprise=voucher.enterprise_id)
    granted = Posting.objects.filter(account=cap).exists  # lint: allow
    # two vouchers of one enterprise approved at once: the cap is granted once (checked again
    # under the cap row's lock; locked only before the first grant, when no claim can hold it)
    if not granted() and (lock(cap) or not granted()):
        post(Entry.Kind.CAP_GRANT, policy,
             [Move(account(policy, K.CAP_GRANTS), -policy.annual_cap_fen),
              Move(cap, policy.annual_cap_fen)], voucher=voucher,
             memo=_("企业年度额度"))
    return post(Entry.Kind.ISSUANCE, policy,
                [Move(source, -voucher.face_value_fen),
                 Move(account(policy, K.VOUCHER_AVAILABLE, voucher=voucher),
                      voucher.face_value_fen)],
                voucher=voucher, memo=_("发放创新券"))


def allocate(policy: VoucherPolicy, county_id: int, amount_fen: int) -> Entry | None:
    """Move ``amount_fen`` from the city's unallocated budget to the county's allocation (a
    negative amount moves it back: only as far as the county has not issued it)."""
    if not amount_fen:
        return None
    budget, county = account(policy, K.BUDGET), account(policy, K.COUNTY_BUDGET,
                                                         county=county_id)
    return post(Entry.Kind.ALLOCATION, policy,
                [Move(budget, -amount_fen), Move(county, amount_fen)],
                memo=_("县区预算分配") if amount_fen > 0 else _("调减县区预算分配"))


def issued_in_county(policy: VoucherPolicy, county_id: int) -> int:
    """What vouchers of the county's enterprises took from the city's unallocated budget
    (before the county had an allocation)."""
    budget = account(policy, K.BUDGET)
    return -(Posting.objects.filter(  # lint: allow
        account=budget, entry__kind=Entry.Kind.ISSUANCE,
        entry__voucher__enterprise__county_id=county_id).aggregate(
        s=Sum("amount_fen"))["s"] or 0)


def accounts(policy: VoucherPolicy, wanted: dict[str, tuple[str, Any, Any]]
             ) -> dict[str, Account]:
    """Several accounts at once: name → (kind, voucher, enterprise). One query reads those
    that exist; only a missing one is created (:func:`account`, on its unique key)."""
    keys = {name: account_key(policy, kind, voucher=v, enterprise=e)
            for name, (kind, v, e) in wanted.items()}
    rows = Account.objects.filter(key__in=keys.values())  # lint: allow
    found = {acc.key: acc for acc in rows}
    return {name: found.get(key) or account(policy, wanted[name][0], voucher=wanted[name][1],
                                            enterprise=wanted[name][2])
            for name, key in keys.items()}


def _claim_accounts(claim: Any, *names: str) -> dict[str, Account]:
    """The claim's accounts that an entry moves (read in one query, not one each)."""
    v, policy = claim.voucher, claim.voucher.policy
    e = v.enterprise_id
    every = {
        "va": (K.VOUCHER_AVAILABLE, v, None),
        "vr": (K.VOUCHER_RESERVED, v, None),
        "ca": (K.CAP_AVAILABLE, None, e),
        "cr": (K.CAP_RESERVED, None, e),
        "cu": (K.CAP_USED, None, e),
        "paid": (K.PAID, None, None),
    }
    return accounts(policy, {n: every[n] for n in names})


def reserve(claim: Any) -> Entry:
    a, x = _claim_accounts(claim, "va", "vr", "ca", "cr"), claim.amount_fen
    return post(Entry.Kind.RESERVATION, claim.voucher.policy,
                [Move(a["va"], -x), Move(a["vr"], x), Move(a["ca"], -x), Move(a["cr"], x)],
                voucher=claim.voucher, claim=claim, memo=_("兑付申请占用"))


def pay(claim: Any) -> Entry:
    a, x = _claim_accounts(claim, "vr", "paid", "cr", "cu"), claim.amount_fen
    return post(Entry.Kind.PAYOUT, claim.voucher.policy,
                [Move(a["vr"], -x), Move(a["paid"], x), Move(a["cr"], -x), Move(a["cu"], x)],
                voucher=claim.voucher, claim=claim, memo=_("兑付"))


def release(claim: Any) -> Entry:
    a, x = _claim_accounts(claim, "vr", "va", "cr", "ca"), claim.amount_fen
    return post(Entry.Kind.RELEASE, claim.voucher.policy,
                [Move(a["vr"], -x), Move(a["va"], x), Move(a["cr"], -x), Move(a["ca"], x)],
                voucher=claim.voucher, claim=claim, memo=_("驳回释放"))


def lapse(voucher: Any, *, claim: Any = None) -> Entry | None:
    """The voucher's whole available balance lapses (year-end expiry)."""
    policy = voucher.policy
    va = account(policy, K.VOUCHER_AVAILABLE, voucher=voucher)
    row = Account.objects.filter(pk=va.pk)  # lint: allow
    amount = row.values_list("balance_fen", flat=True).get()
    if amount <= 0:
        return None
    return post(Entry.Kind.LAPSE, policy,
                [Move(va, -amount), Move(account(policy, K.LAPSED), amount)],
                voucher=voucher, claim=claim, memo=_("有效期届满，余额失效"))


def available(voucher: Any) -> int:
    """The voucher's available balance (the guard copy; ``check_vouchers`` verifies it)."""
    key = account_key(voucher.policy, K.VOUCHER_AVAILABLE, voucher=voucher)
    row = Account.objects.filter(key=key)  # lint: allow
    return row.values_list("balance_fen", flat=True).first() or 0


def lapsed(voucher: Any) -> int:
    return Entry.objects.filter(voucher=voucher, kind=Entry.Kind.LAPSE).aggregate(  # lint: allow
        s=Sum("amount_fen"))["s"] or 0


# -- verification -------------------------------------------------------------------------


def verify(policy: VoucherPolicy | None = None) -> list[str]:
    """Every violation of the ledger's invariants, in Chinese (empty: the ledger is sound)."""
    from django.db.models import Count, Q

    problems: list[str] = []
    entries = Entry.objects.all()  # lint: allow
    entries = entries if policy is None else entries.filter(policy=policy)
    bad = (entries.annotate(s=Sum("postings__amount_fen"), n=Count("postings"))
           .exclude(s=0).values_list("pk", "kind", "s"))
    problems += [_("凭证 %(pk)s（%(kind)s）借贷不平：合计 %(s)s 分") % {"pk": pk, "kind": k, "s": s}
                 for pk, k, s in bad]
    accounts = Account.objects.all()  # lint: allow
    accounts = accounts if policy is None else accounts.filter(policy=policy)
    derived = dict(Posting.objects.filter(account__in=accounts).values("account")  # lint: allow
                   .annotate(s=Sum("amount_fen")).values_list("account", "s"))
    total = 0
    caps: dict[int, int] = {}
    for acc in accounts.select_related("policy"):
        d = derived.get(acc.pk, 0)
        total += d
        if d != acc.balance_fen:
            problems.append(_("账户 %(key)s 余额 %(b)s 分与分录合计 %(d)s 分不一致") % {
                "key": acc.key, "b": acc.balance_fen, "d": d})
        if d < 0 and acc.kind not in Account.SOURCES:
            problems.append(_("账户 %(key)s 余额为负：%(d)s 分") % {"key": acc.key, "d": d})
        if acc.kind in (K.CAP_RESERVED, K.CAP_USED) and acc.enterprise_id:
            k = (acc.policy_id, acc.enterprise_id)
            caps[k] = caps.get(k, 0) + d
            if caps[k] > acc.policy.annual_cap_fen:
                problems.append(_("企业 %(e)s 在 %(y)s 年度的兑付占用 %(d)s 分超过年度额度 "
                                  "%(c)s 分") % {"e": acc.enterprise_id, "y": acc.policy.year,
                                               "d": caps[k], "c": acc.policy.annual_cap_fen})
    if total != 0:
        problems.append(_("全部账户合计 %(t)s 分，不为零") % {"t": total})
    problems += _verify_allocations(policy)
    from kechuang.vouchers.models import Claim, Voucher
    vouchers = Voucher.objects.all()  # lint: allow
    vouchers = vouchers if policy is None else vouchers.filter(policy=policy)
    over = vouchers.annotate(used=Sum("claims__amount_fen", filter=Q(
        claims__status__in=["pending", "approved", "paid"]))).filter(used__gt=F("face_value_fen"))
    problems += [_("创新券 %(v)s 的兑付占用 %(u)s 分超过面额 %(f)s 分") % {
        "v": v.pk, "u": v.used, "f": v.face_value_fen} for v in over]
    claims = Claim.objects.all() if policy is None else Claim.objects.filter(  # lint: allow
        voucher__policy=policy)
    expected = {"pending": {"reservation"}, "approved": {"reservation"},
                "paid": {"reservation", "payout"}, "rejected": {"reservation", "release"},
                "refused": set()}
    kinds: dict[int, set[str]] = {}
    for cid, kind in Entry.objects.filter(claim__in=claims).exclude(  # lint: allow
            kind=Entry.Kind.LAPSE).values_list("claim", "kind"):
        kinds.setdefault(cid, set()).add(kind)
    for cid, status, amount in claims.values_list("pk", "status", "amount_fen"):
        want = expected[status] if amount else set()
        if kinds.get(cid, set()) != want:
            problems.append(_("兑付申请 %(c)s（%(s)s）的记账 %(k)s 与状态不符") % {
                "c": cid, "s": status, "k": sorted(kinds.get(cid, set()))})
    return problems


def _verify_allocations(policy: VoucherPolicy | None) -> list[str]:
    """Each county allocation = what was issued in the county before it existed + the ledger's
    allocation postings on the county's budget account."""
    allocations = CountyAllocation.objects.select_related("policy", "county")  # lint: allow
    if policy is not None:
        allocations = allocations.filter(policy=policy)
    keys = {account_key(a.policy, K.COUNTY_BUDGET, county=a.county_id): a for a in allocations}
    moved = dict(Posting.objects.filter(  # lint: allow
        account__key__in=keys, entry__kind=Entry.Kind.ALLOCATION).values(
        "account__key").annotate(s=Sum("amount_fen")).values_list("account__key", "s"))
    return [_("%(y)s 年度%(c)s的分配额度 %(a)s 分与台账（分配前已发放 %(o)s 分 + 分配 %(m)s 分）"
              "不一致") % {"y": a.policy.year, "c": a.county.name, "a": a.amount_fen,
                         "o": a.opening_fen, "m": moved.get(k, 0)}
            for k, a in keys.items() if a.amount_fen != a.opening_fen + moved.get(k, 0)]
