from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class SupervisionConfig(manifests.ManifestAppConfig):
    name = "kechuang.supervision"
    label = "supervision"
    verbose_name = _("督查督办")
