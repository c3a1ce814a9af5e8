"""Permission-matrix rows of enterprises, organisations, chains and annual reports."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    ENTERPRISE_USERS,
    SIGNED_IN,
    Route,
    ent,
    ent_name,
    rep,
)


def chain(ctx, place):
    from kechuang.orgs.models import IndustrialChain

    return {"pk": IndustrialChain.objects.order_by("pk")[0 if place == "a" else 1].pk}


API_ORG_READERS = BUREAU | ENTERPRISE_USERS | {"provider"}
ROUTES: dict[str, Route] = {
    "orgs:enterprise_list": Route(allowed=BUREAU | ENTERPRISE_USERS, list_marker=ent_name),
    "orgs:enterprise_detail": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent),
    "orgs:report_list": Route(allowed=BUREAU | ENTERPRISE_USERS),
    "orgs:enterprise_add": Route(allowed=BUREAU, also_post=True),
    "orgs:enterprise_edit": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent, also_post=True),
    "orgs:enterprise_export": Route(allowed=BUREAU | ENTERPRISE_USERS, method="POST", ok=(302,),
                                    export_marker=ent_name),
    "orgs:report_add": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent, also_post=True),
    "orgs:report_edit": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=rep, also_post=True),
    "orgs:report_delete": Route(allowed=BUREAU, kwargs=rep),
    "orgs:report_export": Route(allowed=BUREAU | ENTERPRISE_USERS, method="POST", ok=(302,),
                                export_marker=ent_name),
    "api-chain-list": Route(allowed=SIGNED_IN, api=True),
    "api-chain-detail": Route(allowed=SIGNED_IN, api=True, kwargs=chain,
                              scoped=False),
    "api-organisation-list": Route(allowed=API_ORG_READERS, api=True, list_marker=ent_name),
    "api-organisation-detail": Route(allowed=API_ORG_READERS, api=True, kwargs=ent),
    "api-enterprise-list": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True,
                                 list_marker=ent_name),
    "api-enterprise-detail": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True, kwargs=ent),
    "api-annual-report-list": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True,
                                    list_marker=ent_name),
    "api-annual-report-detail": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True, kwargs=rep),
}
