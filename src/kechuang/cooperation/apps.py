from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class CooperationConfig(manifests.ManifestAppConfig):
    name = "kechuang.cooperation"
    label = "cooperation"
    verbose_name = _("校地合作")
