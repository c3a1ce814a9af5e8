from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "county", "organisation", "is_active")
    list_filter = ("role", "county", "is_active")
    search_fields = ("username", "first_name", "last_name", "phone")
    raw_id_fields = ("organisation",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("角色与范围"), {"fields": ("role", "county", "organisation", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("角色与范围"), {"fields": ("role", "county", "organisation")}),
    )
