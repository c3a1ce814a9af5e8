"""Enterprise and annual-report pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the row outside ``restrict()`` → 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.core import manifests
from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import export_view, form_page, get_or_404, paginate, require
from kechuang.orgs import exports, selectors, services, tables
from kechuang.orgs.filters import EnterpriseFilter, ReportFilter
from kechuang.orgs.forms import AnnualReportForm, EnterpriseForm
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport

# ---- enterprises -------------------------------------------------------------------------


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", Enterprise)
    form = EnterpriseFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    qs = selectors.with_chains(selectors.enterprise_list(user=user, action="view",
                                                         filters=filters))
    page = paginate(request, qs)
    sort = filters.get("sort", "name")
    return render(request, "orgs/enterprise_list.html", {
        "form": form,
        "filters": filters,
        "page_obj": page,
        "table_head": tables.ENTERPRISES.head(request.GET, sort),
        "table_body": tables.ENTERPRISES.body(page),
        "sort": sort,
        "filtered": any(k != "sort" for k in filters),
        "can_add": can(user, "add", Enterprise),
        "can_export": can(user, "export", Enterprise),
    })


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Enterprise)
    enterprise = get_or_404(selectors.enterprise_detail, user=user, pk=pk)
    reports = selectors.annual_reports(user=user, enterprise=enterprise)
    return render(request, "orgs/enterprise_detail.html", {
        "enterprise": enterprise,
        "reports": reports,
        "can_change": can(user, "change", Enterprise),
        "can_add_report": can(user, "add", EnterpriseAnnualReport),
        "can_change_report": can(user, "change", EnterpriseAnnualReport),
        "can_delete_report": can(user, "delete", EnterpriseAnnualReport),
        # what other apps add to the page (their manifests' panels)
        "action_panels": manifests.panels("enterprise_actions", user, enterprise),
        "section_panels": manifests.panels("enterprise_sections", user, enterprise),
    })


@login_required
def enterprise_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Enterprise)
    return form_page(request, EnterpriseForm(request.POST or None, user=user),
                     save=lambda data: services.create_enterprise(actor=user, data=data),
                     message=lambda o: _("已新增企业“%(name)s”。") % {"name": o.name},
                     done=_enterprise_url, template="orgs/enterprise_form.html",
                     context={"enterprise": None})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Enterprise)
    enterprise = get_or_404(selectors.enterprise_detail, user=user, pk=pk, action="change")
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=user)
    locked = [enterprise._meta.get_field(n) for n in services.ENTERPRISE_LOCKED_FIELDS
              if n not in form.fields]
    return form_page(request, form,
                     save=lambda data: services.update_enterprise(
                         actor=user, enterprise=enterprise, data=data),
                     message=lambda o: _("已保存企业“%(name)s”。") % {"name": o.name},
                     done=_enterprise_url, template="orgs/enterprise_form.html",
                     context={"enterprise": enterprise, "locked": [
                         (f.verbose_name, _display(enterprise, f)) for f in locked]})


def _display(obj: Any, field: Any) -> Any:
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    value = getattr(obj, field.name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


enterprise_export = export_view(exports.ENTERPRISE_EXPORT, model=Enterprise,
                                form=EnterpriseFilter.page_form)


def _enterprise_url(enterprise: Any) -> str:
    return reverse("orgs:enterprise_detail", kwargs={"pk": enterprise.pk})


def _report_form(request: HttpRequest, form: Any, enterprise: Any, report: Any,
                 save: Any) -> HttpResponse:
    """A report's create/edit page; back to its enterprise."""
    return form_page(request, form, save=save,
                     message=lambda r: _("已保存%(year)s年度报表。") % {"year": r.year},
                     done=lambda r: _enterprise_url(enterprise), template="orgs/report_form.html",
                     context={"enterprise": enterprise, "report": report})


# ---- annual reports ----------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", EnterpriseAnnualReport)
    form = ReportFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, selectors.report_list(user=user, action="view", filters=filters))
    sort = filters.get("sort", "")
    can_change_report = can(user, "change", EnterpriseAnnualReport)
    can_delete_report = can(user, "delete", EnterpriseAnnualReport)
    return render(request, "orgs/report_list.html", {
        "form": form,
        "filters": filters,
        "page_obj": page,
        "table_head": tables.REPORTS.head(request.GET, sort),
        "table_body": tables.REPORTS.body(page, can_change_report=can_change_report,
                                          can_delete_report=can_delete_report),
        "sort": sort,
        "filtered": any(k != "sort" for k in filters),
        "can_export": can(user, "export", EnterpriseAnnualReport),
        "can_change_report": can_change_report,
        "can_delete_report": can_delete_report,
    })


@login_required
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", EnterpriseAnnualReport)
    enterprise = get_or_404(selectors.enterprise_detail, user=user, pk=pk)
    return _report_form(request, AnnualReportForm(request.POST or None, enterprise=enterprise),
                        enterprise, None,
                        lambda data: services.create_annual_report(
                            actor=user, data=data | {"enterprise": enterprise}))


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", EnterpriseAnnualReport)
    report = get_or_404(selectors.annual_report, user=user, pk=pk, action="change")
    form = AnnualReportForm(request.POST or None, instance=report, enterprise=report.enterprise)
    return _report_form(request, form, report.enterprise, report,
                        lambda data: services.update_annual_report(actor=user, report=report,
                                                                   data=data))


@login_required
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "delete", EnterpriseAnnualReport)
    report = get_or_404(selectors.annual_report, user=user, pk=pk, action="delete")
    error = ""
    if request.method == "POST":
        try:
            services.delete_annual_report(actor=user, report=report)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已删除%(name)s。") % {"name": str(report)})
            return redirect("orgs:enterprise_detail", pk=report.enterprise_id)
    return render(request, "orgs/report_confirm_delete.html", {"report": report, "error": error})


report_export = export_view(exports.REPORT_EXPORT, model=EnterpriseAnnualReport,
                            form=ReportFilter.page_form)
