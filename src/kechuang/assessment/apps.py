from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kechuang.assessment"
    label = "assessment"
    verbose_name = _("企业自评与批量测评")
