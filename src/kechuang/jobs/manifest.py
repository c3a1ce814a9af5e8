"""Background jobs: progress pages, the reaper and the result clean-up."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import Manifest, MenuEntry

MANIFEST = Manifest(
    app="jobs",
    url_prefix="jobs/",
    scheduled=("kechuang.jobs.recovery", "kechuang.jobs.retention"),  # reaper, clean-up
    menu=(MenuEntry("system", _("我的后台任务"), "jobs:job_list", "hourglass", order=20),),
)
