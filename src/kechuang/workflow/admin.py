from django.contrib import admin

from kechuang.audit.admin import ReadOnlyAdmin
from kechuang.workflow.models import Transition


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    """Read-only: transitions are append-only, like audit records."""

    list_display = ("at", "workflow", "action", "from_state", "to_state", "actor_name",
                    "content_type", "object_id")
    list_filter = ("workflow", "action")
    list_select_related = ("content_type",)
