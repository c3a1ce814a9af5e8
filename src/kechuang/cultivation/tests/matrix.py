"""Permission-matrix rows of tiered cultivation."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    ENTERPRISE_USERS,
    Route,
    ent_name,
    with_plan,
)

CULT_NUMBERS = {"registration": ("2025140403A0000001", "2025140423A0000002"),
                "certificate": ("GR202514000101", "GR202514000202"),
                "leader": ("长科发〔2025〕甲号", "长科发〔2025〕乙号")}


def cult_records(ctx, place):
    """No URL kwargs: a registration, a certificate and a leader designation of enterprise A
    and of enterprise B (both places alike)."""
    import datetime as dt

    from kechuang.cultivation.models import (
        HighTechCertificate,
        LeaderDesignation,
        TechSmeRegistration,
        certificate_expiry,
    )

    for i, p in enumerate(("a", "b")):
        e = ctx[f"enterprise_{p}"]
        TechSmeRegistration.objects.get_or_create(
            registration_no=CULT_NUMBERS["registration"][i],
            defaults={"enterprise": e, "year": 2025, "registered_on": dt.date(2025, 4, 1)})
        issued = dt.date(2025, 11, 20)
        HighTechCertificate.objects.get_or_create(
            certificate_no=CULT_NUMBERS["certificate"][i],
            defaults={"enterprise": e, "issued_on": issued,
                      "expires_on": certificate_expiry(issued)})
        LeaderDesignation.objects.get_or_create(
            document_no=CULT_NUMBERS["leader"][i],
            defaults={"enterprise": e, "year": 2025, "designated_on": dt.date(2025, 9, 1)})
    return {}


def cult_record(kind):
    def make(ctx, place):
        from kechuang.cultivation.models import RECORD_MODELS

        cult_records(ctx, place)
        field = {"registration": "registration_no", "certificate": "certificate_no",
                 "leader": "document_no"}[kind]
        number = CULT_NUMBERS[kind][place == "b"]
        return {"pk": RECORD_MODELS[kind].objects.get(**{field: number}).pk}
    return make


def cult_marker(kind):
    return lambda ctx, place: CULT_NUMBERS[kind][place == "b"]


def cult_file(ctx, place):
    """An evidence file of the place's certificate."""
    from django.core.files.base import ContentFile

    from kechuang.cultivation.models import HighTechCertificate, RecordFile

    cert = HighTechCertificate.objects.get(pk=cult_record("certificate")(ctx, place)["pk"])
    f = RecordFile(certificate=cert, original_name="证书.pdf", size=5,
                   content_type="application/pdf", uploaded_by=ctx["users"]["city_admin"])
    f.file.save("c.pdf", ContentFile(b"%PDF-"), save=True)
    return {"pk": f.pk}


def cult_candidates(ctx, place):
    """No URL kwargs: enterprise A and enterprise B in the candidate pool (both places)."""
    from kechuang.cultivation.models import CandidateEntry

    for p in ("a", "b"):
        CandidateEntry.objects.get_or_create(enterprise=ctx[f"enterprise_{p}"],
                                             target_rung="high_tech", year=2026)
    return {}


def cult_candidate(ctx, place):
    from kechuang.cultivation.models import CandidateEntry

    cult_candidates(ctx, place)
    return {"pk": CandidateEntry.objects.get(enterprise=ctx[f"enterprise_{place}"]).pk}


# Cultivation records: the bureau records and revokes (county staff in their county), an
# enterprise user reads its own; the candidate pool and the targets page are the bureau's.
RECORD_READERS = BUREAU | ENTERPRISE_USERS
CULT_API = {"registration": "tech-sme-registration", "certificate": "high-tech-certificate",
            "leader": "leader-designation"}
ROUTES: dict[str, Route] = {}
for _kind in ("registration", "certificate", "leader"):
    ROUTES.update({
        f"cultivation:{_kind}_list": Route(allowed=RECORD_READERS, kwargs=cult_records,
                                            scoped=False, list_marker=cult_marker(_kind)),
        f"cultivation:{_kind}_add": Route(allowed=BUREAU, also_post=True),
        f"cultivation:{_kind}_export": Route(allowed=RECORD_READERS, kwargs=cult_records,
                                              scoped=False, method="POST", ok=(302,),
                                              export_marker=cult_marker(_kind)),
        f"cultivation:{_kind}_detail": Route(allowed=RECORD_READERS, kwargs=cult_record(_kind)),
        f"cultivation:{_kind}_edit": Route(allowed=BUREAU, kwargs=cult_record(_kind),
                                            also_post=True),
        f"cultivation:{_kind}_files": Route(allowed=BUREAU, kwargs=cult_record(_kind),
                                             method="POST", ok=(302,)),
        f"api-{CULT_API[_kind]}-list": Route(
            allowed=RECORD_READERS, api=True, kwargs=cult_records, scoped=False,
            list_marker=cult_marker(_kind)),
        f"api-{CULT_API[_kind]}-detail": Route(
            allowed=RECORD_READERS, api=True, kwargs=cult_record(_kind)),
    })
    if _kind != "leader":
        ROUTES[f"cultivation:{_kind}_revoke"] = Route(allowed=BUREAU, kwargs=cult_record(_kind),
                                                      method="POST", ok=(302,))
ROUTES.update({
    "cultivation:targets": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "cultivation:file_download": Route(allowed=RECORD_READERS, kwargs=cult_file),
    "cultivation:candidate_list": Route(allowed=BUREAU, kwargs=cult_candidates, scoped=False,
                                        list_marker=ent_name),
    "cultivation:candidate_add": Route(allowed=BUREAU, also_post=True),
    "cultivation:candidate_export": Route(allowed=BUREAU, kwargs=cult_candidates, scoped=False,
                                          method="POST", ok=(302,), export_marker=ent_name),
    "cultivation:candidate_detail": Route(allowed=BUREAU, kwargs=cult_candidate),
    "cultivation:candidate_remove": Route(allowed=BUREAU, kwargs=cult_candidate,
                                          method="POST", ok=(302,)),
    "cultivation:candidate_promote": Route(allowed=BUREAU, kwargs=cult_candidate,
                                           method="POST", ok=(302,)),
    "cultivation:candidate_visit_add": Route(allowed=BUREAU, kwargs=cult_candidate,
                                             method="POST", ok=(302,)),
    "api-candidate-list": Route(allowed=BUREAU, api=True, kwargs=cult_candidates,
                                scoped=False, list_marker=ent_name),
    "api-candidate-detail": Route(allowed=BUREAU, api=True, kwargs=cult_candidate),
})
