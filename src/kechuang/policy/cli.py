"""``kechuang policy …``: run the rules engine on a JSON file or a whole spreadsheet.

  evaluate --rule R --file input.json                                 → result JSON on stdout
  batch    --rule … --input in.csv|in.xlsx --output out.csv|out.xlsx  → rows + result columns
  rules                                                               → rules, versions, inputs

No database and no Django: bureau staff can check a file of enterprise-years on a laptop,
and the lead wires the same ``main()`` into the ``kechuang`` command.
Exit codes: 0 ok; 1 some batch rows had input errors (the output is still written);
2 bad usage, unreadable file or invalid input for ``evaluate``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kechuang.policy import (
    credit_code,
    divisions,
    high_tech,
    innovation_points,
    rd_deduction,
    rd_intensity,
    tech_contracts,
    tech_sme,
    vouchers,
)
from kechuang.policy.inputs import ANNUAL_FIELDS, FIELD_LABELS, PolicyInputError, RuleNotFound
from kechuang.policy.registry import INPUT_SHAPES, RULE_NAMES, versions


@dataclass(frozen=True)
class _Rule:
    parse: Callable[[dict[str, Any]], Any]
    run: Callable[..., Any]
    grouped: bool  # one evaluation per enterprise over several rows (years)
    takes_gaps: bool = True  # run(inp, gaps=…)
    batch: bool = True  # one flat row per evaluation (nested inputs: evaluate only)


RULES: dict[str, _Rule] = {
    "tech_sme": _Rule(tech_sme.TechSmeInput.from_dict, tech_sme.evaluate_tech_sme, False),
    "high_tech": _Rule(high_tech.HighTechInput.from_dict, high_tech.evaluate_high_tech, True),
    "rd_deduction": _Rule(rd_deduction.RdDeductionInput.from_dict,
                          rd_deduction.compute_rd_deduction, False, takes_gaps=False),
    "vouchers": _Rule(vouchers.VoucherClaimInput.from_dict, vouchers.evaluate_voucher_claim,
                      False, takes_gaps=False, batch=False),
    "tech_contracts": _Rule(tech_contracts.TechContractInput.from_dict,
                            tech_contracts.evaluate_tech_contract, False, takes_gaps=False),
    "innovation_points": _Rule(innovation_points.InnovationPointsInput.from_dict,
                               innovation_points.evaluate_innovation_points, False,
                               takes_gaps=False, batch=False),
    "rd_intensity": _Rule(rd_intensity.parse_rd_intensity, rd_intensity.evaluate_rd_intensity,
                          False, takes_gaps=False),
    "credit_code": _Rule(credit_code.CreditCodeInput.from_dict,
                         credit_code.evaluate_credit_code, False, takes_gaps=False),
    "divisions": _Rule(divisions.DivisionsInput.from_dict, divisions.evaluate_divisions, False,
                       takes_gaps=False),
}

# headers may be the field names or their Chinese labels
_ALIASES = {label: name for name, label in FIELD_LABELS.items()}
_ALIASES.update({"统一社会信用代码": "credit_code", "企业名称": "enterprise",
                 "申请日期": "application_date"})
_GROUP_KEYS = ("credit_code", "enterprise", "name")


def _run(rule: _Rule, inp: Any, gaps: bool) -> Any:
    if not rule.takes_gaps:
        return rule.run(inp)
    return rule.run(inp, gaps=gaps)


def _error_payload(exc: Exception) -> dict[str, str]:
    if isinstance(exc, PolicyInputError):
        return exc.to_dict()
    return {"error": str(getattr(exc, "message", exc)), "field": ""}


# -- evaluate --------------------------------------------------------------------------------


def evaluate(rule_name: str, path: str, *, gaps: bool = True) -> tuple[int, str]:
    """Evaluate one JSON input; returns (exit code, JSON text)."""
    rule = RULES[rule_name]
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        data = json.loads(text, parse_float=Decimal)
    except (OSError, json.JSONDecodeError) as exc:
        return 2, json.dumps({"error": f"无法读取输入文件：{exc}", "field": ""}, ensure_ascii=False)
    if not isinstance(data, dict):
        return 2, json.dumps({"error": "输入应为 JSON 对象", "field": ""}, ensure_ascii=False)
    try:
        result = _run(rule, rule.parse(data), gaps)
    except (PolicyInputError, RuleNotFound) as exc:
        return 2, json.dumps(_error_payload(exc), ensure_ascii=False, indent=2)
    return 0, json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


# -- batch -----------------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Header row + one dict per non-blank row, from .csv (UTF-8, BOM ok) or a workbook."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            table = [row for row in csv.reader(fh)]
    elif suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        table = sheet.to_python(skip_empty_area=False)
    else:
        raise ValueError(f"不支持的文件类型：{path.suffix}（应为 .csv 或 .xlsx）")
    if not table:
        raise ValueError("文件为空")
    headers = [str(h).strip() if h is not None else "" for h in table[0]]
    rows = []
    for raw in table[1:]:
        values = list(raw) + [""] * (len(headers) - len(raw))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append({h: v for h, v in zip(headers, values, strict=False) if h})
    return headers, rows


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    return {_ALIASES.get(k, k): v for k, v in row.items()}


def _groups(rows: list[dict[str, Any]], grouped: bool) -> list[list[int]]:
    if not grouped:
        return [[i] for i in range(len(rows))]
    out: dict[Any, list[int]] = {}
    for i, row in enumerate(rows):
        data = _normalise(row)
        key = next((str(data[k]).strip() for k in _GROUP_KEYS
                    if str(data.get(k) or "").strip()), None)
        out.setdefault(key if key is not None else ("row", i), []).append(i)
    return list(out.values())


def _group_input(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Several year rows of one enterprise → the nested high_tech input (options from the
    latest year's row)."""
    data = [_normalise(r) for r in rows]

    def year_of(d: dict[str, Any]) -> Decimal:
        try:  # ordering only; to_year parses and checks it properly
            return Decimal(str(d.get("year") or 0))
        except InvalidOperation:
            return Decimal(0)

    latest = max(data, key=year_of)
    merged = {k: v for k, v in latest.items() if k not in ANNUAL_FIELDS}
    merged["years"] = data
    return merged


def batch(rule_name: str, input_path: str, output_path: str, *,
          gaps: bool = True) -> tuple[int, str]:
    """Evaluate every row (or enterprise) of a sheet and write it back with result columns."""
    rule = RULES[rule_name]
    if not rule.batch:
        return 2, f"{RULE_NAMES[rule_name]}的输入含嵌套数据，不支持批量表格，请使用 evaluate"
    src, dst = Path(input_path), Path(output_path)
    if dst.suffix.lower() not in (".csv", ".xlsx"):
        return 2, f"输出文件应为 .csv 或 .xlsx：{dst}"
    try:
        headers, rows = read_rows(src)
    except Exception as exc:  # any reader failure is a usage error for the clerk
        return 2, f"无法读取 {src}：{exc}"

    results: list[dict[str, Any]] = [{} for _ in rows]
    errors = passed = 0
    for group in _groups(rows, rule.grouped):
        try:
            data = (_group_input([rows[i] for i in group]) if rule.grouped
                    else _normalise(rows[group[0]]))
            result = _run(rule, rule.parse(data), gaps)
            cols = {"result_error": "", **result.to_row()}
            passed += bool(getattr(result, "eligible", False))
        except (PolicyInputError, RuleNotFound) as exc:
            cols = {"result_error": _error_payload(exc)["error"]}
            errors += len(group)
        for i in group:
            results[i] = cols

    extra: list[str] = []
    for cols in results:
        extra.extend(k for k in cols if k not in extra)
    out_headers = headers + [h for h in extra if h not in headers]
    out_rows = [[*(row.get(h, "") for h in headers), *(cols.get(h, "") for h in extra
                                                       if h not in headers)]
                for row, cols in zip(rows, results, strict=True)]
    try:
        if dst.suffix.lower() == ".csv":
            _write_csv(dst, out_headers, out_rows)
        else:
            _write_xlsx(dst, out_headers, out_rows)
    except OSError as exc:
        return 2, f"无法写入 {dst}：{exc}"
    summary = (f"{RULE_NAMES[rule_name]}：共 {len(rows)} 行，符合 {passed} 个评价对象，"
               f"输入错误 {errors} 行；结果已写入 {dst}")
    return (1 if errors else 0), summary


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _write_csv(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
        w = csv.writer(fh)
        w.writerow(headers)
        for row in rows:
            w.writerow([_cell(v).isoformat() if isinstance(v, dt.date) else _cell(v)
                        for v in row])


def _write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    try:
        ws = wb.add_worksheet("结果")
        head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, headers, head)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                elif isinstance(value, dt.datetime | dt.date):
                    ws.write_datetime(r, c, value if isinstance(value, dt.datetime)
                                      else dt.datetime.combine(value, dt.time()), date_fmt)
                elif value is None or value == "":
                    continue
                else:
                    ws.write_string(r, c, str(_cell(value)))
    finally:
        wb.close()


# -- entry point -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kechuang policy",
                                description="政策规则自评：" + "、".join(RULE_NAMES.values()))
    sub = p.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="评价一个 JSON 输入，输出 JSON 结果")
    ev.add_argument("--rule", required=True, choices=sorted(RULES))
    ev.add_argument("--file", required=True, help="输入 JSON 文件（- 表示标准输入）")
    ev.add_argument("--no-gaps", action="store_true", help="不计算差距分析")
    bt = sub.add_parser("batch", help="批量评价 CSV/XLSX（每行一个企业年度），结果写回新列")
    bt.add_argument("--rule", required=True, choices=sorted(n for n, r in RULES.items()
                                                            if r.batch))
    bt.add_argument("--input", required=True, help="输入 .csv 或 .xlsx，表头为字段名")
    bt.add_argument("--output", required=True, help="输出 .csv 或 .xlsx")
    bt.add_argument("--no-gaps", action="store_true", help="不计算差距分析（更快）")
    sub.add_parser("rules", help="列出各规则、版本和输入格式")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run ``kechuang policy`` with ``argv`` (default: sys.argv[1:]); returns the exit code."""
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse exits on --help and on bad usage
        return int(exc.code or 0)
    if args.command == "evaluate":
        rc, text = evaluate(args.rule, args.file, gaps=not args.no_gaps)
        print(text, file=sys.stdout if rc == 0 else sys.stderr)
        return rc
    if args.command == "batch":
        rc, text = batch(args.rule, args.input, args.output, gaps=not args.no_gaps)
        print(text, file=sys.stderr)
        return rc
    for name, label in RULE_NAMES.items():
        batch_note = "" if RULES[name].batch else "（仅 evaluate）"
        print(f"{name}\t{label}{batch_note}")
        for r in versions(name):
            print(f"  {r.version}\t{r.valid_from}–{r.valid_to or ''}\t{r.document}")
        print(f"  输入：{INPUT_SHAPES.get(name, '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
