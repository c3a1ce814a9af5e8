from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class ReportedConfig(manifests.ManifestAppConfig):
    name = "kechuang.reported"
    label = "reported"
    verbose_name = _("指标上报")
