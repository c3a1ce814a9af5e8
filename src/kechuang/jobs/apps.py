from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class JobsConfig(manifests.ManifestAppConfig):
    name = "kechuang.jobs"
    label = "jobs"
    verbose_name = _("后台任务")
