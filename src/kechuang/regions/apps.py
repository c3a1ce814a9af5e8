from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class RegionsConfig(manifests.ManifestAppConfig):
    name = "kechuang.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        super().ready()  # the modules its manifest names
        from kechuang import metrics
        from kechuang.regions.selectors import county_ids

        metrics.register_county_ids(county_ids)
