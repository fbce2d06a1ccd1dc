"""Deterministic fake people for the sandbox: Chinese names, resident ID numbers that pass
``stdnum.cn.ric``, contribution wages and the employee JSON document the registry serves.

Everything takes a ``random.Random`` so that the same seed gives the same people.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from stdnum.cn import ric

from sbtui.domain.catalogue import catalogue
from sbtui.domain.models import OPEN_END
from sbtui.domain.period import Period, add_months, month_of
from sbtui.domain.vocab import EmployeeStatus

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华红梅飞鹏辉波斌宇浩凯健俊帆帅旭宁龙林欢阳建国"
    "志文海燕萍琳雪婷慧颖晶倩璐佳蕾岩峰亮鑫雨晨欣怡子轩梓涵浩然思远嘉懿晓东春生立新永庆德福宝珍巴特尔"
    "乌兰其其格娜仁图雅苏日那木"
)
# Candidate 6-digit address codes; only those stdnum accepts for every birth year we use are kept.
REGION_CANDIDATES = (
    "150121", "150122", "150221", "150222", "110101", "110102", "110103", "110104", "110105",
    "110106", "110107", "110108", "110109", "140121", "140122", "140123", "210122", "210224",
    "210321", "210421", "210422", "210423", "210521", "210522", "210624", "210726", "210727",
    "210921", "210922", "610322", "610323", "610324", "610326", "610327", "610328", "610329",
    "620121", "620122", "620123", "640121", "640122", "640221", "440221", "510121", "510122",
    "510321", "510421", "510422",
)
BIRTH_FIRST = date(1965, 1, 1)
BIRTH_LAST = date(2004, 12, 31)


def _ric_ok(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except Exception:  # stdnum raises KeyError for province-only codes
        return False


@cache
def region_codes() -> tuple[str, ...]:
    """The address codes valid (per stdnum's data) for people born 1965–2004."""
    def ok(code: str) -> bool:
        return all(_ric_ok(with_check(f"{code}{y}0101001")) for y in (1965, 1985, 2004))
    return tuple(c for c in REGION_CANDIDATES if ok(c))


def with_check(first17: str) -> str:
    """Append the GB 11643 check digit to 17 digits."""
    return first17 + ric.calc_check_digit(first17 + "0")


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def birth_date(rng: random.Random) -> date:
    return BIRTH_FIRST + timedelta(days=rng.randrange((BIRTH_LAST - BIRTH_FIRST).days + 1))


def id_number(rng: random.Random, born: date, taken: set[str]) -> str:
    """A resident ID number not in ``taken`` (which it joins): real address code, the birth
    date, an order code (odd for men, even for women) and the right check digit."""
    codes = region_codes()
    while True:
        first17 = f"{rng.choice(codes)}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
        number = with_check(first17)
        if number not in taken:
            taken.add(number)
            return number


def random_day(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def random_wage_cents(rng: random.Random) -> int:
    """3,000.00–30,000.00, skewed towards the lower end like real payrolls."""
    return 300_000 + int((rng.random() ** 2) * 2_700_000)


# --- employees --------------------------------------------------------------------------------

@cache
def clusters(types: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Split an employee's insured types into binding clusters (SPEC W4)."""
    cat = catalogue()
    out: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for t in types:
        if t in seen:
            continue
        group = tuple(sorted(cat.bound_with(t, list(types))))
        seen.update(group)
        out.append(group)
    return tuple(out)


def wage_history(rng: random.Random, types: tuple[str, ...], since: str, this_month: str,
                 base_cents: int) -> list[dict]:
    """Wage periods for every insured type, identical within each binding cluster."""
    year = Period.parse(this_month, strict=True).year
    last_year_start, last_year_end, year_start = f"{year - 1}-01", f"{year - 1}-12", f"{year}-01"
    wages: list[dict] = []
    for cluster in clusters(types):
        cents = base_cents if rng.random() < 0.8 else random_wage_cents(rng)
        start = max(since, last_year_start)
        if start <= last_year_end and rng.random() < 0.6:
            raised = cents + int(cents * rng.randrange(0, 11) / 100)
            periods = [(start, last_year_end, cents), (year_start, OPEN_END, raised)]
        else:
            periods = [(start, OPEN_END, cents)]
        for code in cluster:
            for p_from, p_to, c in periods:
                wages.append({"type": code, "wage": money(c), "period_from": p_from, "period_to": p_to})
    wages.sort(key=lambda w: (w["type"], w["period_from"]))
    return wages


def employee_doc(rng: random.Random, *, eid: str, units: list[dict], person_prefix: str,
                 serial: int, today: date, taken: set[str], new_hire: bool = False,
                 empty_wages: bool = False, group_id: str | None = None,
                 status: str = EmployeeStatus.NORMAL) -> dict:
    """One employee document (the JSON shape of ``models.Employee``, minus ``seq``).

    ``units`` are the unit registrations the employee is registered under (1 or 2)."""
    name = person_name(rng)
    born = birth_date(rng)
    number = id_number(rng, born, taken)
    this_month = month_of(today)
    month_start = today.replace(day=1)
    if new_hire:
        added = random_day(rng, month_start, today)
    else:
        earliest = max(date(2008, 1, 1), born.replace(year=born.year + 18, day=1))
        added = random_day(rng, earliest, month_start - timedelta(days=1))
    changed = added if new_hire else random_day(rng, added, today)
    registrations = [{
        "unit_number": u["unit_number"], "agency": u["agency"], "agency_system": u["agency_system"],
        "person_number": f"{person_prefix}{u['system_digit']}{serial:08d}",
        "insurance_types": list(u["insurance_types"]),
    } for u in units]
    types = tuple(sorted({t for u in units for t in u["insurance_types"]}))
    wages = [] if empty_wages else wage_history(rng, types, month_of(added), this_month,
                                                random_wage_cents(rng))
    return {
        "id": eid, "name": name, "id_type": "201", "id_number": number, "status": status,
        "group_id": group_id, "registrations": registrations, "wages": wages,
        "added_on": added.isoformat(), "changed_on": changed.isoformat(), "seq": 0,
    }


def change_wage(doc: dict, types: list[str], wage: str, month: str) -> None:
    """Give ``types`` a new wage from ``month`` on: open periods close at ``month``−1 (SPEC W9)."""
    kept: list[dict] = []
    before = add_months(month, -1)
    for w in doc["wages"]:
        if w["type"] not in types:
            kept.append(w)
        elif w["period_from"] < month:
            if w["period_to"] >= month:
                w = {**w, "period_to": before}
            kept.append(w)
    for code in types:
        kept.append({"type": code, "wage": wage, "period_from": month, "period_to": OPEN_END})
    kept.sort(key=lambda w: (w["type"], w["period_from"]))
    doc["wages"] = kept
