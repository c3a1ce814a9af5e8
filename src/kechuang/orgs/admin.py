from django.contrib import admin

from kechuang.core.admin import AuditedModelAdmin
from kechuang.orgs.models import (
    ChainMembership,
    EnterpriseAnnualReport,
    IndustrialChain,
    Organisation,
)


class ChainMembershipInline(admin.TabularInline):
    model = ChainMembership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "credit_code", "county", "industry_code", "above_scale",
                    "tier")
    list_filter = ("kind", "county", "above_scale", "tier")
    search_fields = ("name", "credit_code")
    list_select_related = ("county",)
    inlines = [ChainMembershipInline]


@admin.register(EnterpriseAnnualReport)
class EnterpriseAnnualReportAdmin(AuditedModelAdmin):
    list_display = ("enterprise", "year", "employees", "revenue_yuan", "rd_expense_yuan")
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise",)
    list_select_related = ("enterprise",)


@admin.register(IndustrialChain)
class IndustrialChainAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "sort_order")
