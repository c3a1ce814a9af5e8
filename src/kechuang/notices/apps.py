from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class NoticesConfig(manifests.ManifestAppConfig):
    name = "kechuang.notices"
    label = "notices"
    verbose_name = _("站内提醒")
