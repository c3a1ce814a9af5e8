"""Permission-matrix rows of the cooperation pages and API."""

from __future__ import annotations

from kechuang.tests.matrix import BUREAU, CITY, ENTERPRISE_USERS, Route


def name(ctx, place):
    return f"校地合作-{place}"


def team(ctx, place):
    return f"人才团队-{place}"


def title(ctx, place):
    return f"转化成果-{place}"


def records(ctx, place):
    """No URL kwargs: in each place a project with enterprise A (B) as local partner in county
    A (B) with one milestone, a team hosted there and an achievement received there."""
    import datetime as dt
    from decimal import Decimal

    from kechuang.cooperation import services
    from kechuang.cooperation.models import CooperationProject

    staff = ctx["users"]["city_staff"]
    for p in ("a", "b"):
        if CooperationProject.objects.filter(name=name(ctx, p)).exists():
            continue
        ent = ctx[f"enterprise_{p}"]
        project = services.create_project(actor=staff, local_partners=[ent], data={
            "name": name(ctx, p), "kind": "joint_lab", "partner_name": "北京大学",
            "county": ent.county, "agreement_on": dt.date(2024, 5, 1), "status": "building"})
        services.add_milestone(project=project, actor=staff,
                               data={"title": f"节点-{p}", "due_on": dt.date(2025, 1, 1)})
        services.create_talent(actor=staff, data={
            "category": "team", "mode": "project", "team_name": team(ctx, p), "name": "张三",
            "members": 5, "host": ent, "field": "材料", "started_on": dt.date(2025, 2, 1)})
        services.create_achievement(actor=staff, data={
            "title": title(ctx, p), "source": "山西大学", "receiver": ent, "mode": "transfer",
            "amount_yuan": Decimal("100000"), "transferred_on": dt.date(2025, 3, 1)})
    return {}


def project(ctx, place):
    from kechuang.cooperation.models import CooperationProject

    records(ctx, place)
    return {"pk": CooperationProject.objects.get(name=name(ctx, place)).pk}


def milestone(ctx, place):
    from kechuang.cooperation.models import Milestone

    records(ctx, place)
    return {"pk": Milestone.objects.get(title=f"节点-{place}").pk}


def evidence(ctx, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.cooperation import services
    from kechuang.cooperation.models import Milestone, MilestoneEvidence

    records(ctx, place)
    m = Milestone.objects.get(title=f"节点-{place}")
    if not MilestoneEvidence.objects.filter(milestone=m).exists():
        services.file_evidence(milestone=m, actor=ctx["users"]["city_staff"],
                               done_on=m.due_on, files=[SimpleUploadedFile(
                                   "e.pdf", b"%PDF-1.4\n%%EOF\n")])
    return {"pk": MilestoneEvidence.objects.get(milestone=m).pk}


def talent(ctx, place):
    from kechuang.cooperation.models import Talent

    records(ctx, place)
    return {"pk": Talent.objects.get(team_name=team(ctx, place)).pk}


def achievement(ctx, place):
    from kechuang.cooperation.models import Achievement

    records(ctx, place)
    return {"pk": Achievement.objects.get(title=title(ctx, place)).pk}


READERS = BUREAU | ENTERPRISE_USERS
BUREAU_WRITERS = BUREAU  # city and county staff (their county)
TALENT_WRITERS = CITY | ENTERPRISE_USERS  # county staff only read talents
MILESTONE_FILERS = BUREAU | ENTERPRISE_USERS

ROUTES: dict[str, Route] = {
    "cooperation:project_list": Route(allowed=READERS, kwargs=records, scoped=False,
                                      list_marker=name),
    "cooperation:project_add": Route(allowed=BUREAU_WRITERS, also_post=True),
    "cooperation:project_export": Route(allowed=READERS, kwargs=records, scoped=False,
                                        method="POST", ok=(302,), export_marker=name),
    "cooperation:project_detail": Route(allowed=READERS, kwargs=project),
    "cooperation:project_edit": Route(allowed=BUREAU_WRITERS, kwargs=project, also_post=True),
    "cooperation:milestone_add": Route(allowed=BUREAU_WRITERS, kwargs=project, method="POST",
                                       ok=(302,)),
    "cooperation:outcome_add": Route(allowed=BUREAU_WRITERS, kwargs=project, method="POST",
                                     ok=(302,)),
    "cooperation:milestone_evidence": Route(allowed=MILESTONE_FILERS, kwargs=milestone,
                                            method="POST", ok=(302,)),
    "cooperation:milestone_reopen": Route(allowed=CITY, kwargs=milestone, method="POST",
                                          ok=(302,)),
    "cooperation:evidence_download": Route(allowed=READERS, kwargs=evidence),
    "cooperation:talent_list": Route(allowed=READERS, kwargs=records, scoped=False,
                                     list_marker=team),
    "cooperation:talent_add": Route(allowed=TALENT_WRITERS, also_post=True),
    "cooperation:talent_export": Route(allowed=READERS, kwargs=records, scoped=False,
                                       method="POST", ok=(302,), export_marker=team),
    "cooperation:talent_edit": Route(allowed=TALENT_WRITERS, kwargs=talent, also_post=True),
    "cooperation:achievement_list": Route(allowed=READERS, kwargs=records, scoped=False,
                                          list_marker=title),
    "cooperation:achievement_add": Route(allowed=BUREAU_WRITERS, also_post=True),
    "cooperation:achievement_export": Route(allowed=READERS, kwargs=records, scoped=False,
                                            method="POST", ok=(302,), export_marker=title),
    "cooperation:achievement_edit": Route(allowed=BUREAU_WRITERS, kwargs=achievement,
                                          also_post=True),
    "api-cooperation-project-list": Route(allowed=READERS, api=True, kwargs=records,
                                          scoped=False, list_marker=name),
    "api-cooperation-project-detail": Route(allowed=READERS, api=True, kwargs=project),
    "api-talent-list": Route(allowed=READERS, api=True, kwargs=records, scoped=False,
                             list_marker=team),
    "api-talent-detail": Route(allowed=READERS, api=True, kwargs=talent),
    "api-achievement-list": Route(allowed=READERS, api=True, kwargs=records, scoped=False,
                                  list_marker=title),
    "api-achievement-detail": Route(allowed=READERS, api=True, kwargs=achievement),
}
