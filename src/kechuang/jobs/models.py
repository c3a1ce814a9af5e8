from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import RestrictManager, Scope, every_role, register


class Job(models.Model):
    """A long piece of work (export, import, batch evaluation) its owner can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务类型"), max_length=50)
    title = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                              on_delete=models.CASCADE, related_name="jobs")
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # written by the worker while the job runs (progress and a timer thread); a running job
    # whose heartbeat is older than JOB_STALE_AFTER seconds lost its worker (jobs.recovery)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def result_removed(self) -> bool:
        """Its result file was deleted after the retention period (``jobs.retention``): the
        name is kept, the bytes and the link are gone."""
        return self.status == self.Status.SUCCEEDED and not self.result_file and bool(
            self.result_name)

    @property
    def retention_days(self) -> int:
        return result_retention_days()

    @property
    def stale(self) -> bool:
        """Running, but the worker has not been heard of for JOB_STALE_AFTER seconds: the
        reaper will mark it failed; pages stop polling instead of waiting forever."""
        if self.status != self.Status.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return last is not None and last < timezone.now() - dt.timedelta(seconds=stale_after())

    @property
    def polling(self) -> bool:
        """Whether the progress card keeps asking for news."""
        return not self.finished and not self.stale

    def delete(self, *args, **kwargs):
        """Refused: a job row is the record of who exported which data (docs/security.md)."""
        raise PermissionError("jobs are kept: a job row cannot be deleted")


def stale_after() -> int:
    """Seconds without a heartbeat after which a running job counts as lost (setting or
    environment variable JOB_STALE_AFTER; default 120, eight missed timer beats)."""
    return int(getattr(settings, "JOB_STALE_AFTER", None) or os.environ.get(
        "JOB_STALE_AFTER", 120))


def result_retention_days() -> int:
    """Days a finished job's result file is kept (setting JOB_RESULT_RETENTION_DAYS, default
    7; ``jobs.retention`` deletes it after that)."""
    return int(getattr(settings, "JOB_RESULT_RETENTION_DAYS", 7))


def heartbeat_every() -> float:
    """Seconds between the worker's timer heartbeats (0: only from progress reports)."""
    value = getattr(settings, "JOB_HEARTBEAT_EVERY", None)
    return float(os.environ.get("JOB_HEARTBEAT_EVERY", 15) if value is None else value)


register(Job, Scope(rights=every_role({"view"}), owner="owner_id"))
