"""The Excel importer's pages and jobs (the specs come from the apps' manifests)."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import Manifest, MenuEntry

MANIFEST = Manifest(
    app="imports",
    url_prefix="imports/",
    jobs=("kechuang.imports.jobs",),
    scheduled=("kechuang.imports.retention",),  # the daily file clean-up
    menu=(
        MenuEntry(
            "system",
            _("数据导入"),
            "imports:run_list",
            "upload",
            model="imports.ImportRun",
            action="add",
            order=10,
        ),
    ),
)
