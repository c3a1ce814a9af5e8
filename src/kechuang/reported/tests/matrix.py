"""Permission-matrix rows of reported values and their evidence."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    REVIEWERS,
    Route,
    with_plan,
)


def reported_values(ctx, place):
    """No URL kwargs: a submitted value in county A and one in county B (both places alike)."""
    from kechuang.plans.models import Indicator
    from kechuang.reported.models import ReportedValue
    from kechuang.reported.tests.conftest import keep_reported

    with_plan(ctx, place)
    keep_reported()  # counted by rdinput; the official statistic keeps it reported
    ind = Indicator.objects.get(key="county_fiscal_st_spending")
    for p in ("a", "b"):
        if not ReportedValue.objects.filter(note=reported_note(ctx, p)).exists():
            ReportedValue.objects.create(
                indicator=ind, county_id=ctx[f"enterprise_{p}"].county_id, value=1,
                period_end="2025-06-30", note=reported_note(ctx, p),
                submitted_by=ctx["users"][f"county_{p}_staff"])
    return {}


def reported_value(ctx, place):
    from kechuang.reported.models import ReportedValue

    reported_values(ctx, place)
    return {"pk": ReportedValue.objects.get(note=reported_note(ctx, place)).pk}


def reported_note(ctx, place):
    return f"上报数值-{place}"


def counted_indicator(ctx, place):
    """A counted indicator of the plan (both places alike: the setting is the city's)."""
    from kechuang.plans.models import Indicator

    with_plan(ctx, place)
    return {"pk": Indicator.objects.get(key="tech_sme_registered").pk}


def evidence(ctx, place):
    from django.core.files.base import ContentFile

    from kechuang.reported.models import Evidence, ReportedValue

    value = ReportedValue.objects.get(pk=reported_value(ctx, place)["pk"])
    ev = Evidence(reported_value=value, original_name="a.pdf", size=5,
                  content_type="application/pdf", uploaded_by=value.submitted_by)
    ev.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    return {"pk": ev.pk}


ROUTES: dict[str, Route] = {
    "reported:value_list": Route(allowed=BUREAU, kwargs=reported_values, scoped=False,
                                 list_marker=reported_note),
    "reported:value_add": Route(allowed=BUREAU, kwargs=with_plan, scoped=False, also_post=True),
    "reported:value_detail": Route(allowed=BUREAU, kwargs=reported_value),
    "reported:value_approve": Route(allowed=REVIEWERS, kwargs=reported_value, method="POST",
                                    ok=(302,)),
    "reported:value_reject": Route(allowed=REVIEWERS, kwargs=reported_value, method="POST",
                                   ok=(302,)),
    "reported:value_export": Route(allowed=BUREAU, kwargs=reported_values, scoped=False,
                                   method="POST", ok=(302,), export_marker=reported_note),
    "reported:evidence_download": Route(allowed=BUREAU, kwargs=evidence),
    "reported:indicator_source": Route(allowed={"city_admin"}, kwargs=counted_indicator,
                                       scoped=False, also_post=True),
    "api-reported-value-list": Route(allowed=BUREAU, api=True, kwargs=reported_values,
                                     scoped=False, list_marker=reported_note),
    "api-reported-value-detail": Route(allowed=BUREAU, api=True, kwargs=reported_value),
    "api-reported-value-approve": Route(allowed=REVIEWERS, api=True, kwargs=reported_value,
                                        method="POST"),
    "api-reported-value-reject": Route(allowed=REVIEWERS, api=True, kwargs=reported_value,
                                       method="POST", ok=(400,)),  # no reason given
}
