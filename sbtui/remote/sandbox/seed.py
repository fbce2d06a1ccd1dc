"""Deterministic demo data: two employers, their agency registrations, employees, groups and
the fee-side fixtures (paid periods, collection notices, special dues, a construction project,
the sandbox bank's accounts, three-party agreements, notices). Same seed and same month →
byte-identical data."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sbtui.domain.catalogue import catalogue
from sbtui.domain.period import Period, add_months, month_of
from sbtui.domain.vocab import EmployeeStatus

from .db import SCHEMA, Db, dumps
from .people import employee_doc, money

DEMO_USCC = "91150691MA0N4RXW7E"
SECOND_USCC = "91150691MA0P9D3L62"
REGION = "nm"
TAX_AUTHORITY = "国家税务总局鄂尔多斯市康巴什区税务局"
TAX_BRANCH = "国家税务总局鄂尔多斯市康巴什区税务局第一税务分局"
SOCIAL = "鄂尔多斯市康巴什区社会保险事业服务中心(五险)"
MEDICAL = "鄂尔多斯市康巴什区医疗保障事务中心"
INSTITUTION = "鄂尔多斯市机关事业单位社会保险中心"

# (uscc, name, employees or None = the requested count, registrations, person-number prefix)
# registration: (unit number, agency, system, types, system digit)
EMPLOYERS = (
    (DEMO_USCC, "鄂尔多斯市康巴什区鸿泰能源科技有限公司", None, (
        ("66259112241843", SOCIAL, "enterprise", ("110", "210", "410"), "1"),
        ("15069120180327", MEDICAL, "medical", ("310", "330"), "3"),
        ("15069130000512", INSTITUTION, "institution", ("120", "130", "210"), "2"),
        ("15069120180334", MEDICAL, "medical", ("310", "320", "360"), "4"),
    ), "1506"),
    (SECOND_USCC, "鄂尔多斯市康巴什区草原味道餐饮有限公司", 12, (
        ("88025", SOCIAL, "enterprise", ("110", "210", "410"), "1"),
        ("15069120190041", MEDICAL, "medical", ("310", "330"), "3"),
    ), "1507"),
)

# 单位信息 (SPEC U2): uscc -> (登记注册类型, 行业, 生产经营地址); illustrative sandbox values.
DETAILS = {
    DEMO_USCC: ("私营有限责任公司", "科技推广和应用服务业",
                "内蒙古自治区鄂尔多斯市康巴什区哈巴格希街道滨河路18号"),
    SECOND_USCC: ("私营有限责任公司", "正餐服务",
                  "内蒙古自治区鄂尔多斯市康巴什区青春山街道康和路66号"),
}

GROUP_TREE = (  # (name, parent name)
    ("董事会", None), ("总经理办公室", None), ("财务部", None), ("会计组", "财务部"),
    ("出纳组", "财务部"), ("人力资源部", None), ("招聘组", "人力资源部"),
    ("校园招聘小组", "招聘组"), ("生产部", None), ("一车间", "生产部"), ("二车间", "生产部"),
    ("销售部", None),
)


def local_today(now) -> date:
    """The service's calendar day (China Standard Time, UTC+8)."""
    return (now + timedelta(hours=8)).date()


def is_seeded(db: Db) -> bool:
    return db.one("SELECT 1 FROM meta WHERE key = 'seeded'") is not None


def upgrade(db: Db) -> None:
    """Fill the fixtures of tables added after a database was first seeded (idempotent)."""
    with db.tx() as conn:
        _seed_details(conn)
        row = conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
        if row is not None:
            _seed_declaration_fixtures(conn, date.fromisoformat(row[0]))
            _drop_old_agreements(conn)
            _seed_payment_fixtures(conn, date.fromisoformat(row[0]))


# SPEC P2, A1: the sandbox bank's accounts: (uscc, 银行行别, 开户网点, account, balance); the
# holder is the employer's name. Illustrative sandbox values.
BANK_ACCOUNTS = (
    (DEMO_USCC, "中国工商银行", "中国工商银行股份有限公司鄂尔多斯康巴什支行",
     "0605020109200123456", "50000000.00"),
    (DEMO_USCC, "中国建设银行", "中国建设银行股份有限公司鄂尔多斯康巴什支行",
     "15050171536700000789", "2000.00"),
    (SECOND_USCC, "中国农业银行", "中国农业银行股份有限公司鄂尔多斯康巴什支行",
     "05565101040012345", "1000000.00"),
)
# the demo employer's three-party agreements on its two accounts: (id, 验证通过?, account row)
AGREEMENTS = (("15069100000000001", "验证通过", 0), ("15069100000000002", "未验证", 1))
AGREEMENT_REGION = "150603"  # 康巴什区


def _seed_payment_fixtures(conn, today: date) -> None:
    """The sandbox bank's accounts and the demo employer's agreements (tables added with
    payment; ``INSERT OR IGNORE``: a balance already used is kept)."""
    names = dict(conn.execute("SELECT uscc, name FROM employers").fetchall())
    conn.executemany("INSERT OR IGNORE INTO bank_accounts VALUES (?, ?, ?, ?, ?, ?)", [
        (bank, account, branch, names[uscc], balance, uscc)
        for uscc, bank, branch, account, balance in BANK_ACCOUNTS if uscc in names])
    if DEMO_USCC not in names:
        return
    at = f"{today.isoformat()}T00:00:00.000+00:00"
    for ident, status, n in AGREEMENTS:
        _, bank, branch, account, _ = BANK_ACCOUNTS[n]
        conn.execute(
            "INSERT OR IGNORE INTO agreements (uscc, id, batch, tax_authority, region, bank, branch,"
            " account_name, account, status, created_at, decided_at)"
            " VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (DEMO_USCC, ident, TAX_AUTHORITY, AGREEMENT_REGION, bank, branch, names[DEMO_USCC],
             account, status, at, at if status == "验证通过" else None))
    conn.execute("INSERT OR IGNORE INTO counters VALUES ('agreement', ?)", (len(AGREEMENTS),))


def _drop_old_agreements(conn) -> None:
    """Before payment existed, ``agreements`` was a read-only fixture (agreement_no, verified,
    batch_debit): replace it with the real table."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(agreements)")}
    if "agreement_no" in columns:
        conn.execute("DROP TABLE agreements")
        schema = SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS agreements"):]
        conn.execute(schema[:schema.index(";")])


def _seed_details(conn) -> None:
    conn.executemany("INSERT OR IGNORE INTO employer_details VALUES (?, ?, ?, ?)",
                     [(uscc, *d) for uscc, d in DETAILS.items()])


def seed(db: Db, *, employees: int, seed: int, today: date) -> None:
    """Fill an empty database in one transaction (no-op when it is already seeded)."""
    rng = random.Random(seed)
    taken: set[str] = set()
    with db.tx() as conn:
        if conn.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
            return
        for uscc, name, count, regs, prefix in EMPLOYERS:
            n = employees if count is None else count
            conn.execute(
                "INSERT INTO employers (uscc, name, tax_authority, tax_branch, status, region,"
                " seq, next_employee) VALUES (?, ?, ?, ?, '正常', ?, ?, ?)",
                (uscc, name, TAX_AUTHORITY, TAX_BRANCH, REGION, n, n + 1))
            units = [{"unit_number": u, "agency": a, "agency_system": s, "insurance_types": t,
                      "system_digit": d} for u, a, s, t, d in regs]
            conn.executemany(
                "INSERT INTO registrations VALUES (?, ?, ?, ?, ?, '单位缴费人', ?, '正常', ?)",
                [(uscc, u["unit_number"], u["agency"], u["agency_system"], TAX_AUTHORITY,
                  dumps(list(u["insurance_types"])), u["system_digit"]) for u in units])
            group_ids = _seed_groups(conn, uscc) if uscc == DEMO_USCC else []
            rows = []
            for i in range(1, n + 1):
                doc = make_employee(rng, uscc=uscc, serial=i, units=units, prefix=prefix,
                                    today=today, taken=taken, group_ids=group_ids)
                doc["seq"] = i
                rows.append((uscc, doc["id"], i, doc["name"], doc["id_number"], doc["status"],
                             doc["group_id"], dumps(doc)))
            conn.executemany("INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            _seed_fee_fixtures(conn, rng, uscc, units, today)
        _seed_notices(conn, today)
        _seed_details(conn)
        _seed_declaration_fixtures(conn, today)
        _seed_payment_fixtures(conn, today)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("seeded", today.isoformat()), ("seed", str(seed)), ("employees", str(employees))])


def make_employee(rng: random.Random, *, uscc: str, serial: int, units: list[dict], prefix: str,
                  today: date, taken: set[str], group_ids: list[str],
                  new_hire: bool | None = None) -> dict:
    """One employee of an employer with the given unit registrations: enterprise staff (most)
    or institution staff when the employer has institution insurance; 1–2 registrations."""
    by_system: dict[str, list[dict]] = {}
    for u in units:
        by_system.setdefault(u["agency_system"], []).append(u)
    medical = by_system.get("medical", [])
    institution = by_system.get("institution")
    if institution and rng.random() < 0.15:
        main = institution[0]
        med = next((m for m in medical if "320" in m["insurance_types"]), None)
    else:
        main = by_system["enterprise"][0]
        med = next((m for m in medical if "320" not in m["insurance_types"]), None)
    chosen = [main] + ([med] if med and rng.random() < 0.9 else [])
    if new_hire is None:
        new_hire = rng.random() < 0.01
    stopped = not new_hire and rng.random() < 0.05
    group = rng.choice(group_ids) if group_ids and rng.random() < 0.7 else None
    return employee_doc(
        rng, eid=f"E{serial:07d}", units=chosen, person_prefix=prefix, serial=serial, today=today,
        taken=taken, new_hire=new_hire, empty_wages=new_hire, group_id=group,
        status=EmployeeStatus.STOPPED if stopped else EmployeeStatus.NORMAL)


def _seed_groups(conn, uscc: str) -> list[str]:
    ids: dict[str, str] = {}
    for n, (name, parent) in enumerate(GROUP_TREE, start=1):
        ids[name] = f"G{n:04d}"
        conn.execute("INSERT INTO groups VALUES (?, ?, ?, ?)",
                     (uscc, ids[name], name, ids[parent] if parent else None))
    conn.execute("UPDATE employers SET next_group = ? WHERE uscc = ?", (len(GROUP_TREE) + 1, uscc))
    return list(ids.values())


def _seed_fee_fixtures(conn, rng: random.Random, uscc: str, units: list[dict], today: date) -> None:
    items = catalogue().items
    this_month = month_of(today)
    first_paid = str(Period(today.year, 1)) if today.month != 1 else add_months(this_month, -1)
    for u in units:
        period = first_paid
        while period < this_month:
            paid_on = Period.parse(period, strict=True).first_day + timedelta(days=40 + rng.randrange(8))
            conn.execute("INSERT INTO paid_periods VALUES (?, ?, ?, ?, ?)", (
                uscc, u["unit_number"], period, money(rng.randrange(1_000_000, 90_000_000)),
                min(paid_on, today).isoformat()))
            period = add_months(period, 1)
    last_month = add_months(this_month, -1)
    medical = [u for u in units if u["agency_system"] == "medical"]
    for n, u in enumerate(medical, start=1):
        serial = f"1{u['unit_number'][-6:]}{this_month.replace('-', '')}{n:05d}"
        for code in u["insurance_types"]:
            item = items[f"{code}-u"]
            conn.execute("INSERT INTO collection_notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, '未申报')", (
                uscc, serial, u["unit_number"], u["agency"], last_month, item.id, item.name,
                money(rng.randrange(50_000, 5_000_000))))
    social = next(u for u in units if u["agency_system"] == "enterprise")
    dues = (("110-u", 20, "2024年度补缴"), ("210-u", 60, "跨年度补缴失业保险"), ("410-u", -10, "已过期补缴"))
    for n, (item_id, days, remark) in enumerate(dues, start=1):
        conn.execute("INSERT INTO special_dues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            uscc, f"2{social['unit_number'][-6:]}{today:%Y%m}{n:04d}", social["unit_number"],
            item_id, items[item_id].name, "2024-01", "2024-12",
            money(rng.randrange(100_000, 3_000_000)), (today + timedelta(days=days)).isoformat(),
            remark))
    if uscc != DEMO_USCC:
        return
    conn.execute("INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        uscc, "15069124000011", "康巴什区第二中学教学楼建设工程", "KBS-JS-2025-017", SOCIAL,
        social["unit_number"], "内蒙古自治区鄂尔多斯市康巴什区", "王建军 13904770123",
        "2025-03-01", "2026-10-31", "0.001", "28500000.00", "26800000.00"))


# SPEC D5: verified credit balances (可抵缴余额) of the demo employer's enterprise unit number
CREDITS = (("110-u", "1000.00"), ("210-u", "200.00"))
DEMO_PROJECT = "15069124000011"
# SPEC D10: the demo project's work-injury dues: (serial suffix, from, to, base, valid days)
PROJECT_DUES = (("0001", "2025-03", "2025-12", "15000000.00", 30),
                ("0002", "2026-01", "2026-10", "13500000.00", 45),
                ("0003", "2025-03", "2025-03", "500000.00", -7))  # expired


def _seed_declaration_fixtures(conn, today: date) -> None:
    """Credits and project dues (tables added with the fee declaration); no random numbers,
    so the other fixtures stay as they were. ``INSERT OR IGNORE``: a balance already used is
    kept."""
    social = conn.execute("SELECT unit_number FROM registrations WHERE uscc = ?"
                          " AND agency_system = 'enterprise' ORDER BY rowid LIMIT 1",
                          (DEMO_USCC,)).fetchone()
    project = conn.execute("SELECT unit_number, rate FROM projects WHERE uscc = ? AND project_id = ?",
                           (DEMO_USCC, DEMO_PROJECT)).fetchone()
    if social is None or project is None:
        return
    items = catalogue().items
    conn.executemany("INSERT OR IGNORE INTO credits VALUES (?, ?, ?, ?, ?, 1)", [
        (DEMO_USCC, social[0], item_id, items[item_id].name, amount) for item_id, amount in CREDITS])
    rate = Decimal(project[1])
    conn.executemany("INSERT OR IGNORE INTO project_dues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (DEMO_USCC, f"3{DEMO_PROJECT[-8:]}{today:%Y%m}{suffix}", DEMO_PROJECT, project[0], "410-u",
         start, end, base, project[1], str((Decimal(base) * rate).quantize(Decimal("0.01"))),
         (today + timedelta(days=days)).isoformat())
        for suffix, start, end, base, days in PROJECT_DUES])


def _seed_notices(conn, today: date) -> None:
    conn.executemany("INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?)", [
        ("N0001", None, "notice", "关于做好本年度社会保险费缴费工资申报工作的通知",
         (today - timedelta(days=12)).isoformat(),
         "各缴费单位：请于每月20日前完成缴费工资申报及社会保险费申报缴纳，逾期将按规定加收滞纳金。"),
        ("N0002", None, "notice", "社保费管理客户端升级公告", (today - timedelta(days=3)).isoformat(),
         "客户端已升级，新增按险种申报缴费工资功能，请及时更新。"),
        ("M0001", DEMO_USCC, "message", "征集信息推送提醒", (today - timedelta(days=1)).isoformat(),
         "您单位有新的医疗保险征集信息，请及时申报缴费。"),
        ("M0002", DEMO_USCC, "message", "特殊缴费即将到期", today.isoformat(),
         "您单位有特殊缴费信息即将超过征集有效日期，请尽快申报。"),
    ])
