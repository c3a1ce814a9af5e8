from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class PlansConfig(manifests.ManifestAppConfig):
    name = "kechuang.plans"
    label = "plans"
    verbose_name = _("工作要点")

    def ready(self) -> None:
        super().ready()  # the modules its manifest names
        from kechuang import metrics
        from kechuang.plans.selectors import attribution_for_year

        # the plan's zone setting decides where a zone's records count in county figures
        metrics.register_attribution(attribution_for_year)
