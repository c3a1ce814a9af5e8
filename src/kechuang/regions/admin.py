from django.contrib import admin

from kechuang.core.admin import AuditedModelAdmin
from kechuang.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "level", "kind", "gb2260", "parent", "host")
    list_filter = ("level", "kind", "gb2260")
    search_fields = ("name", "code")
