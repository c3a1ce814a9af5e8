from django.utils.translation import gettext_lazy as _

from kechuang.core import manifests


class CultivationConfig(manifests.ManifestAppConfig):
    name = "kechuang.cultivation"
    label = "cultivation"
    verbose_name = _("梯次培育")

    def ready(self) -> None:
        super().ready()  # the modules its manifest names
        from kechuang.cultivation.selectors import registered_tech_smes
        from kechuang.orgs import facts

        facts.registered_tech_smes.provide(registered_tech_smes)
