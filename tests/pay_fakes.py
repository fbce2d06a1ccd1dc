"""A small in-memory tax side for the payment client's tests (issue 12): a pay list, agreements,
one bank account, keyed mutations remembered by key (``key_outcome``), and switches for the
faults the client must survive (offline, a lost reply)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from test_sync_push import Scripted

from sbtui import clock
from sbtui.domain.models import Agreement, DepositAccount, EmployerInfo, KeyOutcome, Session, PayLine, Payment, PaymentLine, PayTicket, Voucher
from sbtui.remote import errors as E


def pay_line(decl: str, n: int, amount: str, late_fee: str = "0.00", *, item: str = "110-u") -> PayLine:
    return PayLine(key=f"{decl}:{n}", declaration_id=decl, n=n, unit_number="150100000001", source="tax",
                   period_from="2026-11", period_to="2026-11", item=item, item_name="企业职工基本养老保险费",
                   type_name="企业职工基本养老保险", amount=Decimal(amount), deadline=date(2026, 11, 20),
                   days_late=13 if Decimal(late_fee) else 0, late_fee=Decimal(late_fee), as_of=clock.today())


class FakeBank(Scripted):
    """The tax side of payments, in memory."""

    def __init__(self, lines=(), *, balance="100000.00"):
        super().__init__()
        self.lines = {ln.key: ln for ln in lines}
        self.balance = Decimal(balance)
        self.outcomes: dict[str, KeyOutcome] = {}
        self.agreements_: dict[str, Agreement] = {}
        self.performs: list[tuple[str, str]] = []
        self.offline = False  # every call fails
        self.offline_before_perform = False  # perform fails before the service sees it
        self.lose_replies = 0  # perform applies, then the reply is lost
        self.key_outcome_offline = False
        self.in_flight = 0  # perform times out with its request still on the way: the service
        self.landing: list[tuple[str, dict, str]] = []  # sees it only after the next key_outcome
        self.tickets: set[str] = set()
        self.vouchers_: dict[str, Voucher] = {}
        self.payments_: list[Payment] = []
        self.verify_result: tuple[str, str | None] = ("验证通过", None)

    def _up(self):
        if self.offline:
            raise E.OfflineError("无法连接到服务：test", code="offline")

    async def health(self):
        self._up()
        return {"ok": True}

    async def login(self, uscc, password, *, username=None):
        self._up()
        self.token = "tok"
        return Session(token="tok", uscc=uscc, expires_at=clock.now() + timedelta(hours=1))

    async def aclose(self):
        return None

    async def employer_info(self):
        self._up()
        return EmployerInfo(uscc="91150100MA0N000001", name="演示单位", tax_authority="国家税务总局呼和浩特市税务局",
                            tax_branch="新城区税务局", region="nm", registration_type="有限责任公司", industry="软件",
                            address="呼和浩特")

    async def pay_list(self):
        self._up()
        return list(self.lines.values())

    async def authorize_payment(self, password):
        self._up()
        if password != "right":
            raise E.WrongPasswordError("申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。", code="20101",
                                       status=401)
        ticket = uuid.uuid4().hex
        self.tickets.add(ticket)
        return PayTicket(ticket=ticket, expires_at=clock.now() + timedelta(minutes=10))

    async def payments(self, *, date_from=None, date_to=None):
        self._up()
        return list(reversed(self.payments_))

    async def vouchers(self, *, date_from=None, date_to=None):
        self._up()
        return list(self.vouchers_.values())

    async def voucher(self, number):
        self._up()
        return self.vouchers_[number]

    async def deposit_accounts(self):
        self._up()
        return [DepositAccount(bank="中国工商银行", branch="呼和浩特新华支行", account="6222000011112222", name="演示单位")]

    async def agreements(self):
        self._up()
        for a in list(self.agreements_.values()):
            await self.agreement(a.id)
        return list(self.agreements_.values())

    async def agreement(self, agreement_id):
        self._up()
        a = self.agreements_.get(agreement_id)
        if a is None:
            raise E.RefusedError("三方协议不存在", code="not_found", status=404)
        if a.status == "验证中" and a.verify_at <= clock.now():
            status, reason = self.verify_result
            a = a.model_copy(update={"status": status, "reason": reason, "decided_at": clock.now()})
            self.agreements_[a.id] = a
        return a

    async def key_outcome(self, key):
        if self.offline or self.key_outcome_offline:
            raise E.OfflineError("无法连接到服务：test", code="offline")
        found = self.outcomes.get(key)
        for kind, payload, late_key in self.landing:  # the late request lands after this answer
            self.in_flight, lose = 0, self.lose_replies
            try:
                await self.perform(kind, payload, key=late_key)
            except E.ServiceError:
                pass
            self.lose_replies = lose
        self.landing.clear()
        return found

    async def perform(self, kind, payload, *, key):
        self._up()
        if self.offline_before_perform:
            raise E.OfflineError("无法连接到服务：test", code="offline")
        if self.in_flight:
            self.in_flight -= 1
            self.landing.append((kind, payload, key))
            raise E.OfflineError("连接服务超时：test", code="timeout")
        self.performs.append((kind, key))
        if key in self.outcomes:
            found = self.outcomes[key]
            if found.status_code >= 400:
                raise E.RefusedError(found.response["message"], code=found.response["code"], status=found.status_code)
            answer = {"status": found.status_code, "body": found.response, "replayed": True}
        else:
            try:
                status, body = 200, self._apply(kind, payload)
            except E.RefusedError as exc:
                status, body = exc.status, {"code": exc.code, "message": exc.message, "detail": {}}
            self.outcomes[key] = KeyOutcome(key=key, state="completed", method="POST", path=kind,
                                            status_code=status, response=body, created_at=clock.now())
            if status >= 400:
                raise E.RefusedError(body["message"], code=body["code"], status=status)
            answer = {"status": status, "body": body, "replayed": False}
        if self.lose_replies:
            self.lose_replies -= 1
            raise E.OfflineError("连接服务超时：test", code="timeout")
        return answer

    # -- the rules, shortly --------------------------------------------------------------------

    def _apply(self, kind, payload):
        body = payload.get("body") or {}
        if kind in ("payment.pay", "voucher.issue"):
            if body["ticket"] not in self.tickets:
                raise E.RefusedError("安全认证已过期，请重新输入申报密码", code="ticket_invalid", status=400)
            lines = []
            for k in body["lines"]:
                if k not in self.lines:
                    raise E.RefusedError("缴费信息不存在或已缴费", code="line_not_payable", status=400)
                lines.append(self.lines[k])
            amount = sum((ln.amount for ln in lines), Decimal("0.00"))
            late = sum((ln.late_fee for ln in lines), Decimal("0.00"))
            if Decimal(body["total"]) != amount + late:
                raise E.RefusedError(f"应缴金额已变化（现为{amount + late}元），请刷新后重新缴费", code="total_changed",
                                     status=400)
            plines = [PaymentLine(**{k: v for k, v in ln.model_dump().items() if k in PaymentLine.model_fields})
                      for ln in lines]
            if kind == "voucher.issue":
                number = f"V{len(self.vouchers_) + 1:05d}"
                v = Voucher(number=number, ticket_number=f"3{len(self.vouchers_):019d}", issued_on=clock.today(),
                            deadline=clock.today(), status="已开具", amount=amount, late_fee=late,
                            total=amount + late, lines=plines)
                self.vouchers_[number] = v
                for k in body["lines"]:
                    self.lines.pop(k)
                return v.model_dump(mode="json")
            a = self.agreements_.get(body["agreement_id"])
            status, reason = "缴费成功", None
            if a is None or a.status != "验证通过":
                status, reason = "缴费失败", "三方协议未验证或已撤销"
            elif self.balance < amount + late:
                status, reason = "缴费失败", "余额不足"
            if status == "缴费成功":
                self.balance -= amount + late
                for k in body["lines"]:
                    self.lines.pop(k)
                plines = [p.model_copy(update={"ticket_number": "1" * 20, "booked_on": clock.today()}) for p in plines]
            p = Payment(id=f"PAY{len(self.payments_) + 1}", agreement_id=body["agreement_id"], status=status,
                        reason=reason, amount=amount, late_fee=late, total=amount + late, paid_at=clock.now(),
                        lines=plines)
            self.payments_.append(p)
            return p.model_dump(mode="json")
        if kind == "voucher.void":
            v = self.vouchers_[payload["number"]]
            if v.status == "已入库":
                raise E.RefusedError(f"作废失败，税票号码{v.ticket_number}已经入库，不能进行此操作", code="voucher_booked",
                                     status=400)
            v = v.model_copy(update={"status": "已作废", "voided_at": clock.now()})
            self.vouchers_[v.number] = v
            return v.model_dump(mode="json")
        if kind == "agreement.add":
            if body["batch"] and any(a.batch and a.status != "协议终止" for a in self.agreements_.values()):
                raise E.RefusedError("单位允许银行代扣的协议只有一个", code="batch_exists", status=400)
            ident = f"A{len(self.agreements_) + 1:04d}"
            a = Agreement(id=ident, status="未验证", created_at=clock.now(), **body)
            self.agreements_[ident] = a
            return a.model_dump(mode="json")
        ident = payload["agreement_id"]
        a = self.agreements_[ident]
        if kind == "agreement.modify":
            a = a.model_copy(update={**body, "status": "未验证", "reason": None})
        elif kind == "agreement.verify":
            a = a.model_copy(update={"status": "验证中", "verify_at": clock.now() + timedelta(seconds=0)})
        elif kind == "agreement.revoke" and a.status != "验证通过":
            raise E.RefusedError("只有验证通过的协议可以撤销", code="not_verified", status=400)
        else:
            a = a.model_copy(update={"status": "协议终止"})
        self.agreements_[ident] = a
        return a.model_dump(mode="json")
