"""Background jobs: the batch evaluation and the Excel export of the results list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.assessment import selectors, services
from kechuang.assessment.models import EvaluationResult, EvaluationRun, Outcome, Rule
from kechuang.core.errors import DomainError
from kechuang.core.excel import Column
from kechuang.core.excel import local as _local
from kechuang.core.listexport import list_export, register
from kechuang.jobs.registry import JobOutput, Progress, job_handler

EXPORT_JOB = "assessment.result_export"


@job_handler(services.BATCH_JOB)
def batch_evaluate(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        run = EvaluationRun.objects.filter(pk=job.params.get("run")).first()
        if run is None:
            raise DomainError(_("批量测评记录不存在"))
        summary = services.run_batch(run=run, actor=job.owner, progress=progress)
        return JobOutput(summary=summary)


def result_columns() -> list[Column]:
    rules = dict(Rule.choices)
    outcomes = dict(Outcome.choices)

    def money(r: EvaluationResult) -> Any:
        return r.rd_deduction_amount_yuan

    return [
        Column(_("企业名称"), lambda r: r.enterprise.name, width=34),
        Column(_("统一社会信用代码"), lambda r: r.enterprise.credit_code, width=22),
        Column(_("所在县区"), lambda r: r.enterprise.county.name, width=12),
        Column(_("数据年度"), lambda r: r.year, kind="number", width=9),
        Column(_("规则"), lambda r: str(rules.get(r.rule, r.rule)), width=18),
        Column(_("规则版本"), lambda r: r.rule_version, width=20),
        Column(_("结论"), lambda r: str(outcomes.get(r.outcome, r.outcome)), width=20),
        Column(_("得分"), lambda r: r.score, kind="number", width=8),
        Column(_("得分上限"), lambda r: r.score_max, kind="number", width=8),
        Column(_("距通过还差（分）"), lambda r: r.gap_points, kind="number", width=10),
        Column(_("未通过的条件"), lambda r: "、".join(r.failed_conditions or []), width=24),
        Column(_("差距或原因"), lambda r: r.gap_text, kind="wrap", width=60),
        Column(_("加计扣除额（元）"), money, kind="money", width=16),
        Column(_("测评时间"), lambda r: _local(r.computed_at), kind="datetime", width=17),
    ]


RESULT_EXPORT = list_export(EXPORT_JOB, _l("导出测评结果"), _l("测评结果"), result_columns,
                            selectors.result_list)

export_results = register(RESULT_EXPORT)
