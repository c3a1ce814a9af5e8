"""Writes of the assessment app: the batch evaluation (self-assessment writes nothing).

``start_batch`` records a run and queues a job; the job calls ``run_batch``, which reads the
enterprises in the starter's scope and their reports in chunks (one query per chunk, no
per-row queries), evaluates the three rules with the same :func:`engine.assess` the page
uses, and bulk-writes the results under the run. Only at the end, in one transaction, the
run is marked finished and the results it replaces — same year and rules, enterprises in the
same scope, from earlier finished runs — are deleted: readers see the old results or the new
ones, never a mix. A failed run is marked ``failed_at`` and removes its partial rows; when
the worker dies instead (SIGKILL: no ``except`` runs), the job reaper (``jobs.recovery``)
finds the run by its failed job and does the same (``recover_batches``); every run also
clears what earlier failed runs left, and readers only ever count completed runs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.access import county_of
from kechuang.accounts.scoping import can
from kechuang.assessment.engine import RULES, assess, summarise
from kechuang.assessment.inputs import EnterpriseFacts, figures_from_row
from kechuang.assessment.models import EvaluationResult, EvaluationRun
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change
from kechuang.core.errors import DomainError, ScopeError
from kechuang.jobs.models import Job
from kechuang.jobs.registry import Progress, job_recovery
from kechuang.jobs.services import start_job
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
from kechuang.policy.inputs import ANNUAL_FIELDS, RuleNotFound
from kechuang.policy.registry import select

BATCH_JOB = "assessment.batch_evaluate"
CHUNK = 500
INSERT_BATCH = 1000
DELETE_BATCH = 5000  # rows per delete statement when clearing a failed run (short locks)


def start_batch(*, actor: Any, year: int, as_of: dt.date) -> Job:
    """Record a batch run over the actor's scope for data year ``year`` and queue its job."""
    if not can(actor, "add", EvaluationResult):
        raise ScopeError(_("您的角色无权发起批量测评"))
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("年度应在 2000–2100 之间"), field="year")
    county_id = county_of(actor)
    with transaction.atomic():
        run = EvaluationRun.objects.create(year=year, as_of=as_of, started_by=actor,
                                           county_id=county_id, rules=list(RULES))
        job = start_job(owner=actor, kind=BATCH_JOB,
                        title=_("%(year)s年度批量测评") % {"year": year},
                        params={"run": run.pk})
        EvaluationRun.objects.filter(pk=run.pk).update(job=job)
    return job


def rule_versions(year: int) -> dict[str, str]:
    """The rule set each rule uses for data year ``year`` ("" when none covers it)."""
    policy_year = {"tech_sme": year + 1, "high_tech": year + 1, "rd_deduction": year}
    out = {}
    for rule in RULES:
        try:
            out[rule] = select(rule, policy_year[rule]).version
        except RuleNotFound:
            out[rule] = ""
    return out


def run_batch(*, run: EvaluationRun, actor: Any, progress: Progress) -> dict[str, int]:
    """Evaluate every enterprise in the actor's scope that has a report for the run's year."""
    year = run.year
    enterprises = Enterprise.objects.restrict(actor, "view")
    reports = EnterpriseAnnualReport.objects.restrict(actor, "view")
    rows = list(enterprises.filter(annual_reports__year=year).order_by("pk").values_list(
        "pk", "industry_code", "established_on", "tier", "county_id"))
    total = len(rows)
    versions = rule_versions(year)
    now = timezone.now()
    written = errors = 0
    purge_failed_runs()
    progress(0, total, _("正在测评"))
    try:
        for start in range(0, total, CHUNK):
            chunk = rows[start:start + CHUNK]
            figures: dict[int, dict[int, Any]] = defaultdict(dict)
            for r in (reports.filter(enterprise_id__in=[c[0] for c in chunk],
                                     year__gte=year - 2, year__lte=year)
                      .order_by().values("enterprise_id", *ANNUAL_FIELDS)):
                figures[r["enterprise_id"]][r["year"]] = figures_from_row(r)
            objs = []
            for pk, industry_code, established_on, tier, county_id in chunk:
                facts = EnterpriseFacts(pk, industry_code, established_on, tier)
                assessment = assess(facts, figures[pk], year=year, as_of=run.as_of)
                for rule, outcome in assessment.outcomes.items():
                    s = summarise(outcome, rule_version=versions[rule])
                    errors += s.outcome == "error"
                    objs.append(EvaluationResult(
                        run=run, enterprise_id=pk, county_id=county_id, year=year, rule=rule,
                        rule_version=s.rule_version, outcome=s.outcome, eligible=s.eligible,
                        score=s.score, score_max=s.score_max,
                        failed_conditions=s.failed_conditions, gap_text=s.gap_text,
                        gap_points=s.gap_points,
                        rd_deduction_amount_yuan=s.rd_deduction_amount_yuan, error=s.error,
                        computed_at=now))
            EvaluationResult.objects.bulk_create(objs, batch_size=INSERT_BATCH)
            written += len(objs)
            progress(min(start + CHUNK, total), total, _("正在测评"))
        with transaction.atomic():
            stale = (EvaluationResult.objects
                     .filter(year=year, rule__in=RULES, enterprise_id__in=enterprises.values("pk"),
                             run__finished_at__isnull=False)
                     .exclude(run=run))
            replaced, _detail = stale.delete()
            summary = {"enterprises": total, "results": written, "errors": errors,
                       "replaced": replaced, "rows": written}
            if not EvaluationRun.objects.filter(
                    pk=run.pk, finished_at__isnull=True, failed_at__isnull=True).update(
                    finished_at=timezone.now(), enterprises=total, results=written,
                    errors=errors, rule_versions=versions):
                raise DomainError(_("该批量测评已被系统中止，请重新发起"))
            run.refresh_from_db()
            record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=run,
                          after={"year": year, "as_of": run.as_of.isoformat(),
                                 "county": run.county_id, "rule_versions": versions,
                                 **summary})
    except BaseException as exc:
        reason = exc.message if isinstance(exc, DomainError) else _("处理过程中发生系统错误")
        fail_run(run_id=run.pk, reason=reason)
        raise
    return summary


def fail_run(*, run_id: int, reason: str) -> bool:
    """Mark an unfinished run failed and delete its partial results (never a finished run)."""
    moved = EvaluationRun.objects.filter(pk=run_id, finished_at__isnull=True,
                                         failed_at__isnull=True).update(
        failed_at=timezone.now(), error=reason[:500])
    _delete_results(run_id)
    return bool(moved)


def _delete_results(run_id: int) -> int:
    """A failed run's results, a batch of rows per statement: no long write lock."""
    deleted = 0
    while ids := list(EvaluationResult.objects.filter(run_id=run_id)
                      .values_list("pk", flat=True)[:DELETE_BATCH]):
        deleted += EvaluationResult.objects.filter(pk__in=ids).delete()[0]
    return deleted


def purge_failed_runs() -> int:
    """Delete whatever results failed runs still hold (a fail_run that was itself cut short)."""
    return sum(_delete_results(pk) for pk in EvaluationRun.objects.filter(
        failed_at__isnull=False, result_rows__isnull=False).values_list("pk", flat=True)
        .distinct())


@job_recovery("assessment.batches")
def recover_batches() -> dict[str, int]:
    """Reaper hook: unfinished runs whose job failed (its worker died) or vanished."""
    gone = Q(job__isnull=True) | Q(job__status__in=(Job.Status.FAILED, Job.Status.SUCCEEDED))
    failed = 0
    for pk in EvaluationRun.objects.filter(gone, finished_at__isnull=True,
                                           failed_at__isnull=True).values_list("pk", flat=True):
        failed += fail_run(run_id=pk, reason=_("处理进程意外中止，本次测评未完成，结果已清除；"
                                               "请重新发起批量测评。"))
    return {"failed": failed, "purged": purge_failed_runs()}
