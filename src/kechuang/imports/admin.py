from django.contrib import admin

from kechuang.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only and undeletable: runs change only through the import services."""

    list_display = ("title", "original_name", "owner", "status", "total_rows", "create_count",
                    "update_count", "error_count", "created_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    actions = None  # no "delete selected"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
