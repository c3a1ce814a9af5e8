from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportedConfig(AppConfig):
    name = "kechuang.reported"
    label = "reported"
    verbose_name = _("指标上报")

    def ready(self) -> None:
        # the export job handler and the reviewers' to-do source register themselves
        from kechuang.reported import exports, workflows  # noqa: F401
