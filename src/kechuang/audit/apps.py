from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class AuditConfig(manifests.ManifestAppConfig):
    name = "kechuang.audit"
    label = "audit"
    verbose_name = _("审计日志")
