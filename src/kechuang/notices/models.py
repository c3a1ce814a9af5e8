"""In-app notices (站内提醒): warnings and reminders addressed to one user.

Notices are messages, not domain data: they are not audited (nothing in them is a fact the
bureau relies on; the event that caused one is audited where it happened).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import RestrictManager, Scope, every_role, register


def validate_local_url(value: str) -> None:
    """Only a path on this site ("/reported/12/"): a notice never links elsewhere."""
    if value and (not value.startswith("/") or value.startswith("//") or "\\" in value):
        raise ValidationError(_("链接必须是本站地址（以 / 开头）"), code="url")


class Notice(models.Model):
    class Level(models.TextChoices):
        INFO = "info", _("提示")
        WARNING = "warning", _("预警")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                                  on_delete=models.CASCADE, related_name="notices")
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_local_url])
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True,
                                  help_text=_("同一接收人、同一去重键只提醒一次"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("站内提醒")
        verbose_name_plural = _("站内提醒")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="uniq_notice_dedupe"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# Personal rows: whatever the role, a user sees and marks only their own notices.
register(Notice, Scope(rights=every_role({"view", "change"}),
                       owner="recipient"))
