"""A duplicate credit code is refused with a Chinese sentence, not Django's template text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.orgs.models import Enterprise

pytestmark = pytest.mark.django_db


def test_duplicate_credit_code_names_the_code(enterprise_a):
    dup = Enterprise(kind="enterprise", name="重复登记公司", credit_code=enterprise_a.credit_code,
                     county=enterprise_a.county, industry_code="C26",
                     established_on=enterprise_a.established_on)
    with pytest.raises(ValidationError) as exc:
        dup.full_clean()
    messages = exc.value.message_dict["credit_code"]
    code = enterprise_a.credit_code
    assert messages == [f"统一社会信用代码为 {code} 的单位已存在，请勿重复登记。"]
    assert "具有" not in messages[0]


def test_the_field_message_has_no_placeholders_for_the_api():
    """DRF's UniqueValidator formats the field's message with model_name/field_label only."""
    message = str(Enterprise._meta.get_field("credit_code").error_messages["unique"])
    assert message == "已有单位使用该统一社会信用代码，请勿重复登记。"
    assert message % {"model_name": "机构", "field_label": "统一社会信用代码"} == message
