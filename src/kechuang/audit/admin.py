"""The audit trail in the Django admin: readable by city administrators, never editable."""

from __future__ import annotations

from django.contrib import admin

from kechuang.audit.models import AuthEvent, ChangeRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None  # no "delete selected"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "source", "action", "content_type", "object_id",
                    "object_repr")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "actor_name", "object_id", "request_id")
    date_hierarchy = "at"
    list_select_related = ("content_type",)


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"
