"""The one text rule at the service boundary (issue 14 finding 4): group names, remarks, user
remarks, agreement account names — any string of a JSON body — with a control character or a
bidi control are refused 400 naming the field, nothing stored; clean text (Chinese, spaces,
punctuation) passes."""
from __future__ import annotations

import pytest

from sbtui.domain.text import check_text, escape_output, escape_text, TextError
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

BAD = ["财务\x00部", "响铃\x07", "\x1b]8;;http://evil\x07链接\x1b]8;;\x07", "\x1b[31m红", "abc\u202egpj.exe",
       "隔离\u2066x\u2069", "C1\x9b31m", "换\n行", "制表\t符"]


@pytest.fixture
async def c(tmp_path):
    async with client(create_app(tmp_path, employees=20, clock=FakeClock())) as c:
        await activate(c, DEMO_USCC, "66259112241843")
        yield c


async def post(c, path, body):
    return await c.post(path, json=body, headers={"Idempotency-Key": new_key()})


def refused(r, field: str) -> str:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "bad_request" and body["detail"] == {"field": field}, body
    assert "不能包含控制字符或双向文本控制符" in body["message"], body
    return body["message"]


@pytest.mark.parametrize("bad", BAD)
async def test_control_and_bidi_characters_are_refused_naming_the_field(c, bad):
    """issue 14 finding 4: the service accepted NUL, BEL, ESC/OSC sequences and bidi
    overrides in group names and remarks; now 400 naming the field, and nothing is stored."""
    before = (await c.get("/groups")).json()
    message = refused(await post(c, "/groups", {"name": bad, "parent_id": None}), "name")
    assert message.startswith("名称（name）")
    refused(await post(c, "/groups/G0004", {"name": bad}), "name")
    assert (await c.get("/groups")).json() == before
    users = (await c.get("/users")).json()
    refused(await post(c, "/users", {"username": "oper01", "permission": "pay", "remark": bad}), "remark")
    refused(await post(c, "/users", {"username": bad, "permission": "pay"}), "username")
    assert (await c.get("/users")).json() == users
    form = {"tax_authority": "国家税务总局鄂尔多斯市康巴什区税务局", "region": "150603",
            "bank": "中国工商银行", "branch": "康巴什支行", "account_name": bad,
            "account": "6222000011112222"}
    agreements = (await c.get("/agreements")).json()
    refused(await post(c, "/agreements", form), "account_name")
    assert (await c.get("/agreements")).json() == agreements
    refused(await post(c, "/declarations", {"kind": "special", "unit_number": "1",
                                            "lines": [{"key": "k", "remark": bad}]}),
            "lines[0].remark")


async def test_clean_text_passes(c):
    r = await post(c, "/groups", {"name": "财务部 (2026) ‘一’", "parent_id": None})
    assert r.status_code == 200, r.text
    r = await post(c, "/users", {"username": "oper01", "permission": "pay", "remark": "出纳 / 张三"})
    assert r.status_code == 200, r.text


def test_the_domain_rule_and_its_escapes():
    """issue 14 finding 4: one rule for both sides; the client's escape is visible and keeps
    a printed report's own line breaks."""
    with pytest.raises(TextError, match=r"备注不能包含控制字符或双向文本控制符（第 3 个字符 U\+001B）"):
        check_text("ab\x1b[2J", "备注")
    assert check_text("财务部 2026", "名称") == "财务部 2026"
    assert escape_text("a\x1b[31mb\u202ec\n") == "a\\u001b[31mb\\u202ec\\u000a"
    assert escape_output("a\x07b\nc\u2066") == "a\\u0007b\nc\\u2066"
