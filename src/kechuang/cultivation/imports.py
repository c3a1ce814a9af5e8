"""Excel import of cultivation records (registration / certificate / leader lists): the specs.

Three kinds, each with a downloadable template (``{% import_button %}`` on the record list);
one row is one record, and the key decides between create and update:

* ``cultivation.registration`` — 科技型中小企业入库登记; key 统一社会信用代码 + 评价年度.
* ``cultivation.certificate`` — 高新技术企业证书; key 证书编号.
* ``cultivation.leader`` — 高科技领军企业认定; key 统一社会信用代码 + 认定年度.

Decisions:

* **Keys follow the records' identity.** A registration is "one per enterprise and evaluation
  year" (its unique constraint), so the key is (code, year) and a corrected 入库登记编号 is an
  update; the number is also unique, so it must not repeat within the file
  (``ImportSpec.unique``, reported on both rows) nor belong to another registration in the
  database (error, without saying whose). A certificate is identified by its number; a
  number already recorded for *another* enterprise is an error, not a silent move (a code
  pasted into the wrong line must not carry a certificate away) — moving one is done on its
  page. A number recorded outside the clerk's scope is an error too (it cannot be created).
* **The same rules as the services.** Each row goes through the model's ``full_clean``
  (number formats, 入库日期 inside the evaluation year, 证书编号 year = 发证日期 year, no date
  after today …); ``expires_on`` is computed from 发证日期 (``certificate_expiry``), never
  read; numbers are normalised (spaces, full-width characters, lower case) before the
  duplicate check, as the models do on save. Dates before the scheme existed are rejected
  by the column range (发证日期 ≥ 2008, the current 认定办法; 入库日期 ≥ 2017).
* **The enterprise** is looked up in bulk through ``Enterprise.objects.restrict(user,
  "change")``; an unknown one and one of another county get the same single message as the
  annual-report import. 企业名称 is optional and, when filled in, must match.
* **Status is not importable**: no 状态 / 撤销 columns. New records are registered / valid;
  an update never touches the status, so a revoked record stays revoked (revocation and its
  reason go through the workflow on the record's page).
* **Tiers**: after the last chunk is written, ``refresh_tiers`` recomputes the tier of every
  enterprise whose records were created or updated — in the same transaction, in bulk
  (``selectors.tiers_for``: three queries per 2,000 enterprises, one locked read, one bulk
  update, one ChangeRecord per changed tier: ``refresh_tier``'s reason + the import run).
* A blank optional cell keeps the stored value on an update (the default on a new record);
  a workbook imported twice is all "unchanged" the second time and writes nothing.
* 备注 (note) is importable; evidence files are not (upload them on the record's page).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.cultivation import selectors
from kechuang.cultivation.models import (
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
)
from kechuang.cultivation.services import (
    CERTIFICATES,
    LEADERS,
    REGISTRATIONS,
    TIER_REASON,
    refresh_tiers,
)
from kechuang.imports.cells import normalize_label
from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.orgs.imports import enterprises_by_code
from kechuang.orgs.models import Organisation
from kechuang.policy.credit_code import make_code

REGISTRATION_KIND = "cultivation.registration"
CERTIFICATE_KIND = "cultivation.certificate"
LEADER_KIND = "cultivation.leader"
FIRST_CERTIFICATE_DAY = dt.date(2008, 1, 1)  # 国科发火〔2008〕172号: GR numbers since 2008
FIRST_REGISTRATION_DAY = dt.date(2017, 1, 1)  # 国科发政〔2017〕115号: evaluation since 2017


def _label(model: type[Model], name: str) -> Any:
    return model._meta.get_field(name).verbose_name


def _year_limits(model: type[Model], name: str) -> dict[str, Any]:
    field = model._meta.get_field(name)
    limits = {type(v).__name__: v.limit_value for v in field.validators}
    return {"min_value": limits.get("MinValueValidator"),
            "max_value": limits.get("MaxValueValidator")}


def normalize_number(value: Any) -> str:
    """A record number as stored: full-width → ASCII, no spaces, upper case."""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).upper()


def _enterprise_columns() -> list[Column]:
    return [
        Column(gettext_lazy("统一社会信用代码"), "credit_code", "credit_code", required=True,
               help=gettext_lazy("企业须已在企业库中；请设为文本格式")),
        Column(gettext_lazy("企业名称"), "enterprise_name", "text",
               help=gettext_lazy("选填；填写时须与系统中该信用代码的企业名称一致")),
    ]


def _note_column(model: type[Model]) -> Column:
    return Column(_label(model, "note"), "note", "text",
                  help=gettext_lazy("选填；修改时留空则保留系统中的原备注"))


# ---- shared look-ups ---------------------------------------------------------------------


def _enterprises(ctx: ImportContext, rows: list[ImportRow]) -> dict[str, Organisation]:
    """The enterprises the rows name, in the user's scope: one query per chunk."""
    return enterprises_by_code(ctx, {r.data["credit_code"] for r in rows
                                     if r.data.get("credit_code")})


def _enterprise_of(row: ImportRow, enterprises: dict[str, Organisation]) -> Organisation | None:
    """The row's enterprise, or None with the error on the row (same words as the
    annual-report import: unknown and out of scope are one message)."""
    code = row.data.get("credit_code")
    if code is None:  # the cell itself was wrong: already reported
        return None
    enterprise = enterprises.get(code)
    if enterprise is None:
        row.add_error("credit_code", _(
            "系统中没有统一社会信用代码为 %(code)s 的企业，或该企业不在您的管辖范围内"
            "（新企业请先在企业库中新增）") % {"code": code})
        return None
    name = row.data.get("enterprise_name")
    if name and normalize_label(name) != normalize_label(enterprise.name):
        row.add_error("enterprise_name", _(
            "企业名称与统一社会信用代码不符：系统中该代码的企业为“%(name)s”") % {
            "name": enterprise.name})
        return None
    return enterprise


def _locked(qs: Any, ctx: ImportContext) -> Any:
    # PostgreSQL: nobody edits these rows until the import commits (SQLite: no-op)
    return qs.select_for_update(of=("self",)) if ctx.committing else qs


# ---- tiers -------------------------------------------------------------------------------


def refresh_tiers_after_import(spec: ImportSpec, ctx: ImportContext,
                               rows: list[ImportRow]) -> None:
    """``after_commit`` of every cultivation spec: the tiers of the enterprises touched."""
    ids = {r.instance.enterprise_id for r in rows}  # type: ignore[union-attr]
    ids |= {r.old["enterprise_id"] for r in rows if r.old.get("enterprise_id")}
    run = _("Excel导入 #%(run)s") % {"run": ctx.run_id or "-"}
    refresh_tiers(enterprise_ids=ids, actor=ctx.user, reason=f"{TIER_REASON}（{run}）")


def _record_spec(model: type[Model], *, notes: list[Any], **kw: Any) -> ImportSpec:
    """Register a record import: what the three share (the enterprise by credit code, the
    tiers refreshed after the commit, and the note saying so)."""
    return register(ImportSpec(
        title=model._meta.verbose_name, model=model, after_commit=refresh_tiers_after_import,
        notes=[*notes, gettext_lazy("导入后系统自动更新相关企业的培育梯队。")],
        clean_exclude=("enterprise", "created_by"),
        field_labels={"enterprise": gettext_lazy("统一社会信用代码")}, **kw))


# ---- 科技型中小企业入库登记 ---------------------------------------------------------------------


def registration_columns() -> list[Column]:
    m = TechSmeRegistration
    return [
        *_enterprise_columns(),
        Column(_label(m, "year"), "year", "int", required=True, **_year_limits(m, "year"),
               help=gettext_lazy("入库所属的评价年度，如 2025")),
        Column(_label(m, "registration_no"), "registration_no", "text", required=True,
               normalize=normalize_number, width=22,
               help=gettext_lazy("1–32 位数字或大写字母，如 2025140403A0000123；"
                                 "不能与其他入库登记重复")),
        Column(_label(m, "registered_on"), "registered_on", "date", required=True,
               min_value=FIRST_REGISTRATION_DAY,
               help=gettext_lazy("须在评价年度内，且不晚于今天")),
        _note_column(m),
    ]


def resolve_registrations(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Three queries per chunk: enterprises, their registrations of those years, and the
    registrations already holding the numbers (any county: the number is unique)."""
    if not rows:
        return
    enterprises = _enterprises(ctx, rows)
    years = {r.data["year"] for r in rows}
    existing = {(r.enterprise_id, r.year): r for r in _locked(
        TechSmeRegistration.objects.restrict(ctx.user, "change").filter(
            enterprise_id__in=[e.pk for e in enterprises.values()], year__in=years), ctx)}
    numbers = {r.data["registration_no"] for r in rows if r.data.get("registration_no")}
    holders = selectors.registration_holders(numbers)
    for row in rows:
        enterprise = _enterprise_of(row, enterprises)
        if enterprise is None:
            continue
        year = row.data["year"]
        number = row.data.get("registration_no")
        if number and holders.get(number, (enterprise.pk, year)) != (enterprise.pk, year):
            row.add_error("registration_no", _(
                "入库登记编号“%(no)s”已用于系统中的另一条入库登记，编号不能重复") % {"no": number})
            continue
        registration = existing.get((enterprise.pk, year))
        if registration is None:
            registration = TechSmeRegistration(enterprise=enterprise, year=year,
                                               created_by=ctx.user)
        else:
            registration.enterprise = enterprise  # the related cache only: same id
        row.instance = registration


def _describe_registration(r: Any) -> str:
    return f"{r.enterprise.name} · {r.year}年 · {r.registration_no}"


REGISTRATION_SPEC = _record_spec(
    TechSmeRegistration,
    kind=REGISTRATION_KIND,
    columns=registration_columns(),
    key=("credit_code", "year"),
    unique=(("registration_no",),),
    resolve=resolve_registrations,
    service=REGISTRATIONS,
    example={"credit_code": make_code("91140403MA0K12345"),
             "enterprise_name": "长治示例科技有限公司", "year": 2025,
             "registration_no": "2025140403A0000123", "registered_on": dt.date(2025, 4, 15),
             "note": ""},
    notes=[
        gettext_lazy("每家企业每个评价年度一条：同一企业同一年度已有登记的，按导入数据修改"
                     "（可更正入库登记编号、入库日期）；否则新增，状态为“已入库”。"),
        gettext_lazy("入库登记编号在全系统中不能重复；企业须已在企业库中，县区工作人员只能导入本县区企业。"),
        gettext_lazy("导入不会改变登记的状态：已撤销的登记仍为已撤销；撤销请在登记详情页办理。"),
    ],
    describe=_describe_registration,
)


# ---- 高新技术企业证书 ---------------------------------------------------------------------------


def certificate_columns() -> list[Column]:
    m = HighTechCertificate
    return [
        *_enterprise_columns(),
        Column(_label(m, "certificate_no"), "certificate_no", "text", required=True,
               normalize=normalize_number, width=18,
               help=gettext_lazy("GR + 4 位年份（与发证年份一致）+ 2 位省份代码 + 6 位序号，"
                                 "如 GR202514000123")),
        Column(_label(m, "issued_on"), "issued_on", "date", required=True,
               min_value=FIRST_CERTIFICATE_DAY,
               help=gettext_lazy("不晚于今天；有效期至由系统按发证日期起三年计算，无需填写")),
        Column(_label(m, "batch"), "batch", "text", help=m._meta.get_field("batch").help_text),
        Column(_label(m, "kind"), "kind", "choice", choices=m.Kind.choices,
               help=gettext_lazy("选填，新增时默认为“首次认定”")),
        _note_column(m),
    ]


def resolve_certificates(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Three queries per chunk: enterprises, the certificates of those numbers in scope, and
    the numbers recorded outside it."""
    if not rows:
        return
    enterprises = _enterprises(ctx, rows)
    numbers = {r.data["certificate_no"] for r in rows}
    existing = {c.certificate_no: c for c in _locked(
        HighTechCertificate.objects.restrict(ctx.user, "change").select_related("enterprise")
        .filter(certificate_no__in=numbers), ctx)}
    outside = numbers - existing.keys()
    elsewhere = selectors.certificate_numbers_taken(outside) if outside else set()
    for row in rows:
        number = row.data["certificate_no"]
        if number in elsewhere:
            row.add_error("certificate_no", _(
                "证书编号“%(no)s”已在系统中登记，且所属企业不在您的管辖范围内") % {"no": number})
            continue
        enterprise = _enterprise_of(row, enterprises)
        if enterprise is None:
            continue
        certificate = existing.get(number)
        if certificate is None:
            certificate = HighTechCertificate(enterprise=enterprise, certificate_no=number,
                                              created_by=ctx.user)
        elif certificate.enterprise_id != enterprise.pk:
            row.add_error("credit_code", _(
                "证书编号“%(no)s”在系统中属于“%(name)s”，与本行的企业不符；如需更正所属企业，"
                "请在证书详情页修改") % {"no": number, "name": certificate.enterprise.name})
            continue
        row.instance = certificate  # expires_on: derived by the service (CERTIFICATES)


def _describe_certificate(c: Any) -> str:
    return f"{c.enterprise.name} · {c.certificate_no}"


CERTIFICATE_SPEC = _record_spec(
    HighTechCertificate,
    kind=CERTIFICATE_KIND,
    columns=certificate_columns(),
    key=("certificate_no",),
    resolve=resolve_certificates,
    service=CERTIFICATES,
    example={"credit_code": make_code("91140403MA0K12345"),
             "enterprise_name": "长治示例科技有限公司", "certificate_no": "GR202414000123",
             "issued_on": dt.date(2024, 12, 2), "batch": "2024年第二批",
             "kind": HighTechCertificate.Kind.NEW, "note": ""},
    notes=[
        gettext_lazy("按证书编号识别：系统中已有该编号的证书按导入数据修改，否则新增，状态为“有效”。"
                     "证书编号不能属于另一家企业。"),
        gettext_lazy("有效期至由系统按发证日期计算（发证日期起三年，即加三年减一天），无需填写。"),
        gettext_lazy("导入不会改变证书的状态：已取消的证书仍为已取消；取消资格请在证书详情页办理。"),
    ],
    describe=_describe_certificate,
)


# ---- 高科技领军企业认定 -------------------------------------------------------------------------


def leader_columns() -> list[Column]:
    m = LeaderDesignation
    return [
        *_enterprise_columns(),
        Column(_label(m, "year"), "year", "int", required=True, **_year_limits(m, "year")),
        Column(_label(m, "designated_on"), "designated_on", "date", required=True,
               min_value=dt.date(2000, 1, 1),
               help=gettext_lazy("须在认定年度前后一年内，且不晚于今天")),
        Column(_label(m, "document_no"), "document_no", "text",
               help=m._meta.get_field("document_no").help_text),
        _note_column(m),
    ]


def resolve_leaders(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Two queries per chunk: enterprises and their designations of those years."""
    if not rows:
        return
    enterprises = _enterprises(ctx, rows)
    years = {r.data["year"] for r in rows}
    existing = {(d.enterprise_id, d.year): d for d in _locked(
        LeaderDesignation.objects.restrict(ctx.user, "change").filter(
            enterprise_id__in=[e.pk for e in enterprises.values()], year__in=years), ctx)}
    for row in rows:
        enterprise = _enterprise_of(row, enterprises)
        if enterprise is None:
            continue
        designation = existing.get((enterprise.pk, row.data["year"]))
        if designation is None:
            designation = LeaderDesignation(enterprise=enterprise, year=row.data["year"],
                                            created_by=ctx.user)
        else:
            designation.enterprise = enterprise
        row.instance = designation


LEADER_SPEC = _record_spec(
    LeaderDesignation,
    kind=LEADER_KIND,
    columns=leader_columns(),
    key=("credit_code", "year"),
    resolve=resolve_leaders,
    service=LEADERS,
    example={"credit_code": make_code("91140403MA0K12345"),
             "enterprise_name": "长治示例科技有限公司", "year": 2025,
             "designated_on": dt.date(2025, 9, 1), "document_no": "长科发〔2025〕12号",
             "note": ""},
    notes=[
        gettext_lazy("每家企业每个认定年度一条：已有认定的按导入数据修改，否则新增。"),
    ],
    describe=lambda d: f"{d.enterprise.name} · {d.year}年",
)
