from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kechuang.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from kechuang.imports import (
            jobs,  # noqa: F401  (job handlers)
            retention,  # noqa: F401  (the daily file clean-up)
        )
