"""Permission-matrix rows of self-assessment and batch evaluation."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    ENTERPRISE_USERS,
    Route,
    ent,
    ent_name,
)


def evaluation_results(ctx, place):
    """No URL kwargs: a finished batch run with a result in county A and one in county B."""
    from django.utils import timezone

    from kechuang.assessment.models import EvaluationResult, EvaluationRun

    if not EvaluationRun.objects.filter(year=2024, finished_at__isnull=False).exists():
        run = EvaluationRun.objects.create(year=2024, as_of="2025-06-01",
                                           finished_at=timezone.now())
        for p in ("a", "b"):
            EvaluationResult.objects.create(
                run=run, enterprise=ctx[f"enterprise_{p}"], year=2024, rule="tech_sme",
                outcome="ineligible", eligible=False, computed_at=timezone.now())
    return {}


def ent_assessment(ctx, place):
    return {"enterprise_pk": ctx[f"enterprise_{place}"].pk}


# 自评 reads like the enterprise page (own / county / all); batch runs and results are the
# bureau's, a county clerk's limited to their county.
ROUTES: dict[str, Route] = {
    "assessment:home": Route(allowed=BUREAU | ENTERPRISE_USERS, ok=(302,)),
    "assessment:enterprise_assessment": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent,
                                              also_post=True),
    "assessment:batch": Route(allowed=BUREAU, also_post=True),
    "assessment:result_list": Route(allowed=BUREAU, kwargs=evaluation_results, scoped=False,
                                    list_marker=ent_name),
    "assessment:result_export": Route(allowed=BUREAU, kwargs=evaluation_results, scoped=False,
                                      method="POST", ok=(302,), export_marker=ent_name),
    "api-assessment-enterprise-list": Route(allowed=BUREAU | ENTERPRISE_USERS, api=True,
                                            kwargs=ent_assessment, also_post=True),
}
