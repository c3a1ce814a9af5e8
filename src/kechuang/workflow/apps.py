from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class WorkflowConfig(manifests.ManifestAppConfig):
    name = "kechuang.workflow"
    label = "workflow"
    verbose_name = _("流程")
