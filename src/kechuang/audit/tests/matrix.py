"""Permission-matrix rows of the audit administrator's pages."""

from __future__ import annotations

from kechuang.tests.matrix import (
    AUDIT,
    Route,
)


def change_record(ctx, place):
    from kechuang.audit.services import record_change, snapshot

    e = ctx[f"enterprise_{place}"]
    return {"pk": record_change(actor=None, action="create", obj=e, after=snapshot(e)).pk}


ROUTES: dict[str, Route] = {
    "audit:change_list": Route(allowed=AUDIT, also_post=True),
    "audit:change_detail": Route(allowed=AUDIT, kwargs=change_record, also_post=True,
                                 scoped=False),
    "audit:change_export": Route(allowed=AUDIT, method="POST", ok=(302,)),
    "audit:authevent_list": Route(allowed=AUDIT, also_post=True),
    "audit:authevent_export": Route(allowed=AUDIT, method="POST", ok=(302,)),
    # an empty POST names no personal field to reveal: 404 after the 403 check
    "audit:change_reveal": Route(allowed=AUDIT, kwargs=change_record, method="POST", ok=(404,),
                                 scoped=False),
    "audit:accessevent_list": Route(allowed=AUDIT, also_post=True),
}
