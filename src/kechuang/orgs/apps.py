from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "kechuang.orgs"
    label = "orgs"
    verbose_name = _("企业与机构")

    def ready(self) -> None:
        from kechuang.orgs import exports  # noqa: F401  (registers the export job handlers)
