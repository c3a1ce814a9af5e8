from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class RdinputConfig(manifests.ManifestAppConfig):
    name = "kechuang.rdinput"
    label = "rdinput"
    verbose_name = _("研发投入")
