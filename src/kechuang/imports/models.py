from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import RestrictManager, Scope, register, rights
from kechuang.core.uploads import UploadTo, private_storage

MAX_STORED_ERRORS = 500  # on the page; the error workbook holds all of them


class ImportRun(models.Model):
    """One uploaded workbook on its way in: checked, previewed, then committed (or not).

    Status changes go through ``imports.services`` (conditional ``update()``s); the files
    live in private storage and are served only to the owner.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        VALIDATING = "validating", _("校验中")
        INVALID = "invalid", _("校验未通过")
        VALID = "valid", _("待确认导入")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("失败")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"),
                              on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField(_("导入类型"), max_length=50, db_index=True)
    title = models.CharField(_("导入内容"), max_length=100)
    file = models.FileField(_("上传文件"), storage=private_storage, upload_to=UploadTo("imports"),
                            max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.UPLOADED, db_index=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    create_count = models.PositiveIntegerField(_("新增"), default=0)
    update_count = models.PositiveIntegerField(_("修改"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error_row_count = models.PositiveIntegerField(_("有误行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [[row, column, message]]
    error_file = models.FileField(_("错误报告"), storage=private_storage,
                                  upload_to=UploadTo("imports"), max_length=200, blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    job = models.ForeignKey("jobs.Job", verbose_name=_("后台任务"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    validated_at = models.DateTimeField(_("校验时间"), null=True, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("数据导入")
        verbose_name_plural = _("数据导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} · {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:run_detail", args=[self.pk])

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.VALIDATING,
                               self.Status.COMMITTING)

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors or [])


# Personal rows, like jobs: each bureau user sees only the runs they uploaded.
_MINE = {"view", "add", "change"}
register(ImportRun, Scope(
    rights=rights(city_admin=_MINE, city_staff=_MINE, county_staff=_MINE),
    owner="owner_id"))
