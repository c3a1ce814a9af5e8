from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class AssessmentConfig(manifests.ManifestAppConfig):
    name = "kechuang.assessment"
    label = "assessment"
    verbose_name = _("企业自评与批量测评")

    def ready(self) -> None:
        super().ready()  # the modules its manifest names
        from kechuang.assessment.selectors import latest_results
        from kechuang.orgs import facts

        facts.latest_evaluations.provide(latest_results)
