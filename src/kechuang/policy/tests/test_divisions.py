"""长治市 divisions (policy-rules.md §h): any code or name → its current unit, with a status."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.policy.divisions import (
    CHANGZHI_2019,
    DivisionsInput,
    current_code,
    evaluate_divisions,
    lookup,
    table,
)
from kechuang.policy.inputs import PolicyInputError
from kechuang.policy.registry import select

CURRENT = [("140403", "潞州区", "district"), ("140404", "上党区", "district"),
           ("140405", "屯留区", "district"), ("140406", "潞城区", "district"),
           ("140423", "襄垣县", "county"), ("140425", "平顺县", "county"),
           ("140426", "黎城县", "county"), ("140427", "壶关县", "county"),
           ("140428", "长子县", "county"), ("140429", "武乡县", "county"),
           ("140430", "沁县", "county"), ("140431", "沁源县", "county")]
FORMER = [("140402", "城区", "140403"), ("140411", "郊区", "140403"),
          ("140421", "长治县", "140404"), ("140424", "屯留县", "140405"),
          ("140481", "潞城市", "140406")]


@pytest.mark.parametrize(("code", "name", "kind"), CURRENT)
def test_current_units_by_code_and_name(code: str, name: str, kind: str) -> None:
    for query in (code, name, f"长治市{name}", f"山西省长治市{name}", f" {code} "):
        res = lookup(query)
        assert res.status == "current", query
        assert (res.current_code, res.current_name, res.kind) == (code, name, kind)
        assert res.gb2260 is True and res.statistics_code == code
        assert res.former_code is None


@pytest.mark.parametrize(("code", "name", "target"), FORMER)
def test_pre_2019_codes_and_names_map_to_the_current_unit(code, name, target) -> None:
    for query, how in ((code, "former_code"), (name, "former_name")):
        res = lookup(query)
        assert res.status == "historical" and res.matched == how
        assert res.current_code == target and res.statistics_code == target
        assert (res.former_code, res.former_name) == (code, name)
        assert "2019 年前的旧区划" in res.message and target in res.message


def test_old_suburb_note_is_marked_unverified() -> None:
    assert "[U]" in lookup("140411").message


@pytest.mark.parametrize("query", ["140471", "长治高新区", "长治高新技术产业开发区",
                                   "山西长治高新技术产业园区", "140491"])
def test_zone_by_statistical_code_names_and_authority_code(query: str) -> None:
    res = lookup(query)
    assert res.status == "zone" and res.current_code == "140471" and res.kind == "zone"
    assert res.gb2260 is False
    assert res.statistics_code == "140471"  # default: the zone is counted on its own
    assert "默认单列" in res.message


def test_authority_code_is_explained_as_not_gb2260() -> None:
    res = lookup("140491")
    assert res.matched == "zone_authority_code"
    assert "登记管理机关代码" in res.message and "非 GB/T 2260" in res.message


def test_zone_can_be_counted_under_luzhou_by_configuration() -> None:
    res = lookup("140471", zone_counts_under="140403")
    assert res.current_code == "140471" and res.statistics_code == "140403"
    assert "按配置 zone_counts_under" in res.message
    # the choice does not move ordinary units
    assert lookup("140404", zone_counts_under="140403").statistics_code == "140404"
    with pytest.raises(PolicyInputError) as err:
        lookup("140471", zone_counts_under="999999")
    assert err.value.field == "zone_counts_under"


@pytest.mark.parametrize("query", [
    "140401", "140402X", "140407", "140422", "140424 ", "140432", "140470", "140472",
    "140480", "140482", "140490", "140492", "440300", "郊县", "潞州", "", "长治"])
def test_neighbours_of_known_codes_are_unknown_not_errors(query: str) -> None:
    res = lookup(query)
    if query.strip() == "140424":
        assert res.status == "historical"  # spaces are dropped
        return
    assert res.status == "unknown" and res.current_code is None
    assert "未收录不表示错误" in res.message


def test_city_itself_is_current() -> None:
    res = lookup("140400")
    assert res.status == "current" and res.kind == "city" and res.current_name == "长治市"
    assert lookup("长治市").current_code == "140400"


def test_current_code_helper() -> None:
    assert current_code("140421") == "140404"
    assert current_code("110101") is None


def test_table_counts_by_kind() -> None:
    t = table()
    assert [r.code for r in t.rows] == [c for c, _, _ in CURRENT] + ["140471"]
    assert t.counts_by_kind == {"district": 4, "county": 8, "zone": 1}
    assert t.gb2260_count == 12 and len(t.rows) == 13
    d = t.to_dict()
    assert d["total"] == 13 and d["city"]["code"] == "140400"
    assert next(r for r in d["rows"] if r["code"] == "140403")["was"] == ["140402", "140411"]
    assert [f["code"] for f in d["former"]] == [c for c, _, _ in FORMER]


def test_registered_and_selected_by_year() -> None:
    assert select("divisions", 2019) is CHANGZHI_2019
    assert select("divisions", 2026) is CHANGZHI_2019


def test_evaluate_and_input_shapes() -> None:
    assert DivisionsInput.from_dict({"query": "140402"}).queries == ("140402",)
    assert DivisionsInput.from_dict({"code": 140421}).queries == ("140421",)
    assert DivisionsInput.from_dict({}).queries == ()
    with pytest.raises(PolicyInputError):
        DivisionsInput.from_dict({"queries": {"a": 1}})
    res = evaluate_divisions(DivisionsInput.from_dict(
        {"queries": ["140402", "长治高新区"], "zone_counts_under": "140403"}))
    d = json.loads(json.dumps(res.to_dict(), ensure_ascii=False))
    assert d["rule_version"] == "divisions/140400-2019"
    assert [x["status"] for x in d["lookups"]] == ["historical", "zone"]
    assert d["lookups"][1]["statistics_code"] == "140403"
    assert d["table"]["counts_by_kind"]["zone"] == 1
    assert any("[U]" in n for n in d["notes"])
    assert res.to_row()["result_current_code"] == "140403"


KNOWN = [c for c, _, _ in CURRENT] + [c for c, _, _ in FORMER] + ["140400", "140471", "140491"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.integers(0, 999_999).map(lambda n: f"{n:06d}"),
                 st.sampled_from(KNOWN)))
def test_lookup_never_raises_and_maps_to_a_current_unit(query: str) -> None:
    res = lookup(query)
    assert res.status in {"current", "historical", "zone", "unknown"}
    if res.status == "unknown":
        assert res.current_code is None
        return
    again = lookup(res.current_code)  # the current unit maps to itself
    assert again.current_code == res.current_code
    assert again.status in {"current", "zone"}
