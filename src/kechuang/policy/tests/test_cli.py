"""``kechuang policy evaluate|batch|rules`` run through main() with temporary files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from kechuang.policy.cli import main
from kechuang.policy.tests.factories import ht_year, sme_figures

SME = {**sme_figures().to_dict(), "industry_code": "C26", "established_on": "2015-05-01"}


def _write(path: Path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_evaluate_tech_sme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["evaluate", "--rule", "tech_sme", "--file", _write(tmp_path / "in.json", SME)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["rule_version"] == "tech_sme/2017-115"
    assert out["total"] == 86 and out["eligible"] is True


def test_evaluate_keeps_decimals_exact(tmp_path: Path, capsys) -> None:
    # JSON numbers are read as Decimal: 0.1 + 0.2 style float drift cannot happen
    text = json.dumps({**SME, "revenue_yuan": "X"}).replace('"X"', "30000000.10")
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    assert main(["evaluate", "--rule", "tech_sme", "--file", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["conditions"][2]["value"] == "30000000.10"


def test_evaluate_high_tech(tmp_path: Path, capsys) -> None:
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "expert_scores": {"rd_mgmt_system": 5},
            "years": [ht_year(y).to_dict() for y in (2022, 2023, 2024)]}
    rc = main(["evaluate", "--rule", "high_tech", "--file", _write(tmp_path / "h.json", data)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["status"] == "possible"
    assert out["years_used"] == [2022, 2023, 2024]
    assert out["certificate"]["tax_rate"] == "0.15"


def test_evaluate_rd_deduction(tmp_path: Path, capsys) -> None:
    data = {"year": 2024, "industry_code": "C26", "rd_personnel_yuan": "900000",
            "rd_other_yuan": 200000}
    rc = main(["evaluate", "--rule", "rd_deduction", "--file", _write(tmp_path / "d.json", data)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["extra_deduction_yuan"] == "1000000.00"


def test_evaluate_from_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(SME)))
    assert main(["evaluate", "--rule", "tech_sme", "--file", "-", "--no-gaps"]) == 0
    assert json.loads(capsys.readouterr().out)["gaps"] == []


def test_evaluate_input_error_names_the_field(tmp_path: Path, capsys) -> None:
    rc = main(["evaluate", "--rule", "tech_sme",
               "--file", _write(tmp_path / "bad.json", {**SME, "employees": "一百"})])
    err = json.loads(capsys.readouterr().err)
    assert rc == 2
    assert err["field"] == "employees"
    assert err["error"].startswith("职工总数（employees）：")


@pytest.mark.parametrize("content", ["not json", "[1, 2]"])
def test_evaluate_unreadable_input(tmp_path: Path, capsys, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    assert main(["evaluate", "--rule", "tech_sme", "--file", str(path)]) == 2
    assert "error" in json.loads(capsys.readouterr().err)


def test_bad_usage_returns_2(capsys) -> None:
    assert main(["evaluate", "--rule", "nope", "--file", "x"]) == 2
    assert main(["--help"]) == 0


def test_rules_lists_versions(capsys) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "tech_sme/2017-115" in out and "rd_deduction/2023-7" in out


def _csv(path: Path, rows: list[dict]) -> str:
    headers = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, headers)
        w.writeheader()
        w.writerows(rows)
    return str(path)


def test_batch_csv_tech_sme_with_a_bad_row(tmp_path: Path, capsys) -> None:
    good = {k: v for k, v in SME.items()}
    failing = {**good, "rd_expense_yuan": "1076600", "ip_class_1_count": "0",
               "ip_class_2_count": "3", "total_costs_yuan": "90000000"}
    bad = {**good, "employees": "0", "st_staff": "0"}
    src = _csv(tmp_path / "in.csv", [good, failing, bad, {k: "" for k in good}])
    out = tmp_path / "out.csv"
    rc = main(["batch", "--rule", "tech_sme", "--input", src, "--output", str(out)])
    assert rc == 1  # one row had an input error; the file is still written
    assert "共 3 行" in capsys.readouterr().err  # the blank row is skipped
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["result_eligible"] for r in rows] == ["是", "否", ""]
    assert rows[0]["revenue_yuan"] == good["revenue_yuan"]  # input kept as given
    assert rows[1]["result_gaps"].startswith("研发费用需增加 ¥123,400.00")
    assert "职工总数" in rows[2]["result_error"]
    assert rows[0]["result_rule_version"] == "tech_sme/2017-115"


def test_batch_xlsx_high_tech_groups_years_by_enterprise(tmp_path: Path, capsys) -> None:
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    src = tmp_path / "in.xlsx"
    years = [ht_year(y).to_dict() for y in (2022, 2023, 2024)]
    headers = ["统一社会信用代码", "application_date", "established_on", *years[0].keys()]
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, headers)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 1
    for code in ("914403001922038216", "9144030071526726XG"):
        for y in years:
            row = {**y, "统一社会信用代码": code}
            if code.endswith("XG"):
                row["st_staff"] = 1
            for c, h in enumerate(headers):
                if h in ("application_date", "established_on"):
                    value = dt.datetime(2025, 6, 1) if h == "application_date" else \
                        dt.datetime(2015, 5, 1)
                    ws.write_datetime(r, c, value, date_fmt)
                elif h in ("统一社会信用代码",):
                    ws.write_string(r, c, row[h])
                elif isinstance(row[h], bool):
                    ws.write_boolean(r, c, row[h])
                else:
                    ws.write_number(r, c, float(row[h]))
            r += 1
    wb.close()
    out = tmp_path / "out.xlsx"
    rc = main(["batch", "--rule", "high_tech", "--input", str(src), "--output", str(out)])
    assert rc == 0, capsys.readouterr().err
    table = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    head, body = table[0], table[1:]
    assert len(body) == 6
    status = [row[head.index("result_status")] for row in body]
    assert status[:3] == ["可能符合（取决于专家评分）"] * 3
    assert status[3:] == ["不符合或很可能不符合"] * 3
    assert body[0][head.index("result_years_used")] == "2022,2023,2024"
    assert "科技人员" in body[3][head.index("result_gaps")]


def test_batch_rd_deduction_csv_to_xlsx(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    src = _csv(tmp_path / "d.csv", [
        {"year": "2024", "industry_code": "C26", "人员人工费用": "900000",
         "rd_other_yuan": "200000"},
        {"year": "2024", "industry_code": "F51", "人员人工费用": "900000", "rd_other_yuan": ""},
    ])
    out = tmp_path / "d.xlsx"
    assert main(["batch", "--rule", "rd_deduction", "--input", src, "--output", str(out)]) == 0
    head, *body = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    col = head.index("result_extra_deduction_yuan")
    assert [row[col] for row in body] == ["1000000.00", "0.00"]
    assert "负面清单" in body[1][head.index("result_reasons")]


def test_batch_rejects_unknown_formats(tmp_path: Path, capsys) -> None:
    src = _csv(tmp_path / "in.csv", [SME])
    assert main(["batch", "--rule", "tech_sme", "--input", src, "--output",
                 str(tmp_path / "o.txt")]) == 2
    assert main(["batch", "--rule", "tech_sme", "--input", str(tmp_path / "missing.csv"),
                 "--output", str(tmp_path / "o.csv")]) == 2


# -- the §d/§e/§f/§i rules (issue #13 item 6) ---------------------------------------------------


def test_rules_lists_every_rule_with_its_input_shape(capsys) -> None:
    from kechuang.policy.cli import RULES
    from kechuang.policy.registry import INPUT_SHAPES, RULE_NAMES

    assert set(RULES) == set(RULE_NAMES) == set(INPUT_SHAPES)
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for name, label in RULE_NAMES.items():
        assert f"{name}\t{label}" in out
    assert out.count("输入：") == len(RULE_NAMES)
    assert "tech_contracts/2026-miit" in out and "vouchers/ledger-convention" in out
    assert "service_fee_fen" in out and "official_intensity_pct" in out


VOUCHER_CLAIM = {
    "policy": {"policy_year": 2026, "ratio": "0.5", "annual_cap_fen": 10_000_000,
               "valid_from": "2026-01-01", "valid_to": "2026-12-31",
               "providers": [{"provider_id": "P1", "listed_from": "2025-01-01"}]},
    "voucher": {"voucher_id": "V1", "face_value_fen": 5_000_000},
    "enterprise_id": "E1", "provider_id": "P1", "service_fee_fen": 3,
    "service_completed_on": "2026-05-01",
    "history": [{"claim_id": "A", "amount_fen": 9_999_999, "status": "approved"}]}


@pytest.mark.parametrize(("rule", "data", "check"), [
    ("vouchers", VOUCHER_CLAIM,
     lambda o: o["payable_fen"] == 1 and o["limited_by"] == "annual_cap"
     and o["subsidy_exact"] == {"fraction": "3/2", "decimal": "1.5"}),
    ("tech_contracts",
     {"contract_type": "transfer", "seller": "A", "buyer": "B", "subject": "专利",
      "turnover_yuan": 6000000, "non_technical_costs_yuan": "1000000",
      "accepted_on": "2026-09-28", "annual_transfer_income_yuan": "8000000"},
     lambda o: o["tech_transaction_yuan"] == "5000000" and o["deadline"]["days"] == 30
     and o["cit"]["tax_yuan"] == "375000.00" and o["registrable"] is True),
    ("innovation_points",
     {"year": 2025, "indicators": ["rd"], "weights": {"*": {"rd": 1}},
      "enterprises": [{"enterprise_id": "A", "revenue_yuan": 1, "values": {"rd": 0}},
                      {"enterprise_id": "B", "revenue_yuan": 1, "values": {"rd": 3}},
                      {"enterprise_id": "C", "revenue_yuan": 1, "values": {"rd": 1}}]},
     lambda o: [e["total_exact"]["fraction"] for e in o["enterprises"]]
     == ["100/1", "100/3", "0/1"]),
    ("rd_intensity",
     {"level": "regional", "region": "R", "year": 2024, "rd_expenditure_yuan": 2445,
      "gdp_yuan": 100000},
     lambda o: o["intensity_pct"] == "2.45" and o["figure_kind"] == "estimate"
     and o["intensity_exact"]["decimal"] == "0.02445"),
])
def test_evaluate_new_rules(tmp_path: Path, capsys, rule: str, data: dict, check) -> None:
    rc = main(["evaluate", "--rule", rule, "--file", _write(tmp_path / "x.json", data)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert check(json.loads(out))


def test_evaluate_new_rule_input_error(tmp_path: Path, capsys) -> None:
    bad = {**VOUCHER_CLAIM, "service_fee_fen": "1.5"}
    assert main(["evaluate", "--rule", "vouchers", "--file",
                 _write(tmp_path / "bad.json", bad)]) == 2
    assert json.loads(capsys.readouterr().err)["field"] == "service_fee_fen"


def test_batch_refuses_nested_rules(tmp_path: Path, capsys) -> None:
    src = _csv(tmp_path / "v.csv", [{"provider_id": "P1"}])
    assert main(["batch", "--rule", "vouchers", "--input", src,
                 "--output", str(tmp_path / "o.csv")]) == 2


def test_batch_tech_contracts_and_rd_intensity(tmp_path: Path) -> None:
    src = _csv(tmp_path / "c.csv", [
        {"contract_type": "transfer", "seller": "A", "buyer": "B", "subject": "专利",
         "turnover_yuan": "1000000", "accepted_on": "2026-09-28"},
        {"contract_type": "transfer", "seller": "A", "buyer": "B", "subject": "专利",
         "form": "oral", "turnover_yuan": "1000000", "accepted_on": "2026-09-28"},
    ])
    out = tmp_path / "c_out.csv"
    assert main(["batch", "--rule", "tech_contracts", "--input", src, "--output",
                 str(out)]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["result_registrable"] for r in rows] == ["是", "否"]
    assert rows[0]["result_deadline_on"] == "2026-10-23"
    assert "口头合同" in rows[1]["result_reasons"]
    src = _csv(tmp_path / "r.csv", [{"year": "2024", "rd_expense_yuan": "5",
                                     "revenue_yuan": "100", "scope": "accounting"}])
    out = tmp_path / "r_out.csv"
    assert main(["batch", "--rule", "rd_intensity", "--input", src, "--output",
                 str(out)]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert row["result_intensity_pct"] == "5.00" and "会计核算口径" in row["result_scope"]


# -- credit code, divisions, deduction options (issue #13 items 3–5) ---------------------------


@pytest.mark.parametrize(("rule", "data", "check"), [
    ("credit_code", {"code": "91140402MA0000001X"},
     lambda o: o["valid"] is False and o["check_expected"] == "J" and o["weighted_sum"] == 1005
     and o["region"]["status"] == "historical" and o["category_name"] == "企业"),
    ("credit_code", {"credit_code": "91140491MAK2TX345N", "zone_counts_under": "140403"},
     lambda o: o["valid"] is True and o["region"]["current_code"] == "140471"
     and o["region"]["statistics_code"] == "140403"),
    ("divisions", {"queries": ["140421", "郊区", "140491", "110101"]},
     lambda o: [x["status"] for x in o["lookups"]] == ["historical", "historical", "zone",
                                                        "unknown"]
     and o["table"]["counts_by_kind"] == {"district": 4, "county": 8, "zone": 1}),
    ("rd_deduction",
     {"year": 2024, "industry_code": "C26", "rd_personnel_yuan": "2000000",
      "rd_depreciation_yuan": "1500000", "rd_depreciation_tax_yuan": "2000000",
      "government_subsidy_yuan": "500000", "prefiling_period": "Q1-Q3", "filer": "monthly",
      "intangible_assets": [{"name": "专利", "cost_yuan": "1000000", "amortisation_years": 9}]},
     lambda o: o["extra_deduction_yuan"] == "3500000.00"
     and o["prefiling"]["declaration_month"] == 10
     and o["intangibles"][0]["period_check"]["passed"] is False
     and o["intangibles"][0]["years_used"] == 10),
])
def test_evaluate_items_3_to_5(tmp_path: Path, capsys, rule: str, data: dict, check) -> None:
    rc = main(["evaluate", "--rule", rule, "--file", _write(tmp_path / "x.json", data)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert check(json.loads(out))


def test_rules_lists_credit_code_and_divisions(capsys) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "credit_code/gb32100-2015" in out and "divisions/140400-2019" in out
    assert "prefiling_period" in out and "zone_counts_under" in out


def test_batch_credit_codes(tmp_path: Path) -> None:
    src = _csv(tmp_path / "cc.csv", [{"统一社会信用代码": "914403001922038216"},
                                     {"统一社会信用代码": "914403001922038217"}])
    out = tmp_path / "cc_out.csv"
    assert main(["batch", "--rule", "credit_code", "--input", src, "--output", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["result_valid"] for r in rows] == ["是", "否"]
    assert rows[1]["result_check_expected"] == "6" and rows[0]["result_weighted_sum"] == "831"
