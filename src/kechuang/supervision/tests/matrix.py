"""Permission-matrix rows of the supervision pages: the city supervises everything; a county
clerk sees its county bureau's items, updates and notices, files updates and answers notices;
no other role sees any of it."""

from __future__ import annotations

from kechuang.tests.matrix import BUREAU, CITY, Route

TASKS = {"a": 0, "b": 1}  # the place's task: action 1's first and second task


def _task_text(ctx, place):
    scene(ctx, place)
    return ctx["supervision"][place]["item"].task.text[:4]  # before any quote mark


def _unit_name(ctx, place):
    return {"a": "矩阵潞州区科技局", "b": "矩阵襄垣县科技局"}[place]


def _notice_text(ctx, place):
    return f"矩阵督办-{place}"


def scene(ctx, place):
    """No URL kwargs: the plan, a county bureau per place with a task assigned to it, an update
    with evidence and a 督办 notice (both places alike)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.plans.models import Plan
    from kechuang.plans.services import load_plan
    from kechuang.supervision import services

    if "supervision" in ctx:
        return {}
    if not Plan.objects.filter(year=2025).exists():
        load_plan()
    plan = Plan.objects.get(year=2025)
    boss = ctx["users"]["city_admin"]
    tasks = list(plan.actions.get(number=1).tasks.order_by("sort_order"))
    out = {}
    for p in ("a", "b"):
        county = ctx["users"][f"county_{p}_staff"].county
        unit = services.save_unit(actor=boss, data={
            "name": _unit_name(ctx, p), "kind": "county_bureau", "county": county},
            members=[ctx["users"][f"county_{p}_staff"]])
        item = services.assign_task(actor=boss, task=tasks[TASKS[p]], lead_unit=unit,
                                    due_date=dt.date(2025, 12, 31),
                                    milestones=[("节点", dt.date(2025, 6, 30))])
        upd = services.file_update(
            actor=boss, item=item, unit=unit, text="进展", files=[SimpleUploadedFile(
                "佐证.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                content_type="application/pdf")])
        notice = services.issue_notice(actor=boss, item=item, unit=unit,
                                       text=_notice_text(ctx, p),
                                       answer_due=dt.date(2030, 1, 1))
        measure = services.save_measure(actor=boss, data={
            "plan": plan, "number": 90 + TASKS[p], "title": f"矩阵措施{p}", "area": "subject",
            "mechanism": "enterprise"}, lead_unit=unit)
        out[p] = {"unit": unit, "item": item, "evidence": upd.evidence.get(),
                  "notice": notice, "measure": measure}
    ctx["supervision"] = out
    return {}


def _get(key):
    def kwargs(ctx, place):
        scene(ctx, place)
        obj = ctx["supervision"][place][key]
        return {"pk": obj.task_id if key == "task" else obj.pk}
    return kwargs


def _milestone(ctx, place):
    scene(ctx, place)
    return {"pk": ctx["supervision"][place]["item"].milestones.get().pk}


def _item_lead(ctx, place):
    """The item and its lead unit: the city's POST is answered (lead units are not removed)."""
    scene(ctx, place)
    item = ctx["supervision"][place]["item"]
    return {"pk": item.pk, "unit": item.lead_unit_id}


def _task(ctx, place):
    scene(ctx, place)
    return {"pk": ctx["supervision"][place]["item"].task_id}


ROUTES: dict[str, Route] = {
    "supervision:board": Route(allowed=BUREAU, kwargs=scene, scoped=False),
    "supervision:item_list": Route(allowed=BUREAU, kwargs=scene, scoped=False,
                                   list_marker=_task_text),
    "supervision:item_export": Route(allowed=BUREAU, kwargs=scene, scoped=False,
                                     method="POST", ok=(302,), export_marker=_task_text),
    "supervision:item_detail": Route(allowed=BUREAU, kwargs=_get("item")),
    "supervision:update_add": Route(allowed=BUREAU, kwargs=_get("item"), method="POST",
                                    ok=(302,)),
    "supervision:milestone_add": Route(allowed=CITY, kwargs=_get("item"), method="POST",
                                       ok=(302,)),
    "supervision:milestone_edit": Route(allowed=CITY, kwargs=_milestone, also_post=True),
    "supervision:milestone_delete": Route(allowed=CITY, kwargs=_milestone, method="POST",
                                          ok=(302,)),
    "supervision:unit_remove": Route(allowed=CITY, kwargs=_item_lead, method="POST", ok=(302,)),
    "supervision:notice_add": Route(allowed=CITY, kwargs=_get("item"), method="POST",
                                    ok=(302,)),
    "supervision:task_assign": Route(allowed=CITY, kwargs=_task, also_post=True),
    "supervision:measure_add": Route(allowed=CITY, kwargs=scene, scoped=False,
                                     also_post=True),
    "supervision:measure_edit": Route(allowed=CITY, kwargs=_get("measure"), also_post=True),
    "supervision:evidence_download": Route(allowed=BUREAU, kwargs=_get("evidence")),
    "supervision:unit_list": Route(allowed=BUREAU, kwargs=scene, scoped=False,
                                   list_marker=_unit_name),
    "supervision:unit_export": Route(allowed=BUREAU, kwargs=scene, scoped=False,
                                     method="POST", ok=(302,), export_marker=_unit_name),
    "supervision:unit_add": Route(allowed=CITY, also_post=True),
    "supervision:unit_board": Route(allowed=BUREAU, kwargs=_get("unit")),
    "supervision:unit_edit": Route(allowed=CITY, kwargs=_get("unit"), also_post=True),
    "supervision:notice_list": Route(allowed=BUREAU, kwargs=scene, scoped=False,
                                     list_marker=_notice_text),
    "supervision:notice_export": Route(allowed=BUREAU, kwargs=scene, scoped=False,
                                       method="POST", ok=(302,), export_marker=_notice_text),
    "supervision:notice_detail": Route(allowed=BUREAU, kwargs=_get("notice")),
    "supervision:notice_answer": Route(allowed=BUREAU, kwargs=_get("notice"), method="POST",
                                       ok=(302,)),
    "api-supervision-unit-list": Route(allowed=BUREAU, api=True, kwargs=scene, scoped=False,
                                       list_marker=_unit_name),
    "api-supervision-unit-detail": Route(allowed=BUREAU, api=True, kwargs=_get("unit")),
    "api-supervision-item-list": Route(allowed=BUREAU, api=True, kwargs=scene, scoped=False,
                                       list_marker=_task_text),
    "api-supervision-item-detail": Route(allowed=BUREAU, api=True, kwargs=_get("item")),
    # an empty request body: the role may, but the body is refused (400)
    "api-supervision-item-updates": Route(allowed=BUREAU, api=True, kwargs=_get("item"),
                                          method="POST", ok=(400,)),
    "api-supervision-notice-list": Route(allowed=BUREAU, api=True, kwargs=scene, scoped=False,
                                         list_marker=_notice_text),
    "api-supervision-notice-detail": Route(allowed=BUREAU, api=True, kwargs=_get("notice")),
    "api-supervision-notice-answer": Route(allowed=BUREAU, api=True, kwargs=_get("notice"),
                                           method="POST", ok=(400,)),
}
