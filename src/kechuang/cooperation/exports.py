"""Excel exports of the three lists (``core.listexport``), each through its list's selector —
a talent's personal fields come out masked exactly as the reader's list shows them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.cooperation import selectors, tables
from kechuang.core.listexport import list_export, register

PROJECT_EXPORT = list_export("cooperation.project_export", _l("导出校地合作项目"),
                             _l("校地合作项目"), tables.PROJECTS.excel_columns,
                             selectors.project_list)
TALENT_EXPORT = list_export("cooperation.talent_export", _l("导出人才团队"), _l("人才团队"),
                            tables.TALENTS.excel_columns, selectors.talent_list)
ACHIEVEMENT_EXPORT = list_export("cooperation.achievement_export", _l("导出转化科技成果"),
                                 _l("转化科技成果"), tables.ACHIEVEMENTS.excel_columns,
                                 selectors.achievement_list)

export_projects = register(PROJECT_EXPORT)
export_talents = register(TALENT_EXPORT)
export_achievements = register(ACHIEVEMENT_EXPORT)
