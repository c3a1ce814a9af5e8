from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class OrgsConfig(manifests.ManifestAppConfig):
    name = "kechuang.orgs"
    label = "orgs"
    verbose_name = _("企业与机构")
