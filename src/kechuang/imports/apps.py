from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class ImportsConfig(manifests.ManifestAppConfig):
    name = "kechuang.imports"
    label = "imports"
    verbose_name = _("数据导入")
