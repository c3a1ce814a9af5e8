from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class AccountsConfig(manifests.ManifestAppConfig):
    name = "kechuang.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")
