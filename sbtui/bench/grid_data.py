"""Realistic rows for the grid benchmark and tests: an ``employees`` table (the local store's
schema, indexes and WAL mode) of N employees with Chinese names, 18-character resident ids, unit
numbers, groups and insurance types, and the grid's 16 declared columns over it."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from sbtui.domain.ids import complete_resident_id
from sbtui.widgets.grid_source import Column, GridSource

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌宇浩凯健俊帆鹏辉晨宁欣悦婷雪琳晶蕾佳怡子轩梓涵一诺浩然思远"
REGIONS = ("150602", "150621", "150603", "110105", "130102", "152801", "150102", "410105")
TYPES = ("110", "210", "310", "410", "510")
TYPE_LABELS = ("养老", "失业", "医疗", "工伤", "生育")
GROUPS = ("", "一车间", "二车间", "机关", "销售部", "后勤", "项目部（东胜）")
UNITS = ("66259112241843", "66259112241844", "66259112241851")

SCHEMA = """
CREATE TABLE employees (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, id_type TEXT NOT NULL, id_number TEXT NOT NULL,
    status TEXT NOT NULL, group_id TEXT, unit_numbers TEXT NOT NULL DEFAULT '',
    insured_types TEXT NOT NULL DEFAULT '', registrations TEXT NOT NULL DEFAULT '[]',
    wages TEXT NOT NULL DEFAULT '[]', added_on TEXT, changed_on TEXT, seq INTEGER NOT NULL DEFAULT 0
)"""


def _tick(code: str) -> str:
    return f"CASE WHEN instr(insured_types, '{code}') > 0 THEN '✓' ELSE '' END"


def employee_columns() -> list[Column]:
    """16 columns: the first two (name, id number) are meant to be frozen."""
    cols = [
        Column("name", "姓名", 8, editable=True),
        Column("id_number", "证件号码", 18),
        Column("id", "人员编号", 10),
        Column("id_type", "证件类型", 8),
        Column("status", "状态", 8, editable=True),
        Column("group_id", "分组", 14, editable=True),
        Column("unit_numbers", "单位编号", 16),
    ]
    cols += [Column(f"t{code}", label, 4, sql=_tick(code), align="center")
             for code, label in zip(TYPES, TYPE_LABELS)]
    cols += [
        Column("insured_types", "险种代码", 19),
        Column("added_on", "新增日期", 10),
        Column("changed_on", "变更日期", 10),
        Column("seq", "版本", 6, align="right"),
    ]
    return cols


def employee_source(conn: sqlite3.Connection, **options) -> GridSource:
    return GridSource(conn, "employees", employee_columns(), **options)


def build_employees(path: Path | str, rows: int, *, seed: int = 1) -> None:
    """Write ``rows`` employees to a new SQLite file at ``path``."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")  # as the local store (sbtui.store.db)
    conn.execute(SCHEMA)

    def gen():
        for i in range(rows):
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
            birth = f"{rnd.randint(1960, 2004)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
            idn = complete_resident_id(f"{rnd.choice(REGIONS)}{birth}{rnd.randint(0, 999):03d}")
            types = ",".join(t for t in TYPES if rnd.random() < 0.85)
            units = "，".join(UNITS[:rnd.choice((1, 1, 1, 2))])
            status = "stopped" if rnd.random() < 0.1 else "active"
            day = f"2026-{rnd.randint(1, 10):02d}-{rnd.randint(1, 28):02d}"
            yield (f"E{i:09d}", name, "居民身份证", idn, status, rnd.choice(GROUPS) or None, units,
                   types, "[]", "[]", day, day, i)

    with conn:
        conn.executemany("INSERT INTO employees VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", gen())
        for column in ("id_number", "name", "status", "group_id"):
            conn.execute(f"CREATE INDEX idx_employees_{column} ON employees ({column})")
    conn.close()
