"""Input data for the engines: one fiscal year's figures, named as the annual report names them.

The field names are those of ``orgs.EnterpriseAnnualReport``, so a report (or a JSON/CSV row
with the same keys) goes into an engine without a mapping layer. Every parser raises
``PolicyInputError`` naming the field in Chinese, because clerks read these messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
MAX_AMOUNT = Decimal("1e15")  # 一千万亿元: anything larger is a typing error

FIELD_LABELS: dict[str, str] = {
    "year": "年度",
    "employees": "职工总数",
    "st_staff": "科技人员数",
    "revenue_yuan": "销售收入",
    "total_income_yuan": "总收入",
    "high_tech_revenue_yuan": "高新技术产品（服务）收入",
    "total_costs_yuan": "成本费用支出总额",
    "total_assets_yuan": "资产总额",
    "net_assets_yuan": "净资产",
    "rd_expense_yuan": "研发费用总额",
    "rd_domestic_yuan": "境内研发费用",
    "rd_personnel_yuan": "人员人工费用",
    "rd_direct_input_yuan": "直接投入费用",
    "rd_depreciation_yuan": "折旧费用",
    "rd_amortization_yuan": "无形资产摊销",
    "rd_design_yuan": "新产品设计费等",
    "rd_other_yuan": "其他相关费用",
    "rd_entrusted_domestic_yuan": "委托境内研发费用",
    "rd_entrusted_overseas_yuan": "委托境外研发费用",
    "rd_reserve_fund_yuan": "研发准备金",
    "ip_class_1_count": "Ⅰ类知识产权",
    "ip_class_2_count": "Ⅱ类知识产权",
    "achievements_converted": "科技成果转化数",
    "has_rd_activity": "有研发活动",
    # enterprise level
    "industry_code": "所属行业",
    "established_on": "成立日期",
}


class PolicyInputError(ValueError):
    """Bad input for a rule, with the field it concerns and a message in Chinese."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        label = FIELD_LABELS.get(field)
        self.message = f"{label}（{field}）：{problem}" if label else f"{field}：{problem}"
        super().__init__(self.message)

    def to_dict(self) -> dict[str, str]:
        return {"error": self.message, "field": self.field}


class RuleNotFound(LookupError):
    """No rule set covers the requested year."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- scalar parsers: str / int / Decimal (and float from JSON or Excel) -------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_decimal(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """A money or ratio value as an exact Decimal; '1,234.50', ' 12 ' and 12 are all fine."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        raise PolicyInputError(field, f"应为数字，不能是 {value}")
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        # JSON numbers and Excel cells arrive as floats: their shortest repr is what was typed
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise PolicyInputError(field, f"“{value}”不是有效的数字") from None
    else:
        raise PolicyInputError(field, f"应为数字，实际为 {type(value).__name__}")
    if not d.is_finite():
        raise PolicyInputError(field, f"“{value}”不是有效的数字")
    if d < 0 and not allow_negative:
        raise PolicyInputError(field, f"不能为负数（{value}）")
    if abs(d) >= MAX_AMOUNT:
        raise PolicyInputError(field, f"数值过大（{value}），请检查单位（元）")
    return d


def to_int(value: Any, field: str) -> int:
    """A count: non-negative whole number ('12', 12, 12.0 from Excel)."""
    if isinstance(value, bool):
        raise PolicyInputError(field, f"应为整数，不能是 {value}")
    if isinstance(value, int):
        n = value
    else:
        d = to_decimal(value, field, allow_negative=True)
        if d != d.to_integral_value():
            raise PolicyInputError(field, f"应为整数（{value}）")
        n = int(d)
    if n < 0:
        raise PolicyInputError(field, f"不能为负数（{value}）")
    return n


_TRUE = {"1", "true", "yes", "y", "t", "是", "有", "对", "√"}
_FALSE = {"0", "false", "no", "n", "f", "否", "无", "不是", "×", ""}


def to_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    raise PolicyInputError(field, f"应为 是/否（true/false），实际为“{value}”")


def to_date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise PolicyInputError(field, f"应为日期（YYYY-MM-DD），实际为“{value}”")


def to_year(value: Any, field: str) -> int:
    n = to_int(value, field)
    if not 1990 <= n <= 2100:
        raise PolicyInputError(field, f"年度应在 1990–2100 之间（{value}）")
    return n


# -- one fiscal year --------------------------------------------------------------------------

_INT_FIELDS = ("employees", "st_staff", "ip_class_1_count", "ip_class_2_count",
               "achievements_converted")
_SIGNED_FIELDS = ("net_assets_yuan",)


@dataclass(frozen=True, slots=True)
class AnnualFigures:
    """One enterprise's figures for one fiscal year (字段同企业年度报表).

    Every field defaults to 0 so partial input works; an engine that needs a field says so.
    Amounts are yuan as Decimal; ints and strings given here are converted.
    """

    year: int = 0
    employees: int = 0  # 职工总数
    st_staff: int = 0  # 科技人员数
    revenue_yuan: Decimal = ZERO  # 销售收入 = 主营业务收入 + 其他业务收入
    total_income_yuan: Decimal = ZERO  # 总收入 = 收入总额 − 不征税收入
    high_tech_revenue_yuan: Decimal = ZERO  # 高新技术产品（服务）收入
    total_costs_yuan: Decimal = ZERO  # 成本费用支出总额
    total_assets_yuan: Decimal = ZERO  # 资产总额
    net_assets_yuan: Decimal = ZERO  # 净资产（可为负）
    rd_expense_yuan: Decimal = ZERO  # 研发费用总额
    rd_domestic_yuan: Decimal = ZERO  # 境内研发费用
    rd_personnel_yuan: Decimal = ZERO  # 1 人员人工费用
    rd_direct_input_yuan: Decimal = ZERO  # 2 直接投入费用
    rd_depreciation_yuan: Decimal = ZERO  # 3 折旧费用
    rd_amortization_yuan: Decimal = ZERO  # 4 无形资产摊销
    rd_design_yuan: Decimal = ZERO  # 5 新产品设计费等
    rd_other_yuan: Decimal = ZERO  # 6 其他相关费用
    rd_entrusted_domestic_yuan: Decimal = ZERO  # 委托境内研发（实际支付额）
    rd_entrusted_overseas_yuan: Decimal = ZERO  # 委托境外研发（实际支付额）
    rd_reserve_fund_yuan: Decimal = ZERO  # 研发准备金
    ip_class_1_count: int = 0
    ip_class_2_count: int = 0
    achievements_converted: int = 0  # 当年科技成果转化数
    has_rd_activity: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            name = f.name
            value = getattr(self, name)
            if name == "year":
                if not isinstance(value, int) or isinstance(value, bool):
                    object.__setattr__(self, name, to_int(value, name))
            elif name in _INT_FIELDS:
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    object.__setattr__(self, name, to_int(value, name))
            elif name == "has_rd_activity":
                if not isinstance(value, bool):
                    object.__setattr__(self, name, to_bool(value, name))
            elif (not isinstance(value, Decimal) or not value.is_finite()
                  or (value < 0 and name not in _SIGNED_FIELDS)):
                object.__setattr__(self, name, to_decimal(
                    value, name, allow_negative=name in _SIGNED_FIELDS))

    @property
    def rd_categories_1_5_yuan(self) -> Decimal:
        """人员人工 + 直接投入 + 折旧 + 无形资产摊销 + 设计费等 (categories 1–5)."""
        return (self.rd_personnel_yuan + self.rd_direct_input_yuan + self.rd_depreciation_yuan
                + self.rd_amortization_yuan + self.rd_design_yuan)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnnualFigures:
        """Parse the annual-report fields of ``data``; other keys are ignored, blanks default."""
        kwargs: dict[str, Any] = {}
        for name in ANNUAL_FIELDS:
            if name in data and not _blank(data[name]):
                value = data[name]
                if name == "year":
                    kwargs[name] = to_year(value, name)
                elif name in _INT_FIELDS:
                    kwargs[name] = to_int(value, name)
                elif name == "has_rd_activity":
                    kwargs[name] = to_bool(value, name)
                else:
                    kwargs[name] = to_decimal(value, name,
                                              allow_negative=name in _SIGNED_FIELDS)
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (str(v) if isinstance(v := getattr(self, f.name), Decimal) else v)
                for f in fields(self)}

    def replace(self, **changes: Any) -> AnnualFigures:
        return dataclasses.replace(self, **changes)

    def check_staff(self) -> None:
        """职工总数 > 0 and 科技人员数 ≤ 职工总数 (CONVENTION: 0 employees is an input error)."""
        if self.employees <= 0:
            raise PolicyInputError("employees", f"{self.year or ''}年度职工总数为 0，无法计算"
                                   "科技人员占比（请填写职工总数）")
        if self.st_staff > self.employees:
            raise PolicyInputError("st_staff", f"科技人员数（{self.st_staff}）不能大于职工总数"
                                   f"（{self.employees}）")


ANNUAL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AnnualFigures))


def pick(data: Mapping[str, Any], name: str, parse: Callable[[Any, str], Any],
         default: Any = None) -> Any:
    """data[name] parsed, or default when absent/blank."""
    if name not in data or _blank(data[name]):
        return default
    return parse(data[name], name)


def unknown_keys(data: Mapping[str, Any], allowed: set[str]) -> list[str]:
    return sorted(k for k in data if k not in allowed)
