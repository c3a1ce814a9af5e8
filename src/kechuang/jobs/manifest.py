"""Background jobs: progress pages, the reaper and the result clean-up."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(
    app="jobs",
    url_prefix="jobs/",
    scheduled=("kechuang.jobs.recovery", "kechuang.jobs.retention"),  # reaper, clean-up
)
