from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "kechuang.kpi"
    label = "kpi"
    verbose_name = _("工作进展")

    def ready(self) -> None:
        from kechuang.kpi import (
            exports,  # noqa: F401  (records export job handler)
            jobs,  # noqa: F401  (monthly report job handler)
            services,  # noqa: F401  (the scheduler's monthly snapshot check)
        )
