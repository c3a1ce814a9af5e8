from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictManager, Scope, register, rights


class Region(models.Model):
    """A province, city or county-level unit (GB/T 2260 code where it has one)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县区")

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("地级市")
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    gb2260 = models.BooleanField(_("属 GB/T 2260 区划"), default=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # a functional zone's host district: where the zone's records count when the plan says
    # zone enterprises count under the host (policy-rules §h), never read from a credit code
    host = models.ForeignKey(
        "self", verbose_name=_("所在县区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="hosted_zones", help_text=_("功能区所在的县区（如长治高新区所在的潞州区）"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["level", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


register(
    Region,
    Scope(
        rights=rights(city_admin={"view", "add", "change", "export"}, city_staff=READ,
                      county_staff=READ),
        county="pk",
        public_read=True,
    ),
)
