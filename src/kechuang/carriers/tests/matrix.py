"""Permission-matrix rows of the platform, occupant and evaluation pages.

Fixtures (both places alike): an incubator hosted by enterprise A in county A and one hosted by
enterprise B in county B, each with an occupant, and for each a campaign holding that
platform's evaluation (submitted, with one evidence file) — so a host sees only its own.
"""

from __future__ import annotations

from kechuang.tests.matrix import BUREAU, CITY, ENTERPRISE_USERS, REVIEWERS, SIGNED_IN, Route

HOSTS = ENTERPRISE_USERS | {"provider"}
READERS = BUREAU | HOSTS
OCCUPANT_WRITERS = CITY | HOSTS


def name(ctx, place):
    return f"矩阵孵化器{place}"


def platforms(ctx, place):
    import datetime as dt

    from kechuang.carriers import services
    from kechuang.carriers.models import Campaign, Evaluation, EvaluationEvidence, Platform
    from kechuang.carriers.tests.conftest import make_platform

    bureau = ctx["users"]["city_staff"]
    for p in ("a", "b"):
        if Platform.objects.filter(name=name(ctx, p)).exists():
            continue
        platform = make_platform(bureau, ctx[f"enterprise_{p}"], name=name(ctx, p),
                                 kind_code="incubator", level="city",
                                 on=dt.date(2024, 3, 1))
        services.add_occupant(carrier=platform, actor=bureau, data={
            "name": f"矩阵团队{p}", "kind": "team", "settled_on": dt.date(2025, 1, 5)})
        campaign = Campaign.objects.create(year=2024, title=f"矩阵评价{p}",
                                           due_on=dt.date(2025, 3, 31), submitted_by=bureau)
        ev = Evaluation.objects.create(campaign=campaign, platform=platform,
                                       status=Evaluation.Status.SUBMITTED, rd_staff=3)
        from django.core.files.base import ContentFile

        evidence = EvaluationEvidence(evaluation=ev, original_name="证明.pdf", size=20,
                                      content_type="application/pdf", uploaded_by=bureau)
        evidence.file.save("证明.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {}


def _pk(model_path, lookup):
    def kwargs(ctx, place):
        import importlib

        platforms(ctx, place)
        module, cls = model_path.rsplit(".", 1)
        model = getattr(importlib.import_module(module), cls)
        return {"pk": model.objects.get(**{lookup: lookup_value(lookup, place)}).pk}
    return kwargs


def lookup_value(lookup, place):
    return {"name": f"矩阵孵化器{place}", "title": f"矩阵评价{place}",
            "campaign__title": f"矩阵评价{place}",
            "evaluation__campaign__title": f"矩阵评价{place}"}[lookup]


platform = _pk("kechuang.carriers.models.Platform", "name")
def occupant(ctx, place):
    """The occupant of the place's incubator."""
    from kechuang.carriers.models import Occupant

    platforms(ctx, place)
    return {"pk": Occupant.objects.get(name=f"矩阵团队{place}").pk}


campaign = _pk("kechuang.carriers.models.Campaign", "title")
evaluation = _pk("kechuang.carriers.models.Evaluation", "campaign__title")
evidence = _pk("kechuang.carriers.models.EvaluationEvidence", "evaluation__campaign__title")


def team(ctx, place):
    return f"矩阵团队{place}"


ROUTES: dict[str, Route] = {
    "carriers:platform_list": Route(allowed=READERS, kwargs=platforms, scoped=False,
                                    list_marker=name),
    "carriers:platform_add": Route(allowed=CITY, also_post=True),
    "carriers:platform_export": Route(allowed=READERS, kwargs=platforms, scoped=False,
                                      method="POST", ok=(302,), export_marker=name),
    "carriers:platform_stats": Route(allowed=READERS, kwargs=platforms, scoped=False),
    "carriers:platform_detail": Route(allowed=READERS, kwargs=platform),
    "carriers:platform_edit": Route(allowed=CITY, kwargs=platform, also_post=True),
    "carriers:platform_recognise": Route(allowed=CITY, kwargs=platform, method="POST",
                                         ok=(302,)),
    "carriers:platform_operate": Route(allowed=CITY, kwargs=platform, method="POST",
                                       ok=(302,)),
    "carriers:platform_end": Route(allowed=CITY, kwargs=platform, method="POST", ok=(302,)),
    "carriers:platform_convert": Route(allowed=CITY, kwargs=platform, method="POST",
                                       ok=(302,)),
    "carriers:occupant_add": Route(allowed=OCCUPANT_WRITERS, kwargs=platform, also_post=True),
    "carriers:kind_list": Route(allowed=SIGNED_IN, scoped=False),
    "carriers:occupant_list": Route(allowed=READERS, kwargs=platforms, scoped=False,
                                    list_marker=team),
    "carriers:occupant_export": Route(allowed=READERS, kwargs=platforms, scoped=False,
                                      method="POST", ok=(302,), export_marker=team),
    "carriers:occupant_edit": Route(allowed=OCCUPANT_WRITERS, kwargs=occupant, also_post=True),
    "carriers:campaign_list": Route(allowed=READERS, kwargs=platforms, scoped=False),
    "carriers:campaign_add": Route(allowed=CITY, also_post=True),
    "carriers:campaign_detail": Route(allowed=READERS, kwargs=campaign),
    "carriers:campaign_remind": Route(allowed=REVIEWERS, kwargs=campaign, method="POST",
                                      ok=(302,)),
    "carriers:campaign_close": Route(allowed=REVIEWERS, kwargs=campaign, method="POST",
                                     ok=(302,)),
    "carriers:evaluation_list": Route(allowed=READERS, kwargs=platforms, scoped=False,
                                      list_marker=name),
    "carriers:evaluation_export": Route(allowed=READERS, kwargs=platforms, scoped=False,
                                        method="POST", ok=(302,), export_marker=name),
    "carriers:evaluation_detail": Route(allowed=READERS, kwargs=evaluation),
    "carriers:evaluation_grade": Route(allowed=REVIEWERS, kwargs=evaluation, method="POST",
                                       ok=(302,)),
    "carriers:evaluation_return": Route(allowed=REVIEWERS, kwargs=evaluation, method="POST",
                                        ok=(302,)),
    "carriers:evidence_download": Route(allowed=READERS, kwargs=evidence),
    "api-platform-list": Route(allowed=READERS, api=True, kwargs=platforms, scoped=False,
                               list_marker=name),
    "api-platform-detail": Route(allowed=READERS, api=True, kwargs=platform),
    "api-platform-occupant-list": Route(allowed=READERS, api=True, kwargs=platforms,
                                        scoped=False, list_marker=team),
    "api-platform-occupant-detail": Route(allowed=READERS, api=True, kwargs=occupant),
    "api-platform-evaluation-list": Route(allowed=READERS, api=True, kwargs=platforms,
                                          scoped=False, list_marker=name),
    "api-platform-evaluation-detail": Route(allowed=READERS, api=True, kwargs=evaluation),
    # an empty request body: the role may, but the body is refused (400)
    "api-platform-evaluation-grade": Route(allowed=REVIEWERS, api=True, kwargs=evaluation,
                                           method="POST", ok=(400,)),
}
