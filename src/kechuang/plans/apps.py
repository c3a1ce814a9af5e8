from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class PlansConfig(manifests.ManifestAppConfig):
    name = "kechuang.plans"
    label = "plans"
    verbose_name = _("工作要点")
