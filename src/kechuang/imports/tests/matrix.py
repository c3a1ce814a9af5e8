"""Permission-matrix rows of the importer (runs are personal, like jobs)."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    ROLES,
    Route,
)


def import_kind(ctx, place):
    """The annual-report import: a kind, not a row (both places alike)."""
    return {"kind": "orgs.annual_report"}


def import_run(ctx, place):
    """A checked (invalid) import of county A's clerk ("a") or of a city staff member ("b")."""
    from django.core.files.base import ContentFile

    from kechuang.imports.models import ImportRun

    owner = ctx["users"]["county_a_staff" if place == "a" else "city_staff"]
    run = ImportRun(owner=owner, kind="orgs.annual_report", title="企业年度报表",
                    original_name="年报.xlsx", status="invalid", errors=[[2, "年度", "必填"]])
    run.file.save("u.xlsx", ContentFile(b"PK"), save=False)
    run.error_file.save("e.xlsx", ContentFile(b"PK"), save=False)
    run.save()
    return {"pk": run.pk}


# Import runs are personal like jobs (owner only); importing is bureau work. The city
# administrator also reads (never commits or cancels) the runs of city staff.
IMPORT_OWNERS = {role: set() for role in ROLES} | {"county_a_staff": {"a"},
                                                   "city_staff": {"b"}}
IMPORT_READERS = IMPORT_OWNERS | {"city_admin": {"b"}}

ROUTES: dict[str, Route] = {
    "imports:run_list": Route(allowed=BUREAU),
    "imports:run_new": Route(allowed=BUREAU, kwargs=import_kind, scoped=False, also_post=True),
    "imports:template_download": Route(allowed=BUREAU, kwargs=import_kind, scoped=False),
    "imports:run_detail": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_READERS),
    "imports:run_progress": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_READERS),
    "imports:run_errors": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_READERS),
    "imports:run_commit": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_OWNERS,
                                method="POST", ok=(302,)),
    "imports:run_cancel": Route(allowed=BUREAU, kwargs=import_run, visible=IMPORT_OWNERS,
                                method="POST", ok=(302,)),
}
