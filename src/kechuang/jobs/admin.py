from django.contrib import admin

from kechuang.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only and undeletable: a job row is the record of who exported which data."""

    list_display = ("title", "kind", "owner", "status", "progress_done", "progress_total",
                    "created_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = None  # no "delete selected"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
