from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kechuang.assessment"
    label = "assessment"
    verbose_name = _("企业自评与批量测评")

    def ready(self) -> None:
        from kechuang.assessment import (  # noqa: F401
            jobs,  # batch evaluation and export job handlers
            metrics,  # rd_super_deduction_amount from the stored batch results
        )
