"""Sandbox three-party agreements (SPEC A1; issue 12): add, modify, verify as TIPS does (the
bank's reasons), void and revoke, one 费批扣 agreement only, keyed exactly once; and the
reference lists behind the form."""
from __future__ import annotations

import pytest

from sbtui.domain import reference
from sbtui.domain.models import Agreement
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

ENT = "66259112241843"
NAME = "鄂尔多斯市康巴什区鸿泰能源科技有限公司"
AUTHORITY = "国家税务总局鄂尔多斯市康巴什区税务局"
BANK, BRANCH = "中国工商银行", "中国工商银行股份有限公司鄂尔多斯康巴什支行"
ACCOUNT = "0605020109200123456"  # the demo employer's seeded account (holder: its name)
BATCH_EXISTS = ("单位允许银行代扣的协议只有一个，若已签订允许银行代扣的协议，需要变更原协议的批扣标志，"
                "或将原协议作废处理。")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=20, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, ENT)
        yield c


def form(**changes) -> dict:
    return {"batch": False, "tax_authority": AUTHORITY, "region": "150603", "bank": BANK,
            "branch": BRANCH, "account_name": NAME, "account": ACCOUNT, **changes}


async def post(c, path: str, body: dict | None = None, key: str | None = None):
    return await c.post(path, json=body, headers={"Idempotency-Key": key or new_key()})


async def add(c, **changes) -> dict:
    r = await post(c, "/agreements", form(**changes))
    assert r.status_code == 200, r.text
    return Agreement.model_validate(r.json()).model_dump(mode="json")


async def verified(c, clock, agreement_id: str) -> dict:
    """Ask for verification, wait past its answer, read it back."""
    r = await post(c, f"/agreements/{agreement_id}/verify")
    assert r.status_code == 200 and r.json()["status"] == "验证中", r.text
    assert r.json()["verify_at"]
    clock.advance(seconds=2)
    assert (await c.get(f"/agreements/{agreement_id}")).json()["status"] == "验证中"
    clock.advance(seconds=2)
    return Agreement.model_validate((await c.get(f"/agreements/{agreement_id}")).json()).model_dump(mode="json")


def refused(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    return r.json()


async def test_seeded_agreements_and_add_A1(c):
    listed = [Agreement.model_validate(a) for a in (await c.get("/agreements")).json()]
    assert [(a.id, a.status) for a in listed] == [("15069100000000001", "验证通过"),
                                                 ("15069100000000002", "未验证")]
    a = await add(c)
    assert a["status"] == "未验证" and a["id"] == "15069100000000003" and a["reason"] is None
    assert a["region_name"] == "内蒙古自治区鄂尔多斯市康巴什区" and a["batch"] is False
    assert len((await c.get("/agreements")).json()) == 3
    assert (await c.get("/agreements/nope")).status_code == 404
    refusal = refused(await post(c, "/agreements", form(region="159999")), 400, "bad_request")
    assert refusal["message"] == "行政区划代码无效：159999"
    refused(await post(c, "/agreements", form(account="12-34")), 400, "bad_request")
    refusal = refused(await post(c, "/agreements", form(account_name=" ")), 400, "bad_request")
    assert refusal["message"] == "请填写账户名称"


async def test_wrong_holder_name_is_refused_then_the_right_one_passes_A1(c, clock):
    a = await add(c, account_name="鄂尔多斯市康巴什区鸿泰能源有限公司")
    done = await verified(c, clock, a["id"])
    assert done["status"] == "验证失败" and done["reason"] == "缴款单位名称不一致"
    assert done["decided_at"]
    # the name typed with full-width characters and spaces folds to the holder's
    fullwidth = "鄂尔多斯市　康巴什区 鸿泰能源科技有限公司"  # U+3000 and U+0020
    r = await post(c, f"/agreements/{a['id']}", form(account_name=fullwidth + "　"))
    assert r.status_code == 200 and r.json()["status"] == "未验证" and r.json()["reason"] is None
    done = await verified(c, clock, a["id"])
    assert done["status"] == "验证通过" and done["reason"] is None
    effects = (await c.get("/sandbox/effects", params={"kind": "agreement.verified"})).json()
    assert [e["target"] for e in effects] == [a["id"]]


async def test_every_mismatch_is_named_A1(c, clock, app):
    a = await add(c, account="999999999999")
    assert (await verified(c, clock, a["id"]))["reason"] == "付款账户不一致"
    b = await add(c, branch="中国工商银行股份有限公司鄂尔多斯东胜支行",
                  tax_authority="国家税务总局鄂尔多斯市东胜区税务局")
    assert (await verified(c, clock, b["id"]))["reason"] == "开户网点不一致；征收机关不一致"
    # the bank's holder is another name: refused even though the form has the employer's
    r = await c.post("/sandbox/bank/accounts", json={"bank": BANK, "branch": BRANCH, "account": "620000000001",
                                                     "name": "张三", "balance": "1.00"})
    assert r.status_code == 200
    d = await add(c, account="620000000001")
    assert (await verified(c, clock, d["id"]))["reason"] == "缴款单位名称不一致"


async def test_one_batch_agreement_only_A1(c):
    first = await add(c, batch=True)
    refusal = refused(await post(c, "/agreements", form(batch=True)), 400, "batch_exists")
    assert refusal["message"] == BATCH_EXISTS and refusal["detail"]["id"] == first["id"]
    other = await add(c)
    refused(await post(c, f"/agreements/{other['id']}", form(batch=True)), 400, "batch_exists")
    r = await post(c, f"/agreements/{first['id']}", form(batch=True, account_name=NAME))
    assert r.status_code == 200  # modifying the batch one itself is fine
    r = await post(c, f"/agreements/{first['id']}/void")
    assert r.json()["status"] == "协议终止"
    assert (await add(c, batch=True))["batch"] is True  # an ended one does not count


async def test_void_revoke_and_ended_A1(c, clock):
    a = await add(c)
    refusal = refused(await post(c, f"/agreements/{a['id']}/revoke"), 400, "agreement_not_verified")
    assert refusal["message"] == "只有验证通过的三方协议可以撤销"
    await verified(c, clock, a["id"])
    refused(await post(c, f"/agreements/{a['id']}/verify"), 400, "agreement_verified")
    r = await post(c, f"/agreements/{a['id']}/revoke")
    assert r.status_code == 200 and r.json()["status"] == "协议终止"
    for path, body in ((f"/agreements/{a['id']}", form()), (f"/agreements/{a['id']}/verify", None),
                       (f"/agreements/{a['id']}/void", None), (f"/agreements/{a['id']}/revoke", None)):
        refusal = refused(await post(c, path, body), 400, "agreement_ended")
        assert refusal["message"] == "该三方协议已终止，不能进行此操作"
    b = await add(c)
    assert (await post(c, f"/agreements/{b['id']}/void")).json()["status"] == "协议终止"  # 作废 未验证


async def test_keyed_replay_adds_once(c):
    key = new_key()
    first = await post(c, "/agreements", form(), key=key)
    again = await post(c, "/agreements", form(), key=key)
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert len((await c.get("/agreements")).json()) == 3
    refused(await post(c, "/agreements", form(batch=True), key=key), 422, "idempotency_key_reused")
    effects = (await c.get("/sandbox/effects", params={"kind": "agreement.add"})).json()
    assert [e["target"] for e in effects] == [first.json()["id"]]


def test_reference_lists():
    provinces = [r for r in reference.regions() if r.code.endswith("0000")]
    assert len(provinces) == 34 and provinces[0].name == "北京市"
    assert [r.code for r in reference.regions("康巴什")] == ["150603"]
    assert reference.region("150603").full_name == "内蒙古自治区鄂尔多斯市康巴什区"
    assert {r.code for r in reference.regions("鄂尔多斯")} >= {"150600", "150602", "150603", "150627"}
    assert [r.code for r in reference.regions("1503")] == ["150300", "150302", "150303", "150304"]
    assert "中国工商银行" in reference.banks() and "鄂尔多斯银行" in reference.banks()
    found = reference.branches("中国工商银行", "康巴什")
    assert BRANCH in [b.name for b in found] and all(b.bank == "中国工商银行" for b in found)
    assert reference.branches("中国工商银行", "ＫＢＳ") == []
    assert {b.bank for b in reference.branches(None, "呼和浩特")} > {"中国银行"}
    assert reference.fold("（鸿泰）　Ａ") == "(鸿泰)a"


def test_an_old_database_gets_the_real_agreements_and_the_bank(tmp_path):
    """seed.upgrade: a database from before payment (the fixture table ``agreements`` with
    agreement_no / verified / batch_debit, no bank) is brought up to date when opened."""
    import sqlite3

    from sbtui.remote.sandbox import info

    create_app(tmp_path, employees=5, clock=FakeClock())
    conn = sqlite3.connect(tmp_path / "sandbox.db")
    conn.executescript("""
        DROP TABLE agreements; DROP TABLE bank_accounts; DELETE FROM counters;
        CREATE TABLE agreements (uscc TEXT NOT NULL, agreement_no TEXT NOT NULL, bank TEXT NOT NULL,
            account_name TEXT NOT NULL, account TEXT NOT NULL, verified INTEGER NOT NULL,
            batch_debit INTEGER NOT NULL, PRIMARY KEY (uscc, agreement_no));
        INSERT INTO agreements VALUES ('x', '1', 'b', 'n', 'a', 1, 0);""")
    conn.close()
    app = create_app(tmp_path, employees=5, clock=FakeClock())
    rows = app.state.sandbox.db.all("SELECT id, status FROM agreements ORDER BY id")
    assert [tuple(r) for r in rows] == [("15069100000000001", "验证通过"), ("15069100000000002", "未验证")]
    assert {a["account"] for a in info(tmp_path)["bank_accounts"]} >= {ACCOUNT}
