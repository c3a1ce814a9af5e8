"""Writes of the R&D-input module — each validated, scoped and audited.

Fiscal reports: the county files (with the finance bureau's document), corrects while not
approved, the city approves or rejects (``workflows.FISCAL_FLOW``). Reserve funds and
intensity figures: plain audited create/update. Innovation points: models (validated by the
pure rule), a batch run as a background job, publication.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.services import (
    BulkHook,
    BulkItem,
    Errors,
    create_object,
    insert_new,
    save_uploads,
    update_object,
)
from kechuang.core.uploads import check_files, delete_on_error
from kechuang.jobs.models import Job
from kechuang.jobs.registry import Progress, job_recovery
from kechuang.jobs.services import start_job
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation
from kechuang.plans.models import Indicator
from kechuang.plans.services import update_indicator
from kechuang.policy.innovation_points import InnovationPointsInput, evaluate_innovation_points
from kechuang.policy.inputs import PolicyInputError
from kechuang.rdinput import points as catalogue
from kechuang.rdinput.models import (
    FiscalEvidence,
    FiscalReport,
    IntensityFigure,
    PointsModel,
    PointsResult,
    PointsRun,
    RdReserveFund,
)
from kechuang.rdinput.workflows import FISCAL_FLOW, notify_submitted
from kechuang.workflow.services import transition

FISCAL_FIELDS = ("county", "year", "budget_wan", "actual_wan", "document", "note")
RESERVE_FIELDS = ("enterprise", "year", "provision_yuan", "used_yuan", "system_document",
                  "approved_on", "note")
INTENSITY_FIELDS = ("year", "official_pct", "official_source", "province_pct",
                    "province_source", "rd_expenditure_yuan", "gdp_yuan", "note")
POINTS_JOB = "rdinput.points_batch"
PROVINCE_INDICATOR = "rd_intensity_vs_province"
INSERT_BATCH = 2000


def _pick(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {k: data[k] for k in names if k in data}


# -- fiscal reports ----------------------------------------------------------------------------

def submit_fiscal(*, actor: Any, data: dict[str, Any], files: Iterable[Any] = ()
                  ) -> FiscalReport:
    """File a county's report of a year with the finance bureau's document (required)."""
    if not can(actor, "add", FiscalReport):
        raise PermissionDenied
    checked = check_files(files)
    if not checked:
        raise DomainError(_("请上传财政部门文件（预算或决算报告）作为佐证"), field="files")
    fields = _pick(data, FISCAL_FIELDS)
    if FiscalReport.objects.filter(county=fields.get("county"), year=fields.get("year")).exists():
        raise DomainError(_("该县区本年度已填报，请在原记录上修改"), field="year")
    with delete_on_error() as saved, transaction.atomic():
        obj = FiscalReport(**fields, submitted_by=actor, submitted_at=timezone.now())
        obj.note = obj.note or ""
        obj.full_clean()
        obj.save()
        if not FiscalReport.objects.restrict(actor, "add").filter(pk=obj.pk).exists():
            raise ScopeError(_("只能填报本县区的财政科技投入"))
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=obj,
                      after=snapshot(obj))
        save_uploads(checked, model=FiscalEvidence, owner={"report": obj}, actor=actor,
                     saved=saved)
    notify_submitted(obj)
    return obj


def correct_fiscal(*, report: FiscalReport, actor: Any, data: dict[str, Any],
                   files: Iterable[Any] = ()) -> FiscalReport:
    """Correct a report not yet approved; a rejected one goes back for review."""
    checked = check_files(files)
    fields = _pick(data, (*FISCAL_FIELDS, "version"))
    fields.pop("county", None)  # the county of a report never moves
    fields.pop("year", None)
    with delete_on_error() as saved, transaction.atomic():
        # the state now, not as the page saw it (an approval may have come in between)
        state = (FiscalReport.objects.select_for_update().filter(pk=report.pk)
                 .values_list("status", flat=True).first())
        if state == FiscalReport.Status.APPROVED:
            raise DomainError(_("已审核通过的报告不能修改；如需更正请联系市局退回"))
        obj = update_object(obj=report, actor=actor, data=fields)
        save_uploads(checked, model=FiscalEvidence, owner={"report": obj}, actor=actor,
                     saved=saved)
        if obj.status == FiscalReport.Status.REJECTED:
            obj = transition(obj, workflow=FISCAL_FLOW, action="resubmit", actor=actor)
    if obj.status == FiscalReport.Status.SUBMITTED:
        notify_submitted(obj)
    return obj


def approve_fiscal(*, report: FiscalReport, actor: Any, reason: str = "") -> FiscalReport:
    return transition(report, workflow=FISCAL_FLOW, action="approve", actor=actor,
                      reason=reason)


def reject_fiscal(*, report: FiscalReport, actor: Any, reason: str) -> FiscalReport:
    return transition(report, workflow=FISCAL_FLOW, action="reject", actor=actor,
                      reason=reason)


def _fiscal_import_rules(item: BulkItem) -> Errors:
    """The rule of ``correct_fiscal`` for an imported row: an approved report is not changed.
    A new row is filed as submitted (the model's default); its document file is uploaded on
    the page before approval (``workflows._has_evidence``)."""
    if not item.is_new and item.obj.status == FiscalReport.Status.APPROVED:
        return [("status", _("已审核通过的报告不能修改；如需更正请联系市局退回"))]
    return []


def resubmit_imported(*, actor: Any, reports: Iterable[FiscalReport]) -> int:
    """After an import corrected returned reports: each goes back for review through the
    workflow (``resubmit``, as a correction on the page does); returns how many."""
    n = 0
    for report in reports:
        if report.status == FiscalReport.Status.REJECTED:
            transition(report, workflow=FISCAL_FLOW, action="resubmit", actor=actor)
            n += 1
    return n


FISCAL_IMPORTS = BulkHook(model=FiscalReport, prepare=_fiscal_import_rules)


# -- reserve funds -----------------------------------------------------------------------------

def save_reserve(*, actor: Any, data: dict[str, Any], fund: RdReserveFund | None = None
                 ) -> RdReserveFund:
    """Register (or correct) an enterprise's reserve fund of a year."""
    fields = _pick(data, (*RESERVE_FIELDS, "version"))
    if fund is None:
        dup = RdReserveFund.objects.filter(enterprise=fields.get("enterprise"),
                                           year=fields.get("year")).exists()
        if dup:
            raise DomainError(_("该企业本年度的研发准备金已登记，请在原记录上修改"), field="year")
        return create_object(model=RdReserveFund, actor=actor,
                             data={**fields, "recorded_by": actor})
    fields.pop("enterprise", None)
    return update_object(obj=fund, actor=actor, data=fields)


RESERVE_IMPORTS = BulkHook(model=RdReserveFund)


# -- R&D intensity -----------------------------------------------------------------------------

def save_intensity(*, actor: Any, data: dict[str, Any], figure: IntensityFigure | None = None
                   ) -> IntensityFigure:
    """Record (or correct) a year's official figure, province average and estimate inputs."""
    fields = _pick(data, (*INTENSITY_FIELDS, "version"))
    for name in ("official_source", "province_source", "note"):
        if name in fields or figure is None:
            fields[name] = (fields.get(name) or "").strip()
    with transaction.atomic():
        if figure is None:
            if IntensityFigure.objects.filter(year=fields.get("year")).exists():
                raise DomainError(_("该年度已登记，请在原记录上修改"), field="year")
            figure = create_object(model=IntensityFigure, actor=actor,
                                   data={**fields, "recorded_by": actor})
        else:
            fields.pop("year", None)
            figure = update_object(obj=figure, actor=actor, data=fields)
        sync_province_reference(figure=figure, actor=actor)
    return figure


def sync_province_reference(*, figure: IntensityFigure, actor: Any) -> int:
    """The province average recorded for a year becomes the reference of that year's plan
    indicator 高于全省平均水平 (through the plans service, audited); returns plans updated."""
    if figure.province_pct is None or not can(actor, "change", Indicator):
        return 0
    updated = 0
    for ind in Indicator.objects.filter(key=PROVINCE_INDICATOR, action__plan__year=figure.year
                                        ).select_related("action__plan"):
        if ind.reference_value == figure.province_pct:
            continue
        update_indicator(indicator=ind, actor=actor, data={
            "reference_value": figure.province_pct,
            "reference_value_note": figure.province_source[:200]})
        updated += 1
    return updated


# -- innovation points -------------------------------------------------------------------------

def check_spec(spec: dict[str, Any]) -> None:
    """A model's configuration: known indicators; when weights are given, a valid §d config."""
    if not isinstance(spec, dict) or not spec.get("indicators"):
        raise DomainError(_("模型配置须包含指标列表（indicators）"), field="spec")
    unknown = catalogue.unknown_indicators(spec)
    if unknown:
        raise DomainError(_("未知指标：%(codes)s（可用：%(all)s）") % {
            "codes": "、".join(unknown), "all": "、".join(catalogue.SOURCES)}, field="spec")
    if spec.get("weights"):
        try:
            catalogue.parse_config(spec, 2025)
        except PolicyInputError as exc:
            raise DomainError(_("模型配置有误：%(e)s") % {"e": exc}, field="spec") from exc


def save_points_model(*, actor: Any, data: dict[str, Any], model: PointsModel | None = None
                      ) -> PointsModel:
    fields = _pick(data, ("name", "description", "example", "spec", "version"))
    check_spec(fields.get("spec") if "spec" in fields else model.spec)
    if model is None:
        return create_object(model=PointsModel, actor=actor, data=fields)
    return update_object(obj=model, actor=actor, data=fields)


def start_points_run(*, actor: Any, model: PointsModel, year: int) -> PointsRun:
    """Queue a batch run of ``model`` over the enterprises with an annual report of ``year``."""
    if not can(actor, "add", PointsRun):
        raise PermissionDenied
    if not model.has_weights:
        raise DomainError(_("模型“%(m)s”尚未配置权重，请先载入权重再测算") % {"m": model.name},
                          field="model")
    check_spec(model.spec)
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("年度应在 2000–2100 之间"), field="year")
    with transaction.atomic():
        run = PointsRun.objects.create(model=model, year=year, spec=model.spec,
                                       started_by=actor)
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=run,
                      after=snapshot(run))
        job = start_job(owner=actor, kind=POINTS_JOB,
                        title=_("%(year)s年度创新积分测算：%(m)s") % {"year": year,
                                                                    "m": model.name},
                        params={"run": run.pk})
        PointsRun.objects.filter(pk=run.pk).update(job=job)
        run.job = job
    return run


def cohort_input(run: PointsRun) -> InnovationPointsInput:
    """The run's cohort as the pure rule's input: every enterprise with a report of the year."""
    codes = catalogue.indicator_codes(run.spec)
    rows = (EnterpriseAnnualReport.objects.filter(
        year=run.year, enterprise__kind=Organisation.Kind.ENTERPRISE)
        .order_by("enterprise_id").values("enterprise_id", *catalogue.REPORT_FIELDS))
    config = catalogue.parse_config(run.spec, run.year)
    return InnovationPointsInput(year=run.year, config=config,
                                 enterprises=tuple(catalogue.enterprise_values(rows, codes)))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bounded batch.

    The batch allocates some 40 objects an enterprise (its values, six scores with their
    Fractions, the row and its JSON) and keeps most of them alive until the end; every full
    collection walks all of them, and how many run grows with the cohort — so the collector's
    share grew faster than the cohort (measured: 1k → 30k, +20 % → +50 % CPU). Nothing the
    batch builds is cyclic garbage (reference counting frees it), so pausing loses nothing;
    the collector is restored afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_points(*, run: PointsRun, progress: Progress) -> dict[str, int]:
    """The job's body: evaluate the cohort with the pure rule and store every enterprise's
    scores (all or nothing: a failure leaves no partial results). Linear in the cohort: one
    read, the pure rule, INSERT_BATCH rows at a time through ``core.services.insert_new``
    (PostgreSQL ``COPY``, SQLite ``executemany``: Django's ``bulk_create`` sent PostgreSQL an
    ``UNNEST`` of arrays whose every JSON ``scores`` value psycopg escaped character by
    character — two thirds of the batch); the cyclic collector paused (:func:`cyclic_gc_paused`)."""
    with cyclic_gc_paused():
        return _run_points(run=run, progress=progress)


def _run_points(*, run: PointsRun, progress: Progress) -> dict[str, int]:
    PointsRun.objects.filter(pk=run.pk).update(status=PointsRun.Status.RUNNING)
    progress(0, None, _("正在读取企业年报"))
    try:
        inp = cohort_input(run)
        total = len(inp.enterprises)
        progress(0, total, _("正在计算积分"))
        result = evaluate_innovation_points(inp)
        with transaction.atomic():
            PointsResult.objects.filter(run=run).delete()
            batch: list[PointsResult] = []
            for n, p in enumerate(result.enterprises, start=1):
                batch.append(result_row(run, p))
                if len(batch) >= INSERT_BATCH:
                    insert_new(batch, batch_size=INSERT_BATCH)
                    batch = []
                    progress(n, total, _("正在保存结果"))
            insert_new(batch, batch_size=INSERT_BATCH)
            PointsRun.objects.filter(pk=run.pk).update(
                status=PointsRun.Status.DONE, enterprises=total, notes=result.notes, error="")
        progress(total, total, _("完成"))
    except (PolicyInputError, DomainError) as exc:
        PointsRun.objects.filter(pk=run.pk).update(status=PointsRun.Status.FAILED,
                                                   error=str(exc)[:500])
        raise DomainError(str(exc)) from exc
    except Exception:
        PointsRun.objects.filter(pk=run.pk).update(status=PointsRun.Status.FAILED,
                                                   error=_("测算失败，请重试"))
        raise
    return {"enterprises": total}


def result_row(run: PointsRun, p: Any) -> PointsResult:
    return PointsResult(
        run=run, enterprise_id=int(p.enterprise_id), stage=p.stage, stage_name=p.stage_name,
        total=p.total, total_exact=str(p.total_exact), rank=p.rank,
        cohort_size=p.cohort_size, tier=p.tier or "", tier_name=p.tier_name,
        scores=[s.to_dict() for s in p.scores])


def publish_run(*, run: PointsRun, actor: Any) -> PointsRun:
    """Publish a finished run: enterprises and counties then see its results."""
    if not can(actor, "approve", PointsRun):
        raise PermissionDenied
    with transaction.atomic():
        locked = PointsRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != PointsRun.Status.DONE:
            raise DomainError(_("只有已完成的测算可以公布"))
        if locked.published_at is not None:
            raise DomainError(_("该测算已公布"))
        before = snapshot(locked)
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=snapshot(locked), reason=_("公布创新积分"))
    return locked


@job_recovery("rdinput.points_runs")
def fail_lost_runs() -> dict[str, int]:
    """Reaper hook: unfinished runs whose job failed (its worker died), succeeded without
    finishing, or vanished — marked failed (their results were never committed)."""
    gone = Q(job__isnull=True) | Q(job__status__in=(Job.Status.FAILED, Job.Status.SUCCEEDED))
    lost = PointsRun.objects.filter(gone, status__in=(PointsRun.Status.QUEUED,
                                                      PointsRun.Status.RUNNING))
    return {"failed": lost.update(status=PointsRun.Status.FAILED,
                                  error=_("后台任务中断，请重新测算"))}
