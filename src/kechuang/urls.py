from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kechuang.core.admin_site import restrict_admin_to_city_admins

restrict_admin_to_city_admins(admin.site)

urlpatterns = [
    path("", include("kechuang.web.urls")),
    path("", include("kechuang.core.urls")),
    path("accounts/", include("kechuang.accounts.urls")),
    path("plan/", include("kechuang.plans.urls")),
    path("kpi/", include("kechuang.kpi.urls")),
    path("reported/", include("kechuang.reported.urls")),
    path("workflow/", include("kechuang.workflow.urls")),
    path("notices/", include("kechuang.notices.urls")),
    path("imports/", include("kechuang.imports.urls")),
    path("cultivation/", include("kechuang.cultivation.urls")),
    path("assessment/", include("kechuang.assessment.urls")),
    path("enterprises/", include("kechuang.orgs.urls")),
    path("audit/", include("kechuang.audit.urls")),
    path("jobs/", include("kechuang.jobs.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("kechuang.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "kechuang.web.views.page_not_found"
handler500 = "kechuang.web.views.server_error"
