from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    name = "kechuang.cultivation"
    label = "cultivation"
    verbose_name = _("梯次培育")

    def ready(self) -> None:
        from kechuang.cultivation import (  # noqa: F401
            exports,  # export job handlers
            imports,  # the Excel import specs of registrations, certificates, designations
            metrics,  # plan indicators counted from registrations and certificates
            services,  # the scheduler's daily tier refresh and expiry reminders
        )
