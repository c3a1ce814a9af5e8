from django.contrib import admin

from kechuang.core.admin import AuditedModelAdmin
from kechuang.plans.models import Action, CountyAllocation, Indicator, Plan, PlanTask


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    extra = 0
    fields = ("sort_order", "text", "responsible_unit", "due_date", "status")


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("sort_order", "key", "name", "unit", "target", "comparison", "direction", "metric",
              "scope", "source")


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ("title", "region", "year")
    list_filter = ("year",)
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(AuditedModelAdmin):
    list_display = ("number", "name", "plan")
    list_filter = ("plan",)
    inlines = [PlanTaskInline, IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "unit", "target", "comparison", "direction", "scope",
                    "source", "action")
    list_filter = ("action__plan", "source", "scope")
    search_fields = ("key", "name")


@admin.register(PlanTask)
class PlanTaskAdmin(AuditedModelAdmin):
    list_display = ("text", "action", "responsible_unit", "due_date", "status")
    list_filter = ("action__plan", "status")
    search_fields = ("text", "responsible_unit")


@admin.register(CountyAllocation)
class CountyAllocationAdmin(AuditedModelAdmin):
    list_display = ("indicator", "county", "target", "updated_at")
    list_filter = ("indicator__action__plan", "county")
    search_fields = ("indicator__name", "indicator__key")
