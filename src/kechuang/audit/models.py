from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictQuerySet, Scope, register, rights


class ReadOnlyQuerySet(RestrictQuerySet):
    """Audit rows are append-only: the application cannot update or delete them."""

    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("audit records are append-only")

    def delete(self):  # type: ignore[override]
        raise PermissionError("audit records are append-only")

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[override]
        """Change records join the hash chain (audit.chain) in the same transaction."""
        if self.model is ChangeRecord:
            from kechuang.audit.chain import append

            objs = list(objs)
            return append(objs, lambda: super(ReadOnlyQuerySet, self).bulk_create(
                objs, *args, **kwargs), using=self.db)
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnly(models.Model):
    objects = models.Manager.from_queryset(ReadOnlyQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("audit records are append-only")
        self._insert(*args, **kwargs)

    def _insert(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records are append-only")


class ChangeRecord(AppendOnly):
    """One create/update/delete of a domain record: who, when, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")

    # set before the insert (not auto_now_add), because the chain hash covers it
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=150)
    source = models.CharField(_("来源"), max_length=40, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"),
                                     on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    # hash chain (audit.chain): hash = sha256(prev_hash + canonical content); audit_verify
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("记录哈希"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("数据变更记录")
        verbose_name_plural = _("数据变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def _insert(self, *args, **kwargs) -> None:
        from kechuang.audit.chain import append

        using = kwargs.get("using") or router.db_for_write(ChangeRecord, instance=self)
        append([self], lambda: super(ChangeRecord, self)._insert(*args, **kwargs), using=using)


class AuthEvent(AppendOnly):
    """Logins, logouts, failed logins and lockouts."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGOUT = "logout", _("退出登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        PASSWORD_FAILED = "password_failed", _("修改密码失败")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    username = models.CharField(_("用户名"), max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录事件")
        verbose_name_plural = _("登录事件")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"


class AccessEvent(AppendOnly):
    """What the change records cannot show: downloads, refused requests, reveals, admin use.

    Written by ``audit.middleware`` (downloads, 403/404 on routed URLs, admin log entries) and
    by the reveal view; read by the audit administrator only.
    """

    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("下载文件")
        DENIED = "denied", _("拒绝访问")
        NOT_FOUND = "not_found", _("对象不存在或无权查看")
        REVEAL = "reveal", _("查看个人信息")
        ADMIN = "admin", _("管理后台操作")

    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    method = models.CharField(_("请求方法"), max_length=10, blank=True)
    path = models.CharField(_("地址"), max_length=500, blank=True)
    view = models.CharField(_("页面"), max_length=100, blank=True)
    status = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("访问事件")
        verbose_name_plural = _("访问事件")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.path}"


# The audit trail is the audit administrator's alone (三权分立, docs/security.md §2).
_AUDIT_SCOPE = Scope(rights=rights(auditor=READ))
register(ChangeRecord, _AUDIT_SCOPE)
register(AuthEvent, _AUDIT_SCOPE)
register(AccessEvent, _AUDIT_SCOPE)
