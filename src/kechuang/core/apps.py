from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class CoreConfig(manifests.ManifestAppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("核心")
