from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import IMPORT_RUN_READERS
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
        ROLLING_BACK = "rolling_back", _("正在撤销")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

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
    # the valid rows as the check job found them, for the commit job (engine.commit_checked)
    checked_file = models.FileField(_("校验结果"), storage=private_storage,
                                    upload_to=UploadTo("imports"), max_length=200, blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # the commit in chunks (services.commit_run): rows written by committed chunks so far
    rows_written = models.PositiveIntegerField(_("已写入行数"), default=0)
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
                               self.Status.COMMITTING, self.Status.ROLLING_BACK)

    @property
    def retryable(self) -> bool:
        """A commit that was interrupted and undone: the owner may try again or cancel."""
        return self.status == self.Status.VALID and self.committed_at is None and bool(
            self.message)

    @property
    def files_removed(self) -> bool:
        """The uploaded workbook (and error report) were deleted after the retention period
        (``imports.retention``); every run is created with its file, so none means removed."""
        return not self.file

    @property
    def retention_days(self) -> int:
        return file_retention_days()

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors or [])

    def delete(self, *args, **kwargs):
        """Refused: an import run is the record of who loaded which file (docs/security.md)."""
        raise PermissionError("import runs are kept: an import run cannot be deleted")


def file_retention_days() -> int:
    """Days the files of a finished run are kept (setting IMPORT_FILE_RETENTION_DAYS,
    default 30; ``imports.retention`` deletes them after that)."""
    return int(getattr(settings, "IMPORT_FILE_RETENTION_DAYS", 30))


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; undo data and held-back change records
    must come back exactly as they were (``updated_at``, the audit time in the hash chain)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


class ImportChunk(models.Model):
    """One committed chunk of an import run: the undo log and the audit still to write.

    A long import is written in short transactions, one per chunk (so other users' writes
    are not locked out on SQLite), each adding its row here in the same transaction. Until
    the run reaches "committed" the chunks can be undone from ``created`` and ``updated``
    (``services.rollback_run``); after it, ``audit`` — the change records of the chunk, held
    back so a rolled-back run leaves none — is written and the chunk row deleted, again in one
    transaction per chunk (``services.finish_audit``). A run therefore has chunk rows only
    while it is being committed, undone or audited, and the reaper can finish either way.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    model = models.CharField(max_length=100)  # "app_label.modelname" of the rows
    created = models.JSONField(default=list, encoder=ExactJSONEncoder)  # new rows' keys
    updated = models.JSONField(default=list, encoder=ExactJSONEncoder)  # [[pk, {attname: old}]]
    audit = models.JSONField(default=list, encoder=ExactJSONEncoder)  # ChangeRecord values
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导入写入日志")
        verbose_name_plural = _("导入写入日志")
        ordering = ["run_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"],
                                               name="import_chunk_run_seq")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.seq}"


# Personal rows, like jobs: each bureau user sees only the runs they uploaded; the city
# administrator also opens (reads, never commits or cancels) the runs of city staff.
_MINE = {"view", "add", "change"}
register(ImportRun, Scope(
    rights=rights(city_admin=_MINE, city_staff=_MINE, county_staff=_MINE),
    owner="owner_id", owner_readers=IMPORT_RUN_READERS))
