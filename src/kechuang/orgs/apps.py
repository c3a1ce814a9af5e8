from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "kechuang.orgs"
    label = "orgs"
    verbose_name = _("企业与机构")

    def ready(self) -> None:
        from kechuang.orgs import (  # noqa: F401
            exports,  # export job handlers
            imports,  # the annual-report Excel import spec (kechuang.imports registry)
            metrics,  # plan indicators counted from enterprises and reports
        )
