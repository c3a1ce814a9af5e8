"""Enterprise cultivation (梯次培育): the ladder tech SME → high-tech → leader.

Records the bureau keeps of each rung, with their evidence files, and the candidate pool
(后备库) of enterprises coached towards the next rung:

* :class:`TechSmeRegistration` — 科技型中小企业入库登记, one per enterprise and evaluation year;
  valid for that evaluation year (policy-rules.md §a "Lifecycle"); revoked through
  ``cultivation.workflows.REGISTRATION_FLOW``.
* :class:`HighTechCertificate` — 高新技术企业证书, valid three years from the issue date
  (国科发火〔2016〕32号 第九条): ``expires_on = issued_on + 3 years − 1 day``, computed by
  :func:`certificate_expiry` in the service, never typed in. Stored states are valid and
  revoked; *expired* is derived from the date (:meth:`HighTechCertificate.state_on`).
* :class:`LeaderDesignation` — 高科技领军企业认定, one per enterprise and year.
* :class:`RecordFile` — evidence (certificate scans, registration notices …), private storage.
* :class:`CandidateEntry` / :class:`CoachingVisit` — the candidate pool and its visits.

States change only through ``workflow.services.transition`` (``cultivation.workflows``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import (
    ALL,
    READ,
    RestrictManager,
    Scope,
    register,
    rights,
)
from kechuang.core.files import StoredFile, stored_file_field

CERTIFICATE_YEARS = 3  # 国科发火〔2016〕32号 第九条: 自颁发证书之日起有效期为三年
REGISTRATION_NO_RE = re.compile(r"^[0-9A-Z]{1,32}$")
# GR + 4-digit year + 2-digit province code (14 = 山西) + 6-digit serial, e.g. GR202514000123
CERTIFICATE_NO_RE = re.compile(r"^GR(?P<year>\d{4})(?P<province>\d{2})(?P<serial>\d{6})$")
# GB/T 2260 province-level codes (11 北京 … 65 新疆; 71 台湾, 81 香港, 82 澳门 never issue)
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65"})


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 1 March (as policy.high_tech does)
        return dt.date(day.year + years, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def certificate_expiry(issued_on: dt.date) -> dt.date:
    """Last day of validity: three years from the issue date, the issue day itself included.

    Same rule as ``policy.high_tech`` (``valid_until = issue + 3 years − 1 day``):
    issued 2022-12-12 → valid through 2025-12-11; issued 2024-02-29 → through 2027-02-28.
    """
    return add_years(issued_on, CERTIFICATE_YEARS) - dt.timedelta(days=1)


def validate_registration_no(value: str) -> None:
    if not REGISTRATION_NO_RE.match(value or ""):
        raise ValidationError(
            _("入库登记编号应为 1–32 位数字或大写字母（如 2025140403A0000123），收到“%(v)s”"),
            params={"v": value}, code="registration_no")


def validate_certificate_no(value: str) -> None:
    m = CERTIFICATE_NO_RE.match(value or "")
    if not m:
        raise ValidationError(
            _("证书编号格式应为 GR + 4 位年份 + 2 位省份代码 + 6 位序号（如 GR202514000123），"
              "收到“%(v)s”"), params={"v": value}, code="certificate_no")
    if m["province"] not in PROVINCE_CODES:
        raise ValidationError(_("证书编号中的省份代码“%(p)s”无效（山西为 14）"),
                              params={"p": m["province"]}, code="certificate_no")


def _is_enterprise(obj: Any) -> bool:
    return bool(obj.enterprise_id) and obj.enterprise.kind == "enterprise"


class EnterpriseRecord(models.Model):
    """Shared fields: the enterprise, who recorded it and when."""

    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="+",
                                   limit_choices_to={"kind": "enterprise"})
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictManager()
    # number fields pasted with spaces and in lower case: clean_fields() strips and upper-cases
    normalised_numbers: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        """Normalise ``normalised_numbers`` before the field checks see them."""
        for name in self.normalised_numbers:
            value = getattr(self, name)
            if value:
                setattr(self, name, value.strip().upper())
        super().clean_fields(exclude=exclude)

    def _check_enterprise(self, errors: dict[str, Any]) -> None:
        if self.enterprise_id and not _is_enterprise(self):
            errors["enterprise"] = _("只能为企业登记")


class TechSmeRegistration(EnterpriseRecord):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("已入库")
        REVOKED = "revoked", _("已撤销")

    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="tech_sme_registrations",
                                   limit_choices_to={"kind": "enterprise"})
    year = models.PositiveSmallIntegerField(
        _("评价年度"), validators=[MinValueValidator(2017), MaxValueValidator(2100)])
    registration_no = models.CharField(_("入库登记编号"), max_length=32, unique=True,
                                       validators=[validate_registration_no])
    registered_on = models.DateField(_("入库日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.REGISTERED, db_index=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)

    normalised_numbers = ("registration_no",)

    class Meta:
        verbose_name = _("科技型中小企业入库登记")
        verbose_name_plural = _("科技型中小企业入库登记")
        ordering = ["-year", "-registered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"],
                                               name="uniq_tech_sme_enterprise_year",
                                               violation_error_message=_(
                                                   "该企业在该评价年度已有入库登记"))]
        indexes = [models.Index(fields=["year", "status", "registered_on"]),
                   # the list's order: an index scan instead of sorting every registration
                   models.Index(fields=["year", "registered_on", "id"],
                                name="cultivation_reg_list_order")]

    def __str__(self) -> str:
        return f"{self.registration_no}（{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:registration_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self._check_enterprise(errors)
        if self.registered_on and self.year and self.registered_on.year != self.year:
            errors["registered_on"] = _("入库日期应在评价年度（%(y)s 年）内") % {"y": self.year}
        if self.registered_on and self.registered_on > timezone.localdate():
            errors["registered_on"] = _("入库日期不能晚于今天")
        if self.revoked_on and self.registered_on and self.revoked_on < self.registered_on:
            errors["revoked_on"] = _("撤销日期不能早于入库日期")
        if errors:
            raise ValidationError(errors)


class HighTechCertificate(EnterpriseRecord):
    class Kind(models.TextChoices):
        NEW = "new", _("首次认定")
        RENEWAL = "renewal", _("重新认定")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已取消")

    # derived, never stored: past its expires_on
    EXPIRED = "expired"
    STATE_LABELS = {"valid": _("有效"), "revoked": _("已取消"), "expired": _("已过期")}

    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="high_tech_certificates",
                                   limit_choices_to={"kind": "enterprise"})
    certificate_no = models.CharField(_("证书编号"), max_length=20, unique=True,
                                      validators=[validate_certificate_no])
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), editable=False,
                                  help_text=_("自发证日期起三年（由系统计算）"))
    batch = models.CharField(_("认定批次"), max_length=50, blank=True,
                             help_text=_("如“2025年第一批”"))
    kind = models.CharField(_("认定类型"), max_length=10, choices=Kind.choices,
                            default=Kind.NEW)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.VALID, db_index=True)
    revoked_on = models.DateField(_("取消日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("取消原因"), max_length=500, blank=True)

    normalised_numbers = ("certificate_no",)

    class Meta:
        verbose_name = _("高新技术企业证书")
        verbose_name_plural = _("高新技术企业证书")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["issued_on", "status"]),
                   # the list's order (-issued_on, -id): an index scan, no sort
                   models.Index(fields=["issued_on", "id"], name="cultivation_cert_list_order"),
                   models.Index(fields=["expires_on", "status"])]

    def __str__(self) -> str:
        return self.certificate_no

    def get_absolute_url(self) -> str:
        return reverse("cultivation:certificate_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self._check_enterprise(errors)
        m = CERTIFICATE_NO_RE.match(self.certificate_no or "")
        if m and self.issued_on and int(m["year"]) != self.issued_on.year:
            errors["certificate_no"] = _(
                "证书编号中的年份（%(n)s）与发证日期的年份（%(y)s）不一致") % {
                "n": m["year"], "y": self.issued_on.year}
        if self.issued_on and self.issued_on > timezone.localdate():
            errors["issued_on"] = _("发证日期不能晚于今天")
        if self.issued_on and self.expires_on and self.expires_on != certificate_expiry(
                self.issued_on):
            errors["issued_on"] = _("有效期应为发证日期起三年")
        if self.revoked_on and self.issued_on and self.revoked_on < self.issued_on:
            errors["revoked_on"] = _("取消日期不能早于发证日期")
        if errors:
            raise ValidationError(errors)

    def state_on(self, day: dt.date) -> str:
        """valid / revoked / expired on ``day`` (expired is derived from the date)."""
        if self.status == self.Status.REVOKED:
            return self.Status.REVOKED
        if self.expires_on and self.expires_on < day:
            return self.EXPIRED
        return self.Status.VALID

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def state_label(self) -> str:
        return str(self.STATE_LABELS[self.state])

    def days_left(self, day: dt.date | None = None) -> int:
        return (self.expires_on - (day or timezone.localdate())).days


class LeaderDesignation(EnterpriseRecord):
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="leader_designations",
                                   limit_choices_to={"kind": "enterprise"})
    year = models.PositiveSmallIntegerField(
        _("认定年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    designated_on = models.DateField(_("认定日期"))
    document_no = models.CharField(_("认定文号"), max_length=100, blank=True,
                                   help_text=_("如“长科发〔2025〕12号”"))

    class Meta:
        verbose_name = _("高科技领军企业认定")
        verbose_name_plural = _("高科技领军企业认定")
        ordering = ["-year", "-designated_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"],
                                               name="uniq_leader_enterprise_year",
                                               violation_error_message=_(
                                                   "该企业在该年度已有领军企业认定"))]

    def __str__(self) -> str:
        return _("%(year)s年度高科技领军企业") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("cultivation:leader_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self._check_enterprise(errors)
        if self.designated_on and self.year and abs(self.designated_on.year - self.year) > 1:
            errors["designated_on"] = _("认定日期应在认定年度（%(y)s 年）前后") % {"y": self.year}
        if self.designated_on and self.designated_on > timezone.localdate():
            errors["designated_on"] = _("认定日期不能晚于今天")
        if errors:
            raise ValidationError(errors)


RECORD_MODELS: dict[str, type[EnterpriseRecord]] = {
    "registration": TechSmeRegistration,
    "certificate": HighTechCertificate,
    "leader": LeaderDesignation,
}


class RecordFile(StoredFile):
    """An evidence file of one record (certificate scan, registration notice, document)."""

    registration = models.ForeignKey(TechSmeRegistration, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="files",
                                     verbose_name=_("入库登记"))
    certificate = models.ForeignKey(HighTechCertificate, null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="files",
                                    verbose_name=_("高新技术企业证书"))
    leader = models.ForeignKey(LeaderDesignation, null=True, blank=True,
                               on_delete=models.CASCADE, related_name="files",
                               verbose_name=_("领军企业认定"))
    file = stored_file_field("cultivation")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=(Q(registration__isnull=False, certificate__isnull=True,
                         leader__isnull=True)
                       | Q(registration__isnull=True, certificate__isnull=False,
                           leader__isnull=True)
                       | Q(registration__isnull=True, certificate__isnull=True,
                           leader__isnull=False)),
            name="record_file_one_owner")]

    def get_absolute_url(self) -> str:
        return reverse("cultivation:file_download", args=[self.pk])


class CandidateEntry(models.Model):
    """An enterprise in the candidate pool (后备库) for the next rung in a year."""

    class Rung(models.TextChoices):
        TECH_SME = "tech_sme", _("科技型中小企业")
        HIGH_TECH = "high_tech", _("高新技术企业")
        LEADER = "leader", _("高科技领军企业")

    class Status(models.TextChoices):
        ACTIVE = "active", _("培育中")
        REMOVED = "removed", _("已移出")
        PROMOTED = "promoted", _("已晋级")

    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="candidate_entries",
                                   limit_choices_to={"kind": "enterprise"})
    target_rung = models.CharField(_("培育目标"), max_length=12, choices=Rung.choices)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2017), MaxValueValidator(2100)])
    note = models.CharField(_("培育说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("加入人"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("移出/晋级时间"), null=True, blank=True)
    close_reason = models.CharField(_("移出/晋级说明"), max_length=500, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("后备库企业")
        verbose_name_plural = _("后备库企业")
        ordering = ["-year", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(
            fields=["enterprise", "target_rung", "year"], condition=Q(status="active"),
            name="uniq_active_candidate",
            violation_error_message=_("该企业已在本年度同一培育目标的后备库中"))]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.get_target_rung_display()}（{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:candidate_detail", args=[self.pk])

    def clean(self) -> None:
        if self.enterprise_id and self.enterprise.kind != "enterprise":
            raise ValidationError({"enterprise": _("只能将企业加入后备库")})


class CoachingVisit(models.Model):
    """A coaching visit (上门辅导) or call to a candidate enterprise, with notes."""

    entry = models.ForeignKey(CandidateEntry, verbose_name=_("后备库企业"),
                              on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("辅导日期"))
    visitor = models.CharField(_("辅导人员"), max_length=100)
    notes = models.TextField(_("辅导内容"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("辅导记录")
        verbose_name_plural = _("辅导记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.visitor}"

    def clean(self) -> None:
        if self.visited_on and self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("辅导日期不能晚于今天")})


# Scopes: city roles everything; county staff their county's enterprises; an enterprise user
# reads its own records (no changes); the candidate pool is the bureau's working list.
_BUREAU = rights(city_admin=ALL, city_staff=ALL, county_staff=ALL - {"delete"})
_RECORD_RIGHTS = rights(**_BUREAU, enterprise=READ)
for _model in (TechSmeRegistration, HighTechCertificate, LeaderDesignation):
    register(_model, Scope(rights=_RECORD_RIGHTS, county="enterprise__county_id",
                           organisation="enterprise_id"))
# a file follows its record: visible exactly when the record is
register(RecordFile, Scope(rights=rights(**_BUREAU, enterprise={"view"}),
                           parents=tuple(RECORD_MODELS)))
_POOL_RIGHTS = rights(city_admin=ALL, city_staff=ALL,
                      county_staff={"view", "add", "change", "export"})
register(CandidateEntry, Scope(rights=_POOL_RIGHTS, county="enterprise__county_id"))
register(CoachingVisit, Scope(rights=_POOL_RIGHTS, county="entry__enterprise__county_id"))
