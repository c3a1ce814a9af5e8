"""Excel exports of the R&D lists (core.listexport), each through its list's selector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.projects import selectors, tables

CALL_EXPORT = list_export("projects.call_export", _l("导出申报指南"), _l("申报指南"),
                          tables.CALLS.excel_columns, selectors.call_list)
APPLICATION_EXPORT = list_export("projects.application_export", _l("导出项目申报"),
                                 _l("项目申报"), tables.APPLICATIONS.excel_columns,
                                 selectors.application_list)
EXPERT_EXPORT = list_export("projects.expert_export", _l("导出评审专家"), _l("评审专家"),
                            tables.EXPERTS.excel_columns, selectors.expert_list)
PROJECT_EXPORT = list_export("projects.project_export", _l("导出科技项目"), _l("科技项目"),
                             tables.PROJECTS.excel_columns, selectors.project_list)

DISBURSEMENT_EXPORT = list_export("projects.disbursement_export", _l("导出拨付记录"),
                                  _l("拨付记录"), tables.DISBURSEMENTS.excel_columns,
                                  selectors.disbursement_list)

OVERDUE_REPORT_EXPORT = list_export("projects.report_overdue_export", _l("导出逾期报告"),
                                    _l("逾期报告"), tables.OVERDUE_REPORTS.excel_columns,
                                    selectors.overdue_reports)

ASSIGNMENT_EXPORT = list_export("projects.assignment_export", _l("导出评审任务"), _l("评审任务"),
                                tables.ASSIGNMENTS.excel_columns, selectors.assignment_list)
ACCEPTANCE_TASK_EXPORT = list_export("projects.acceptance_task_export", _l("导出验收任务"),
                                     _l("验收任务"), tables.ACCEPTANCE_TASKS.excel_columns,
                                     selectors.acceptance_task_list)

PROGRAMME_EXPORT = list_export("projects.programme_export", _l("导出计划类别"), _l("计划类别"),
                               tables.PROGRAMMES.excel_columns, selectors.programme_list)

for _spec in (PROGRAMME_EXPORT, ASSIGNMENT_EXPORT, ACCEPTANCE_TASK_EXPORT, CALL_EXPORT,
              APPLICATION_EXPORT, EXPERT_EXPORT, PROJECT_EXPORT, DISBURSEMENT_EXPORT,
              OVERDUE_REPORT_EXPORT):
    register(_spec)
