from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class CarriersConfig(manifests.ManifestAppConfig):
    name = "kechuang.carriers"
    label = "carriers"
    verbose_name = _("创新平台与载体")
