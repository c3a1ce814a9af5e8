"""The transition log: one append-only row per state change of any workflow-driven object."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, Scope, register, rights
from kechuang.audit.models import AppendOnly


class Transition(AppendOnly):
    """Who moved which object from which state to which, when and why. Never changed."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"),
                                     on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    workflow = models.CharField(_("流程"), max_length=50)
    action = models.CharField(_("操作"), max_length=30)
    action_label = models.CharField(_("操作名称"), max_length=50, blank=True)
    from_state = models.CharField(_("原状态"), max_length=30)
    to_state = models.CharField(_("新状态"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=150)
    reason = models.CharField(_("意见/原因"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action_label or self.action}"


# The trail is read through the object it belongs to (workflow.selectors.history, after the
# caller's restrict() on that object); the whole table is for the city and the auditor.
register(Transition, Scope(rights=rights(city_admin=READ, city_staff=READ, auditor=READ)))
