from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kechuang.core import manifests
from kechuang.core.admin_site import restrict_admin_to_city_admins

restrict_admin_to_city_admins(admin.site)

# every installed app's pages under the prefix its manifest declares (core/manifests.py)
urlpatterns = [
    *(path(m.url_prefix, include(m.urls)) for m in manifests.installed()
      if m.url_prefix is not None),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("kechuang.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "kechuang.web.views.page_not_found"
handler500 = "kechuang.web.views.server_error"
