"""长治市 county-level divisions (GB/T 2260), policy-rules.md §h.

``lookup(code_or_name)`` maps any code or name people still use — a current unit, a pre-2019
code or name (the "Was" column: 140402 城区, 140411 郊区, 140421 长治县, 140424 屯留县,
140481 潞城市) or 长治高新区 — to its **current** unit, with a status (current / historical /
zone / unknown). Old codes stay in credit codes issued before 2019 (a credit code never
changes), so they are mapped for statistics and never treated as errors. ``table()`` is the
140400 table with counts by kind.

Pure data and functions: the deployment's region rows in the database (``regions`` app) are
loaded from a file of the same shape; this module is the rule text the engine and the CLI use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kechuang.policy.inputs import PolicyInputError
from kechuang.policy.registry import register
from kechuang.policy.results import ResultBase

RULE = "divisions"

KIND_LABELS = {"city": "地级市", "district": "市辖区", "county": "县",
               "zone": "功能区（非 GB/T 2260 区划）"}
STATUS_LABELS = {"current": "现行区划", "historical": "已撤销的旧区划（2019 年前）",
                 "zone": "功能区", "unknown": "未收录"}


@dataclass(frozen=True, slots=True)
class Division:
    """One unit of the table: ``gb2260`` False for a functional zone (统计用区划代码 only)."""

    code: str
    name: str
    kind: str  # city | district | county | zone
    gb2260: bool = True
    parent: str | None = "140400"
    was: tuple[str, ...] = ()  # the pre-2019 codes it replaced
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "kind": self.kind,
                "kind_label": KIND_LABELS[self.kind], "gb2260": self.gb2260,
                "parent": self.parent, "was": list(self.was)}


@dataclass(frozen=True, slots=True)
class FormerDivision:
    """A pre-2019 unit (民政部 list of 2018-06) and the current unit(s) it went into."""

    code: str
    name: str
    current: str  # the current unit for statistics
    note: str = ""


@dataclass(frozen=True)
class DivisionSet:
    """The 140400 table of one period, registered like the rule sets (documents beside it)."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    city: Division
    units: tuple[Division, ...]
    former: tuple[FormerDivision, ...]
    zone_authority_codes: Mapping[str, str] = field(default_factory=dict)  # 140491 → 140471
    notes: tuple[str, ...] = ()


CHANGZHI_2019 = register(RULE, DivisionSet(
    version="divisions/140400-2019",
    document="民政部《中华人民共和国县级以上行政区划代码》（2018 年底至 2024 年版）；"
             "国家统计局统计用区划代码（长治高新区 140471）",
    valid_from=2019, valid_to=None,
    city=Division("140400", "长治市", "city", parent="140000", was=("140400",)),
    units=(
        Division("140403", "潞州区", "district", was=("140402", "140411")),
        Division("140404", "上党区", "district", was=("140421",)),
        Division("140405", "屯留区", "district", was=("140424",)),
        Division("140406", "潞城区", "district", was=("140481",)),
        Division("140423", "襄垣县", "county"),
        Division("140425", "平顺县", "county"),
        Division("140426", "黎城县", "county"),
        Division("140427", "壶关县", "county"),
        Division("140428", "长子县", "county"),
        Division("140429", "武乡县", "county"),
        Division("140430", "沁县", "county"),
        Division("140431", "沁源县", "county"),
        Division("140471", "长治高新区", "zone", gb2260=False,
                 aliases=("长治高新技术产业开发区", "山西长治高新技术产业园区",
                          "长治高新技术产业园区", "长治国家高新技术产业开发区", "高新区")),
    ),
    former=(
        FormerDivision("140402", "城区", "140403", "城区与郊区合并为潞州区"),
        FormerDivision("140411", "郊区", "140403",
                       "城区与郊区合并为潞州区；原郊区部分乡镇是否划入上党区、潞城区未核实 [U]"),
        FormerDivision("140421", "长治县", "140404", "长治县改为上党区"),
        FormerDivision("140424", "屯留县", "140405", "屯留县改为屯留区"),
        FormerDivision("140481", "潞城市", "140406", "潞城市改为潞城区"),
    ),
    zone_authority_codes={"140491": "140471"},
    notes=("区划调整于 2018 年下半年批准（2018-06 代码表仍为旧代码，2018 年底代码表已为新代码），"
           "2019 年起实施；确切批复、实施日期未核实 [U]",
           "长治高新区不是 GB/T 2260 行政区划：140471 为统计用区划代码，"
           "140491 为其登记管理机关在统一社会信用代码中使用的代码；"
           "高新区企业计入高新区还是潞州区由市科技局配置（zone_counts_under），不从信用代码推断"),
))


def _clean(text: str) -> str:
    """Drop spaces and the province/city prefixes people type (山西省长治市潞州区 → 潞州区)."""
    t = "".join(str(text).split())
    for prefix in ("山西省", "山西"):
        if t.startswith(prefix) and len(t) > len(prefix):
            t = t[len(prefix):]
    if t.startswith("长治市") and len(t) > 3:
        t = t[3:]
    return t


@dataclass(slots=True)
class DivisionLookup:
    """Where a code or name points today: ``current_code`` is the unit to count it under."""

    query: str
    status: str  # current | historical | zone | unknown
    status_label: str
    matched: str  # code | name | former_code | former_name | zone_authority_code | alias | none
    current_code: str | None
    current_name: str | None
    kind: str | None
    gb2260: bool | None
    statistics_code: str | None  # where it is counted (a zone may count under 潞州区: config)
    former_code: str | None
    former_name: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "status": self.status, "status_label": self.status_label,
                "matched": self.matched, "current_code": self.current_code,
                "current_name": self.current_name, "kind": self.kind, "gb2260": self.gb2260,
                "statistics_code": self.statistics_code, "former_code": self.former_code,
                "former_name": self.former_name, "message": self.message}


def _index(ds: DivisionSet) -> dict[str, tuple[str, Any]]:
    idx: dict[str, tuple[str, Any]] = {}
    for d in (ds.city, *ds.units):
        idx.setdefault(d.code, ("code", d))
        idx.setdefault(d.name, ("name", d))
        for a in d.aliases:
            idx.setdefault(_clean(a), ("alias", d))
    for f in ds.former:
        idx.setdefault(f.code, ("former_code", f))
        idx.setdefault(f.name, ("former_name", f))
    for code in ds.zone_authority_codes:
        idx.setdefault(code, ("zone_authority_code", code))
    return idx


_INDEXES: dict[str, tuple[dict[str, tuple[str, Any]], dict[str, Division]]] = {}


def _units(ds: DivisionSet) -> dict[str, Division]:
    return {d.code: d for d in (ds.city, *ds.units)}


def lookup(query: str, *, zone_counts_under: str | None = None,
           divisions: DivisionSet = CHANGZHI_2019) -> DivisionLookup:
    """The current unit of any code or name of the table; ``unknown`` when it is not in it.

    ``zone_counts_under``: the code a zone's enterprises are counted under in statistics
    (None: the zone itself; e.g. ``"140403"`` to count 长治高新区 under 潞州区) — the bureau's
    choice (§h), never inferred from a credit code.
    """
    cached = _INDEXES.get(divisions.version)
    if cached is None:
        cached = _INDEXES[divisions.version] = (_index(divisions), _units(divisions))
    idx, units = cached
    if zone_counts_under is not None and zone_counts_under not in units:
        raise PolicyInputError("zone_counts_under", f"“{zone_counts_under}”不是本表中的区划代码")
    q = _clean(query)
    hit = idx.get(q)
    if hit is None:
        hint = ("6 位代码不在长治市（140400）区划表中" if q.isdigit() and len(q) == 6
                else "不是长治市（140400）的区划代码或名称")
        return DivisionLookup(str(query), "unknown", STATUS_LABELS["unknown"], "none", None, None,
                              None, None, None, None, None,
                              f"“{query}”{hint}；未收录不表示错误（如外地登记机关代码）")
    how, obj = hit
    former: FormerDivision | None = None
    if how in ("former_code", "former_name"):
        former = obj
        unit = units[obj.current]
    elif how == "zone_authority_code":
        unit = units[divisions.zone_authority_codes[obj]]
    else:
        unit = obj
    status = ("historical" if former is not None else "zone" if unit.kind == "zone"
              else "current")
    stats = unit.code
    if unit.kind == "zone" and zone_counts_under is not None:
        stats = zone_counts_under
    if former is not None:
        msg = (f"{former.code} {former.name} 为 2019 年前的旧区划，现属 {unit.code} {unit.name}"
               f"（{former.note}）")
    elif how == "zone_authority_code":
        msg = (f"{obj} 为{unit.name}登记管理机关代码（见于统一社会信用代码第 3–8 位，"
               f"非 GB/T 2260 代码），对应功能区 {unit.code} {unit.name}")
    elif unit.kind == "zone":
        msg = f"{unit.code} {unit.name}：功能区，统计用区划代码，不属 GB/T 2260 行政区划"
    else:
        msg = f"{unit.code} {unit.name}：现行{KIND_LABELS[unit.kind]}"
    if unit.kind == "zone":
        target = units[stats]
        msg += (f"；统计时计入 {target.code} {target.name}"
                + ("（按配置 zone_counts_under）" if stats != unit.code else "（默认单列）"))
    return DivisionLookup(str(query), status, STATUS_LABELS[status], how, unit.code, unit.name,
                          unit.kind, unit.gb2260, stats, former.code if former else None,
                          former.name if former else None, msg)


def current_code(query: str, *, divisions: DivisionSet = CHANGZHI_2019) -> str | None:
    """The current unit's code (None when unknown) — for statistics by 区县."""
    return lookup(query, divisions=divisions).current_code


@dataclass(slots=True)
class DivisionTable:
    """The 140400 table: its units, counts by kind and the pre-2019 codes."""

    city: Division
    rows: list[Division]
    counts_by_kind: dict[str, int]
    gb2260_count: int
    former: list[FormerDivision]

    def to_dict(self) -> dict[str, Any]:
        return {"city": self.city.to_dict(), "rows": [r.to_dict() for r in self.rows],
                "counts_by_kind": dict(self.counts_by_kind), "gb2260_count": self.gb2260_count,
                "total": len(self.rows),
                "former": [{"code": f.code, "name": f.name, "current": f.current,
                            "note": f.note} for f in self.former]}


def table(divisions: DivisionSet = CHANGZHI_2019) -> DivisionTable:
    """The units under the city, in code order, with counts by kind (district/county/zone)."""
    counts: dict[str, int] = {}
    for d in divisions.units:
        counts[d.kind] = counts.get(d.kind, 0) + 1
    return DivisionTable(divisions.city, list(divisions.units), counts,
                         sum(d.gb2260 for d in divisions.units), list(divisions.former))


# -- the CLI rule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DivisionsInput:
    """Codes or names to look up, and the bureau's zone choice."""

    queries: tuple[str, ...] = ()
    zone_counts_under: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DivisionsInput:
        raw = data.get("queries", data.get("query", data.get("code", data.get("name"))))
        if raw is None or raw == "":
            raw = []
        if isinstance(raw, str | int):
            raw = [raw]
        if not isinstance(raw, list | tuple):
            raise PolicyInputError("queries", "应为区划代码或名称（字符串或列表）")
        zone = data.get("zone_counts_under")
        return cls(tuple(str(q) for q in raw), str(zone).strip() if zone else None)


@dataclass
class DivisionsResult(ResultBase):
    rule: str
    rule_version: str
    document: str
    lookups: list[DivisionLookup]
    table: DivisionTable
    notes: list[str]

    def to_row(self) -> dict[str, Any]:
        first = self.lookups[0] if self.lookups else None
        return {"result_rule_version": self.rule_version,
                "result_status": first.status if first else "",
                "result_current_code": (first.current_code or "") if first else "",
                "result_current_name": (first.current_name or "") if first else "",
                "result_statistics_code": (first.statistics_code or "") if first else "",
                "result_message": first.message if first else ""}


def evaluate_divisions(inp: DivisionsInput, *,
                       divisions: DivisionSet = CHANGZHI_2019) -> DivisionsResult:
    """Look every query up and return the table with it (``kechuang policy evaluate``)."""
    return DivisionsResult(RULE, divisions.version, divisions.document,
                           [lookup(q, zone_counts_under=inp.zone_counts_under,
                                   divisions=divisions) for q in inp.queries],
                           table(divisions), list(divisions.notes))
