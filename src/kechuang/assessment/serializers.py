"""API shapes of the self-assessment endpoint (documentation and query parsing).

The what-if body is parsed by the engine's own parsers (``inputs.parse_changes``) so the
errors are the engine's Chinese messages and amounts stay exact; the serializer below only
documents it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.assessment.inputs import WHAT_IF_FIELDS
from kechuang.orgs.models import EnterpriseAnnualReport

INT_MAX = 2_147_483_647


class AssessmentQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    help_text=_("年度报表的年度（数据年度），默认最近一年"))


def _what_if_fields() -> dict[str, serializers.Field]:
    meta = EnterpriseAnnualReport._meta
    out: dict[str, serializers.Field] = {}
    for name in WHAT_IF_FIELDS:
        label = str(meta.get_field(name).verbose_name)
        if name.endswith("_yuan"):
            out[name] = serializers.DecimalField(
                max_digits=16, decimal_places=2, required=False,
                min_value=None if name == "net_assets_yuan" else 0, help_text=label)
        else:
            out[name] = serializers.IntegerField(required=False, min_value=0, max_value=INT_MAX,
                                                 help_text=label)
    return out


WhatIfSerializer = type("WhatIfSerializer", (serializers.Serializer,), {
    "__doc__": "假设情形：要替换的年报数字（只替换所给字段，其余取已存年报；不保存）。",
    "additional_properties": False,  # parse_changes refuses unknown keys (schema says so)
    **_what_if_fields(),
})


class AssessmentSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text=_("企业编号"))
    year = serializers.IntegerField(help_text=_("数据年度（年度报表的年度）"))
    years = serializers.ListField(child=serializers.IntegerField(),
                                  help_text=_("该企业已有年度报表的年度，新的在前"))
    application_date = serializers.DateField(
        help_text=_("高新技术企业测评所用的申请日期（数据年度的下一年）"))
    changes = serializers.DictField(help_text=_("假设情形替换的字段（GET 时为空）"))
    results = serializers.DictField(help_text=_(
        "tech_sme / high_tech / rd_deduction → {rule, label, result, error, error_field}；"
        "result 为规则引擎结果（conditions、scores、gaps、notes、disclaimer 等，"
        "见 docs/policy.md），"
        "数据不全时 result 为 null、error 说明原因"))
    disclaimer = serializers.CharField()
