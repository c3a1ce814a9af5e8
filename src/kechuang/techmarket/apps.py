from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class TechmarketConfig(manifests.ManifestAppConfig):
    name = "kechuang.techmarket"
    label = "techmarket"
    verbose_name = _("技术市场")
