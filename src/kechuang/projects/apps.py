from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class ProjectsConfig(manifests.ManifestAppConfig):
    name = "kechuang.projects"
    label = "projects"
    verbose_name = _("科技项目")
