from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "kechuang.jobs"
    label = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from kechuang.jobs import (
            recovery,  # noqa: F401 — registers the reaper with the scheduler
            retention,  # noqa: F401 — the daily result-file clean-up
        )
