from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class RegionsConfig(manifests.ManifestAppConfig):
    name = "kechuang.regions"
    label = "regions"
    verbose_name = _("行政区划")
