"""Permission-matrix rows of background jobs (personal: the owner only)."""

from __future__ import annotations

from kechuang.tests.matrix import (
    JOB_OWNERS,
    SIGNED_IN,
    Route,
)


def job(ctx, place):
    """A finished job of county A's clerk ("a") or of county B's clerk ("b")."""
    from django.core.files.base import ContentFile

    from kechuang.jobs.models import Job

    owner = ctx["users"]["county_a_staff" if place == "a" else "county_b_staff"]
    j = Job.objects.create(owner=owner, kind="test", title="导出", status="succeeded")
    j.result_file.save("r.xlsx", ContentFile(b"x"))
    return {"pk": j.pk}


ROUTES: dict[str, Route] = {
    "jobs:job_list": Route(allowed=SIGNED_IN),
    "jobs:job_detail": Route(allowed=SIGNED_IN, kwargs=job, visible=JOB_OWNERS),
    "jobs:job_progress": Route(allowed=SIGNED_IN, kwargs=job, visible=JOB_OWNERS),
    "jobs:job_download": Route(allowed=SIGNED_IN, kwargs=job, visible=JOB_OWNERS),
}
