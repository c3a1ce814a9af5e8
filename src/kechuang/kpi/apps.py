from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class KpiConfig(manifests.ManifestAppConfig):
    name = "kechuang.kpi"
    label = "kpi"
    verbose_name = _("工作进展")
