from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class VouchersConfig(manifests.ManifestAppConfig):
    name = "kechuang.vouchers"
    label = "vouchers"
    verbose_name = _("科技创新券")
