"""Wire and domain models shared by the client, the local store and the sandbox service.

Everything here is pure data (pydantic v2). Money is ``Decimal`` and travels as a string
("8888.00") so that no float ever touches it. Periods are ``YYYY-MM`` strings; the open end
of a wage period is ``2099-12`` (SPEC W9).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from typing_extensions import TypedDict

OPEN_END = "2099-12"

AgencySystem = Literal["enterprise", "institution", "medical"]
EmployeeStatus = Literal["normal", "stopped"]  # 正常缴费 / 停止缴费
Role = Literal["admin", "all", "pay"]  # 单位密码登录 / 全部功能 / 缴费


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="ignore")


class EmployerRecord(_Model):
    """The employer as the tax side has it registered (SPEC L2)."""

    uscc: str
    name: str
    tax_authority: str  # 主管税务机关
    tax_branch: str  # 主管税务所(科、分局)
    status: str = "正常"  # 登记状态
    region: str  # region profile id, e.g. "nm"


class UnitRegistration(_Model):
    """One registration of the employer at an insurance agency (SPEC L2, L6, E8)."""

    unit_number: str  # 单位编号
    agency: str  # 社保经办机构 / 医保经办机构 name
    agency_system: AgencySystem
    tax_authority: str
    payer_type: str = "单位缴费人"  # 缴费人类型
    insurance_types: list[str]  # type codes (SPEC W1), e.g. ["110", "210", "410"]
    status: str = "正常"


class Registration(_Model):
    """An employee's registration under one of the employer's unit numbers (SPEC E1, E3)."""

    unit_number: str
    agency: str
    agency_system: AgencySystem
    person_number: str  # 人员编号 at that agency
    insurance_types: list[str]


class WagePeriod(_Model):
    """One period of an employee's contribution wage for one insurance type (SPEC W9)."""

    type: str  # insurance type code, e.g. "110"
    wage: Decimal
    period_from: str  # YYYY-MM
    period_to: str = OPEN_END


class Employee(_Model):
    """An employee in the registry (SPEC E1)."""

    id: str  # the service's stable id
    name: str
    id_type: str = "201"  # 201 居民身份证
    id_number: str
    status: EmployeeStatus = "normal"
    group_id: str | None = None
    registrations: list[Registration] = Field(default_factory=list)
    wages: list[WagePeriod] = Field(default_factory=list)
    added_on: date
    changed_on: date
    seq: int = 0  # the service's change sequence number of this row

    @property
    def unit_numbers(self) -> list[str]:
        return [r.unit_number for r in self.registrations]

    @property
    def insured_types(self) -> list[str]:
        seen: list[str] = []
        for r in self.registrations:
            for t in r.insurance_types:
                if t not in seen:
                    seen.append(t)
        return sorted(seen)


    def to_doc(self) -> EmployeeDoc:
        """This employee as its wire/storage document."""
        return self.model_dump(mode="json")  # type: ignore[return-value]


# -- Registry documents ---------------------------------------------------------------------
# The same shapes as Employee / Registration / WagePeriod, as validated plain dicts. Registry
# pages carry up to 5,000 employees each and a full download 100,000: pydantic validates
# TypedDicts ~2.4× faster than it builds model instances, and the local store keeps these
# documents as they are. tests/test_domain_models.py keeps the two definitions in step.

MoneyText = Annotated[str, StringConstraints(pattern=r"^-?\d+(\.\d{1,2})?$")]
PeriodText = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
DateText = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class RegistrationDoc(TypedDict):
    unit_number: str
    agency: str
    agency_system: AgencySystem
    person_number: str
    insurance_types: list[str]


class WagePeriodDoc(TypedDict):
    type: str
    wage: MoneyText
    period_from: PeriodText
    period_to: PeriodText


class EmployeeDoc(TypedDict):
    id: str
    name: str
    id_type: str
    id_number: str
    status: EmployeeStatus
    group_id: str | None
    registrations: list[RegistrationDoc]
    wages: list[WagePeriodDoc]
    added_on: DateText
    changed_on: DateText
    seq: int


class Group(_Model):
    """An employee group; at most three levels (SPEC E4)."""

    id: str
    name: str
    parent_id: str | None = None


class Session(_Model):
    """What a successful login returns."""

    token: str
    role: Role = "admin"
    must_change_password: bool = False
    expires_at: datetime
    uscc: str
    username: str | None = None


class SessionInfo(_Model):
    """Who the current token speaks for (``GET /session``)."""

    uscc: str
    name: str  # the employer's name
    role: Role
    username: str | None = None  # None: logged in with the employer password (管理员)
    must_change_password: bool = False
    expires_at: datetime


UserPermission = Literal["all", "pay"]  # 全部功能 / 缴费
UserStatus = Literal["normal", "disabled"]  # 正常 / 停用


class User(_Model):
    """A sub-user of the employer (SPEC U1, 用户管理)."""

    username: str
    permission: UserPermission
    status: UserStatus = "normal"
    remark: str = ""
    must_change_password: bool = True  # initial password = the user name, until changed
    locked_until: datetime | None = None  # after three wrong passwords (SPEC L4)
    created_at: datetime


class EmployerInfo(EmployerRecord):
    """单位信息 (SPEC U2): the tax registration of the employer and its unit registrations."""

    registration_type: str  # 登记注册类型
    industry: str  # 行业
    address: str  # 生产经营地址
    registrations: list[UnitRegistration] = Field(default_factory=list)


TodoKind = Literal["tax_generated", "unpaid", "collection", "special"]


class TodoItem(_Model):
    """One 待办事项 of the home page (SPEC H2): undeclared tax-generated dues of a unit number
    and period, declared unpaid dues, undeclared collection notices or special dues."""

    kind: TodoKind
    text: str  # the line the home page shows
    count: int = 1
    amount: Decimal | None = None  # None: not known yet (e.g. before preprocessing)
    unit_number: str | None = None
    period: str | None = None  # YYYY-MM, for tax_generated and unpaid


class Notice(_Model):
    """A 通知公告 (kind ``notice``) or a 消息中心 message (kind ``message``) (SPEC H4)."""

    id: str
    kind: Literal["notice", "message"] = "notice"
    title: str
    date: date
    body: str


class Message(Notice):
    """A message of the 消息中心 with its read flag (per employer)."""

    kind: Literal["notice", "message"] = "message"
    read: bool = False


class RegistryPage(_Model):
    """One page of the full registry download, in employee-id order (keyset paging)."""

    items: list[EmployeeDoc]
    next_after: str | None  # pass as ``after`` for the next page; None = last page
    cursor: int  # the change cursor at the time of this page: pull changes since it afterwards
    total: int


class ChangesPage(_Model):
    """Registry changes since a cursor, in change order."""

    items: list[EmployeeDoc]
    cursor: int  # the cursor after the last item of this page
    has_more: bool


class KeyOutcome(_Model):
    """What the service remembers about one idempotency key."""

    key: str
    state: Literal["running", "completed"]
    method: str
    path: str
    status_code: int | None = None
    response: dict | list | None = None
    created_at: datetime


# -- Wage declaration (SPEC W7–W9, W12) -------------------------------------------------------

WageDeclarationStatus = Literal["processing", "done"]  # 处理中 / 已反馈
WageDeclarationSummary = Literal["全部申报成功", "部分成功", "全部失败"]


class WageItemResult(_Model):
    """The service's verdict on one insurance type of one declared row."""

    type: str  # insurance type code, e.g. "110"
    ok: bool  # the item itself passed (it is applied only when the whole row is accepted)
    reason: str | None = None


class WageRowResult(_Model):
    """The service's verdict on one employee of a wage declaration (SPEC W8, W12)."""

    employee_id: str
    id_number: str
    name: str
    ok: bool  # accepted: every item passed and the new wages were applied
    reason: str | None = None  # a refused row: the first item's reason
    items: list[WageItemResult] = Field(default_factory=list)


class WageDeclaration(_Model):
    """One 缴费工资申报 submission and its feedback (SPEC W8, W12). ``results`` is present only
    when ``status`` is ``done`` and the declaration was read by id (never in the list)."""

    id: str  # e.g. "WD0000001", per employer
    status: WageDeclarationStatus
    submitted_at: datetime
    feedback_at: datetime  # when the feedback is (or was) due
    rows: int
    accepted: int = 0  # 0 while processing
    refused: int = 0
    summary: WageDeclarationSummary | None = None  # None while processing
    results: list[WageRowResult] | None = None


# -- Fee declaration: dues (SPEC D1, D2, D11) ---------------------------------------------------

DueSource = Literal["tax", "collection", "special", "project"]  # 税务生成 / 征集信息 / 特殊缴费 / 工程项目
DueStatus = Literal["初始", "申报中", "申报成功", "销账", "批扣清册生成"]  # SPEC D11


class DueLine(_Model):
    """One line of the 日常申报 list: a tax-generated sum per unit number × period × item
    (``source`` ``tax``), or a collection notice's item (``collection``: ``serial`` set, no
    headcount, totals or rate, and no per-employee detail), or a special due (``special``,
    SPEC D9: serial, ``valid_until``, ``remark``), or a construction project's work-injury due
    (``project``, SPEC D10: ``project_id``, serial, ``valid_until``, base and rate).

    ``key`` names the line uniquely (what a declaration lists); ``tick`` is its D3 tick unit:
    every line of one tick must be declared together. Keys and ticks are built by
    :func:`due_key` / :func:`due_tick` on both sides."""

    source: DueSource
    key: str = ""  # unique line id, see due_key()
    tick: str = ""  # D3 tick unit, see due_tick()
    serial: str | None = None  # 征集通知流水号 (collection, special, project)
    unit_number: str
    agency: str = ""
    period_from: str  # 费款所属期起 YYYY-MM
    period_to: str
    item: str  # catalogue item id, e.g. "110-u"
    item_name: str  # 征收品目, e.g. 职工基本养老保险(单位缴纳)
    type_code: str = ""
    headcount: int | None = None
    wage_total: Decimal | None = None
    base_total: Decimal | None = None
    rate: str | None = None  # as printed, "16%"; None for a fixed item or a collection line
    fixed: Decimal | None = None  # the fixed monthly amount per employee of a fixed item
    due: Decimal  # 应缴费额
    reduction: Decimal = Decimal("0.00")  # 减免金额; 应补(退)费额 = due − reduction
    max_offset: Decimal = Decimal("0.00")  # 最大可抵缴金额 (SPEC D5); 0 without a verified credit
    status: str = "初始"  # DueStatus
    generated_at: datetime | None = None  # 核定生成日期 (tax lines)
    deadline: date | None = None  # 征期: the last day to pay without a late fee (SPEC D12)
    late_fee: Decimal = Decimal("0.00")  # 滞纳金 accrued as of the service's today (SPEC D12)
    valid_until: date | None = None  # 征集有效日期 (special, project): expired → not declarable
    remark: str = ""  # 备注 (special: printed on the certificate, SPEC D9)
    project_id: str | None = None  # 工程项目ID (project)
    declaration_id: str | None = None  # the declaration holding it, once not 初始

    @property
    def payable(self) -> Decimal:
        """应补(退)费额."""
        return self.due - self.reduction


def due_key(source: str, unit_number: str, period_from: str, item: str,
            serial: str | None = None) -> str:
    """The unique key of a dues line: ``t|unit|period|item`` for a tax line,
    ``{c,s,p}|unit|serial|item`` for a collection notice, special due or project due."""
    if source == "tax":
        return f"t|{unit_number}|{period_from}|{item}"
    return f"{source[0]}|{unit_number}|{serial}|{item}"


def due_tick(source: str, unit_number: str, period_from: str, period_to: str, type_code: str,
             serial: str | None = None) -> str:
    """SPEC D3 tick unit: collection (and special, project) lines with the same unit number +
    serial are one tick; tax lines with the same period range + 征收项目 (insurance type: its
    unit and individual parts together) + unit number are one tick."""
    if source == "tax":
        return f"t|{unit_number}|{period_from}|{period_to}|{type_code}"
    return f"{source[0]}|{unit_number}|{serial}"


class DueDetailLine(_Model):
    """One employee's part of a tax-generated line (职工预处理明细)."""

    employee_id: str
    id_number: str
    name: str
    person_number: str | None = None
    wage: Decimal
    base: Decimal
    rate: str | None = None
    fixed: Decimal | None = None
    due: Decimal


DeclarationKind = Literal["daily", "special", "project"]  # 日常申报 / 特殊缴费申报 / 工程项目社保费申报
# 申报中 → 申报成功 | 申报失败 (feedback); 申报成功 → 作废中 → 已作废 (void, SPEC D8)
DeclarationStatus = Literal["申报中", "申报成功", "申报失败", "作废中", "已作废"]
PaymentStatus = Literal["未缴费", "部分缴费", "已缴费"]


class DeclarationLine(_Model):
    """One declared line (a copy of the dues line at submit time, with its offset)."""

    n: int  # 序号, from 1
    key: str
    source: DueSource
    serial: str | None = None
    unit_number: str
    agency: str = ""
    period_from: str
    period_to: str
    item: str
    item_name: str  # 征收品目
    type_code: str = ""
    type_name: str = ""  # 参保费种 / 征收项目, e.g. 企业职工基本养老保险费
    headcount: int | None = None
    wage_total: Decimal | None = None
    base_total: Decimal | None = None
    rate: str | None = None
    fixed: Decimal | None = None
    due: Decimal  # 应缴费额
    reduction: Decimal = Decimal("0.00")  # 减免金额
    payable: Decimal  # 应补(退)费额 = due − reduction
    offset: Decimal = Decimal("0.00")  # 抵缴金额
    actual: Decimal  # 实际缴纳(费额) = payable − offset
    remark: str = ""
    project_id: str | None = None


class Declaration(_Model):
    """One 社保费申报 (SPEC D6–D8): its status, totals and (read by id) its lines."""

    id: str
    kind: DeclarationKind = "daily"
    unit_number: str
    agency: str = ""
    status: DeclarationStatus
    submitted_at: datetime  # 申报日期
    feedback_at: datetime | None = None  # when the service answers the submit or the void
    decided_at: datetime | None = None
    message: str | None = None  # the feedback text: 申报成功 …, a refusal reason, 作废成功
    line_count: int = 0
    headcount: int = 0  # 缴费人数 (sum over the tax lines)
    base_total: Decimal = Decimal("0.00")
    due_total: Decimal = Decimal("0.00")
    offset_total: Decimal = Decimal("0.00")
    actual_total: Decimal = Decimal("0.00")  # 实际缴纳合计
    paid: Decimal = Decimal("0.00")  # 已缴金额
    payment_status: PaymentStatus = "未缴费"
    voided_at: datetime | None = None
    lines: list[DeclarationLine] = Field(default_factory=list)  # only when read by id


class DeclarationEmployee(_Model):
    """One employee × line of a declaration: a row of 《社会保险费缴费明细申报表（适用职工个人）》."""

    line: int  # DeclarationLine.n
    name: str
    id_type: str = "居民身份证"
    id_number: str
    agency: str = ""
    unit_number: str
    person_number: str | None = None
    type_name: str  # 参保费种
    item_name: str  # 征收品目
    period_from: str
    period_to: str
    wage: Decimal
    base: Decimal
    rate: str | None = None
    fixed: Decimal | None = None
    due: Decimal


class Credit(_Model):
    """A verified credit balance (可抵缴余额, SPEC D5) of a unit number for one item."""

    unit_number: str
    item: str
    item_name: str
    amount: Decimal  # what is left to offset
    verified: bool = True


class Project(_Model):
    """A construction project's work-injury registration (SPEC D10, manual 000 §3.3.1)."""

    project_id: str  # 工程项目ID
    name: str  # 工程项目名称
    contract_number: str  # 工程合同编号
    agency: str  # 社保经办机构
    unit_number: str
    region: str  # 项目所在地行政区划
    contact: str  # 联系人 and 联系电话
    address: str = ""  # 项目地址
    start_date: date
    end_date: date
    rate: str  # 缴费比例, e.g. "0.001"
    total_cost: Decimal  # 工程总价
    contract_amount: Decimal  # 合同金额
    linked: bool = False
    tax_authority: str | None = None  # 主管税务机关, once linked
    tax_branch: str | None = None  # 主管税务所（科、分局）
    linked_at: datetime | None = None


# -- Payment and three-party agreements (SPEC P1–P5, A1, D12) ----------------------------------

PayMethod = Literal["tips", "voucher"]  # 三方协议缴费 / 银行端凭证缴费
AgreementState = Literal["未验证", "验证中", "验证通过", "验证失败", "协议终止"]
PaymentState = Literal["缴费成功", "缴费失败"]
VoucherState = Literal["已开具", "已入库", "已作废"]


class PayLine(_Model):
    """One line of the pay list (SPEC P1, D12): a line of a 申报成功 declaration that is neither
    paid nor on an open voucher, with its late fee as of ``as_of`` (the service's today)."""

    key: str  # "{declaration_id}:{n}" — what a payment or voucher names
    declaration_id: str
    n: int  # the DeclarationLine.n
    unit_number: str
    agency: str = ""
    source: DueSource
    serial: str | None = None
    period_from: str
    period_to: str
    item: str
    item_name: str  # 征收品目
    type_name: str = ""  # 征收项目 / 参保费种
    amount: Decimal  # the line's 实际缴纳 (DeclarationLine.actual)
    deadline: date  # 缴款期限 (the line's collection deadline)
    days_late: int = 0
    late_fee: Decimal = Decimal("0.00")  # 滞纳金 as of ``as_of`` (D12: 0.05 % a day, per line)
    as_of: date


class PayTicket(_Model):
    """安全认证: what the declaration password (a sub-user: its own password) buys for a few
    minutes; a payment or a voucher names it instead of carrying the password."""

    ticket: str
    expires_at: datetime


class DepositAccount(_Model):
    """A bank account: the employer's 缴费人存款账户 (no ``balance``) or, in the sandbox's
    training controls, an account of the sandbox bank (with ``balance``)."""

    bank: str  # 银行行别
    branch: str = ""  # 开户网点
    account: str  # 账号
    name: str  # 账户名称
    balance: Decimal | None = None


class Agreement(_Model):
    """A three-party agreement (单位三方协议, SPEC A1)."""

    id: str  # 协议书号 (given by the service)
    batch: bool = False  # 费批扣 (True) / 费非批扣
    tax_authority: str  # 所属税务机关
    region: str  # 行政区划 code (GB/T 2260)
    region_name: str = ""
    bank: str  # 银行行别
    branch: str  # 开户网点
    account_name: str  # 账户名称
    account: str  # 缴费账号
    status: AgreementState
    reason: str | None = None  # why verification failed (缴款单位名称不一致 …)
    created_at: datetime
    verify_at: datetime | None = None  # when the bank answers a pending verification
    decided_at: datetime | None = None


class PaymentLine(_Model):
    """One paid (or to-be-paid) line of a payment or voucher, with its late fee; once in the
    treasury, its 电子税票号码 and 入库日期 (certificates need them)."""

    key: str  # the PayLine key
    declaration_id: str
    n: int
    unit_number: str
    period_from: str
    period_to: str
    item: str
    item_name: str
    type_name: str = ""
    amount: Decimal
    late_fee: Decimal = Decimal("0.00")
    ticket_number: str | None = None  # 电子税票号码
    booked_on: date | None = None  # 入库日期


class Payment(_Model):
    """A TIPS debit through a three-party agreement (SPEC P2, P4): 缴费成功 or 缴费失败 with
    the bank's reason (a failed one changed nothing)."""

    id: str
    method: PayMethod = "tips"
    agreement_id: str | None = None
    bank: str = ""
    account: str = ""
    account_name: str = ""
    status: PaymentState
    reason: str | None = None
    amount: Decimal  # the dues
    late_fee: Decimal = Decimal("0.00")
    total: Decimal  # amount + late_fee
    paid_at: datetime
    lines: list[PaymentLine] = Field(default_factory=list)


class Voucher(_Model):
    """《银行端查询缴税凭证》 (SPEC P3): its lines leave the pay list while it is 已开具; the
    bank collecting it books them (已入库); voiding returns them."""

    number: str  # 凭证序号
    ticket_number: str  # 税票号码
    issued_on: date  # 填开日期
    deadline: date  # 限缴日期
    status: VoucherState
    payer_name: str = ""  # 付款人名称
    bank: str = ""  # 开户银行
    account: str = ""  # 账号
    tax_authority: str = ""
    amount: Decimal
    late_fee: Decimal = Decimal("0.00")
    total: Decimal
    booked_on: date | None = None
    voided_at: datetime | None = None
    lines: list[PaymentLine] = Field(default_factory=list)


CertificateMode = Literal["separate", "merged"]


class CertificateRow(_Model):
    """One row of 税收完税证明（非印刷） (SPEC C1): 原凭证号 | 税种 | 品目名称 | 税款所属时期 |
    入(退)库日期 | 实缴(退)金额; ``keys`` are the paid lines (PaymentLine keys) it covers."""

    ticket_number: str  # 原凭证号 (the 电子税票号码)
    tax_type: str  # 税种 (征收项目)
    item_name: str  # 品目名称 (征收品目, or 滞纳金)
    period_from: str
    period_to: str
    booked_on: date  # 入(退)库日期
    amount: Decimal  # 实缴(退)金额
    keys: list[str] = Field(default_factory=list)


class Certificate(_Model):
    """税收完税证明（非印刷） (SPEC C1, C2): issued once per paid record (separate) or for joined
    lines (merged); 补开 prints it again with ``print_count`` one higher."""

    number: str  # No.
    issued_on: date  # 填发日期
    mode: CertificateMode
    tax_authority: str  # 税务机关
    uscc: str  # 纳税人识别号
    taxpayer_name: str  # 纳税人名称
    rows: list[CertificateRow] = Field(default_factory=list)
    total: Decimal  # 金额合计
    remark: str = ""  # 备注 (a special due's remark, D9)
    print_count: int = 1  # 第 N 次打印
    code: str  # 验证码 (查验, C3)
    issuer: str = ""  # 填票人


class CertificateCheck(_Model):
    """查验 (SPEC C3): genuine or not; what a genuine one covers (never an error)."""

    genuine: bool
    number: str | None = None
    issued_on: date | None = None
    uscc: str | None = None
    taxpayer_name: str | None = None
    total: Decimal | None = None
    print_count: int | None = None
    rows: list[CertificateRow] = Field(default_factory=list)


# -- Refunds (SPEC R1–R3; manual 000 §4.3) ------------------------------------------------------

RefundKind = Literal["ticket", "employee"]  # 税票退费 (R1) / 职工明细退费 (R2)
RefundState = Literal["受理中", "核验通过", "核验不通过", "已退库"]
PaidLineKind = Literal["fee", "late_fee"]  # 费款 / 滞纳金


class PaidLine(_Model):
    """One employee's booked (paid and 入库) part of one declaration line — a row of the
    职工明细退费 query (SPEC R2), and what 单位缴费证明 / 职工缴费证明 (SPEC C4) are made of.

    ``kind`` ``fee``: the employee's due on that line as paid (``paid``) on ``base``.
    ``kind`` ``late_fee``: the 滞纳金 paid with it (D12, per employee on the fee's ``paid``,
    the day count of the payment; the line's rounding cent, if any, on its last employee), its
    ``base`` is the fee it accrued on (the seed's table shows 1,280.00 there) and ``fee_key``
    names that fee line. Only tax-generated lines have employees; collection notices and
    special dues are refunded whole by ticket (R1, :class:`PaidRecord`).

    ``refunded`` is what refund applications not refused (受理中 / 核验通过 / 已退库) take from it;
    a line with ``refunded`` > 0 cannot be asked for again (``refundable`` False)."""

    key: str  # "{declaration_id}:{n}:{employee_id}", a late fee "…:L"
    kind: PaidLineKind
    fee_key: str | None = None  # late_fee: the key of its fee line
    declaration_id: str
    n: int  # DeclarationLine.n
    unit_number: str
    agency: str = ""
    employee_id: str
    person_number: str | None = None
    name: str
    id_type: str = "居民身份证"  # 证件类型, as the official client prints it
    id_number: str
    type_code: str = ""  # insurance type code, e.g. "110"
    type_name: str = ""  # 征收项目 / 参保费种, e.g. 企业职工基本养老保险费
    item: str  # catalogue item id, e.g. "110-u"
    item_name: str  # 征收品目, e.g. 职工基本养老保险(单位缴纳); a late fee: the same
    voucher_kind: str = "单位社保费日常申报"  # 应凭证种类
    period_from: str  # 费款所属期 YYYY-MM (one month for tax lines)
    period_to: str
    wage: Decimal | None = None  # 缴费工资 (fee)
    base: Decimal  # 缴费基数 (fee) / the fee amount it accrued on (late_fee)
    rate: str | None = None  # "16%"; None for a fixed item or a late fee
    paid: Decimal  # 实缴金额 (应缴金额 column of the seed's table)
    ticket_number: str  # 电子税票号码
    booked_on: date  # 入库日期
    refunded: Decimal = Decimal("0.00")  # taken by refund applications not refused
    refundable: bool = True


class PaidRecord(_Model):
    """One 已缴款记录 of 税票退费 (SPEC R1): everything booked under one 电子税票号码 for one
    unit number, refunded whole or not at all (meant for collection notices and special dues,
    which have no employee detail). ``lines`` are its PaymentLines."""

    ticket_number: str  # 电子税票号码
    unit_number: str
    agency: str = ""
    booked_on: date  # 入库日期
    sources: list[str] = Field(default_factory=list)  # DueSource of its lines
    serials: list[str] = Field(default_factory=list)  # 征集通知流水号 of collection/special lines
    items: str = ""  # its 征收品目, joined with "、"
    period_from: str
    period_to: str
    amount: Decimal  # the dues
    late_fee: Decimal = Decimal("0.00")
    total: Decimal  # amount + late_fee: what a 税票退费 gives back
    refunded: Decimal = Decimal("0.00")  # taken by refund applications not refused
    refundable: bool = True  # False once any of its lines is in an application not refused
    lines: list[PaymentLine] = Field(default_factory=list)


class RefundAccount(_Model):
    """退费账户: where the agency sends the money (SPEC R3)."""

    name: str  # 退费银行账户名称
    bank: str  # 退费银行 (银行行别)
    account: str  # 退费银行账户, 6–32 digits


class RefundHandler(_Model):
    """办理人信息 (SPEC R3)."""

    name: str  # 办理人姓名
    id_type: str = "201"  # 身份证件类型 code (vocab.ID_TYPES); 201 居民身份证 has a check digit
    id_number: str  # 证件号码
    phone: str  # 联系电话 (a mobile number)


class RefundLine(_Model):
    """One line of a refund application: a per-employee paid line (R2: ``adjusted_base`` set
    on a fee line) or a paid line of a whole ticket (R1: ``key`` the PaymentLine key, a late
    fee ``…:L``). ``amount`` is what it gives back."""

    key: str
    kind: PaidLineKind
    declaration_id: str
    n: int
    unit_number: str
    ticket_number: str
    booked_on: date
    name: str = ""  # R2: the employee
    id_number: str = ""
    item: str
    item_name: str
    type_name: str = ""
    period_from: str
    period_to: str
    paid: Decimal
    base: Decimal | None = None  # R2: the paid base (fee) / the fee it accrued on (late_fee)
    adjusted_base: Decimal | None = None  # R2 fee lines: 调整后缴费基数 as typed
    amount: Decimal  # 退费金额


class Refund(_Model):
    """单位退费申请 (SPEC R1–R3): 受理中 until the agency answers (``decide_at``, read like a
    declaration's feedback) → 核验通过 or 核验不通过 (``reason``) → 已退库 (``refunded_on``,
    the money credited to ``account``). A refused application frees its lines."""

    id: str  # e.g. "TF0000001", per employer
    kind: RefundKind
    status: RefundState
    reason: str | None = None  # 核验不通过: why
    cause: str  # 退费原因
    explanation: str  # 退费申请理由
    account: RefundAccount
    handler: RefundHandler
    total: Decimal  # 退费金额合计
    submitted_at: datetime
    decide_at: datetime | None = None  # when the next step (decision, then 退库) is due
    decided_at: datetime | None = None
    refunded_on: date | None = None  # 退库日期
    unit_numbers: list[str] = Field(default_factory=list)
    tickets: list[str] = Field(default_factory=list)  # 电子税票号码 covered
    lines: list[RefundLine] = Field(default_factory=list)
