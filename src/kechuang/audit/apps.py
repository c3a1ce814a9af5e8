from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kechuang.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from kechuang.audit import (
            exports,  # noqa: F401  (export job handlers)
            signals,  # noqa: F401  (login events)
        )
