from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class WebConfig(manifests.ManifestAppConfig):
    name = "kechuang.web"
    label = "web"
    verbose_name = _("界面")
