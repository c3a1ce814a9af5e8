"""Permission-matrix rows of notices and the to-do list."""

from __future__ import annotations

from kechuang.tests.matrix import (
    JOB_OWNERS,
    SIGNED_IN,
    Route,
)


def notice(ctx, place):
    """A notice of county A's clerk ("a") or of county B's clerk ("b"): personal rows."""
    from kechuang.notices.models import Notice

    owner = ctx["users"]["county_a_staff" if place == "a" else "county_b_staff"]
    return {"pk": Notice.objects.create(recipient=owner, title="提醒").pk}


ROUTES: dict[str, Route] = {
    "notices:notice_list": Route(allowed=SIGNED_IN),
    "notices:notice_read": Route(allowed=SIGNED_IN, kwargs=notice, method="POST", ok=(302,),
                                 visible=JOB_OWNERS),  # own notices only, like jobs
    "notices:notice_read_all": Route(allowed=SIGNED_IN, method="POST", ok=(302,)),
    # everyone has a to-do page; it lists only what waits for their decision
    "notices:todo": Route(allowed=SIGNED_IN),
}
