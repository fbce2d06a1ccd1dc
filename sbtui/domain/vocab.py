"""The shared words (STYLE "One word, one meaning"): every state, status and role the store, the
service, the CLI and the TUI pass around is one :class:`~enum.StrEnum` here, and :func:`label`
is the one table of the Chinese words printed for them.

Two kinds of enum:

* **codes** (``OutboxState``, ``Role``, ``EmployeeStatus`` …): the value is the English code the
  store and the wire keep (``"queued"``, ``"admin"``, ``"stopped"``); the label is in
  :data:`LABELS`.
* **words** (``DeclarationStatus``, ``DueStatus`` …): the value *is* the official client's Chinese
  word, as the store and the wire keep it (``"申报成功"``); the label is the value.

Both are ``str`` subclasses, so a member equals the stored text (``DueStatus.INITIAL == "初始"``),
goes into SQL parameters and JSON unchanged, and ``"admin" in STAFF`` is true. Nothing here
imports Textual or does IO.
"""
from __future__ import annotations

from enum import StrEnum


# -- the outbox (SPEC §1) -----------------------------------------------------------------------

class OutboxState(StrEnum):
    """An outbox item: ``queued`` → ``sent`` (a request was started) → ``confirmed`` or ``refused``."""

    QUEUED = "queued"
    SENT = "sent"
    CONFIRMED = "confirmed"
    REFUSED = "refused"


OUTBOX_PENDING: tuple[OutboxState, ...] = (OutboxState.QUEUED, OutboxState.SENT)
"""Not answered yet: a ``sent`` item is sent again, with its key, until the service answers."""
OUTBOX_PENDING_LABEL = "待确认"
"""What the status bar, the 待发送队列 filter and ``sbtui sync`` call ``queued`` + ``sent``."""


# -- users (SPEC U1, L4) ------------------------------------------------------------------------

class Role(StrEnum):
    """Who is logged in: the employer's password (单位密码登录 → administrator) or a sub-user
    with the permission 全部功能 or 缴费."""

    ADMIN = "admin"
    ALL = "all"
    PAY = "pay"


ADMIN_ONLY: frozenset[Role] = frozenset({Role.ADMIN})
"""用户管理."""
STAFF: frozenset[Role] = frozenset({Role.ADMIN, Role.ALL})
"""Everything but the payment family: 全部功能 and the administrator."""
EVERYONE: frozenset[Role] = frozenset(Role)
"""The payment family (SPEC P5): every role."""
PERMISSIONS: tuple[Role, ...] = (Role.ALL, Role.PAY)
"""What a sub-user may be given (用户管理's 功能权限)."""


class UserStatus(StrEnum):
    """A sub-user (用户状态)."""

    NORMAL = "normal"
    DISABLED = "disabled"


# -- employees (SPEC E1) ------------------------------------------------------------------------

class EmployeeStatus(StrEnum):
    """An employee's 参保状态."""

    NORMAL = "normal"
    STOPPED = "stopped"


class EmployeeChange(StrEnum):
    """How an employee changed in a registry update (本月更新数据, SPEC E5/E6)."""

    ADDED = "added"
    CHANGED = "changed"
    STOPPED = "stopped"


# -- wage declaration (SPEC W8, W12) ------------------------------------------------------------

class WageResult(StrEnum):
    """One row of the 职工工资编辑区 after a submit: waiting, accepted or refused by the service."""

    QUEUED = "queued"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class WageSubmissionState(StrEnum):
    """A wage submission (申报记录): queued here, sent, waiting for feedback, feedback in."""

    QUEUED = "queued"
    SENT = "sent"
    PROCESSING = "processing"
    DONE = "done"


class WageSummary(StrEnum):
    """The result of a wage submission once its feedback is in (W8)."""

    ALL_OK = "全部申报成功"
    SOME_OK = "部分成功"
    NONE_OK = "全部失败"


# -- fee declaration (SPEC D7, D8, D11) ---------------------------------------------------------

class DeclarationStatus(StrEnum):
    """A fee declaration. ``待发送`` is local only (its outbox item is not answered yet); the
    service's are the others."""

    QUEUED = "待发送"
    PROCESSING = "申报中"
    OK = "申报成功"
    FAILED = "申报失败"
    VOIDING = "作废中"
    VOIDED = "已作废"


DECLARATION_UNSETTLED: tuple[DeclarationStatus, ...] = (DeclarationStatus.PROCESSING,
                                                       DeclarationStatus.VOIDING)
"""Waiting for the service's feedback (submit or void)."""
DECLARATION_PENDING: tuple[DeclarationStatus, ...] = (DeclarationStatus.QUEUED, *DECLARATION_UNSETTLED)
"""Not final yet: to send, or waiting for feedback."""


class PaymentStatus(StrEnum):
    """How much of a declaration is paid (缴费状态)."""

    UNPAID = "未缴费"
    PARTLY = "部分缴费"
    PAID = "已缴费"


class DueStatus(StrEnum):
    """A dues line's 数据处理状态 (SPEC D11)."""

    INITIAL = "初始"
    DECLARING = "申报中"
    DECLARED = "申报成功"
    SETTLED = "销账"
    BATCH_LISTED = "批扣清册生成"


class AgreementStatus(StrEnum):
    """A three-party agreement (SPEC A1)."""

    UNVERIFIED = "未验证"
    VERIFYING = "验证中"
    VERIFIED = "验证通过"
    REFUSED = "验证失败"
    ENDED = "协议终止"


class PaymentResult(StrEnum):
    """A TIPS debit (SPEC P2)."""

    OK = "缴费成功"
    FAILED = "缴费失败"


class VoucherStatus(StrEnum):
    """A 银行端查询缴税凭证 (SPEC P3)."""

    ISSUED = "已开具"
    BOOKED = "已入库"
    VOIDED = "已作废"


class ReconcileGap(StrEnum):
    """A gap the 对账 view flags on a unit number × period (SPEC Q1; sbtui's own view): dues →
    declared → paid → certificate issued, and what was given back."""

    UNDECLARED = "有应缴未申报"
    DECLARING = "申报中"
    OVERDUE = "已申报未缴费（已过缴款期限）"
    ON_VOUCHER = "凭证已开具未入库"
    MISMATCH = "缴费金额与申报不符"
    UNCERTIFIED = "已缴费未开具完税证明"
    REFUNDING = "退费申请中"
    REFUNDED = "已退费"


class PayMethod(StrEnum):
    """How the ticked lines are paid (SPEC P1)."""

    TIPS = "tips"
    VOUCHER = "voucher"


class RefundStatus(StrEnum):
    """单位退费申请 (SPEC R3): 受理中 → 核验通过 / 核验不通过 (with a reason) → 已退库."""

    ACCEPTED = "受理中"
    VERIFIED = "核验通过"
    REFUSED = "核验不通过"
    REFUNDED = "已退库"


REFUND_LIVE: tuple[RefundStatus, ...] = (RefundStatus.ACCEPTED, RefundStatus.VERIFIED,
                                         RefundStatus.REFUNDED)
"""The states whose lines count as refunded (a refused application frees its lines)."""


class RefundKind(StrEnum):
    """退费方式 (SPEC R1, R2)."""

    TICKET = "ticket"
    EMPLOYEE = "employee"


class PaidLineKind(StrEnum):
    """A paid line of 职工明细退费: the fee or the late fee paid with it (SPEC R2, D12)."""

    FEE = "fee"
    LATE_FEE = "late_fee"


# 退费原因 (SPEC R3; manual 000 §4.3: "因错误多报职工缴费工资、延迟办理职工离职的原因造成了多缴")
REFUND_CAUSES: tuple[str, ...] = ("错误多报职工缴费工资", "延迟办理职工离职", "其他原因多缴")


class ProjectState(StrEnum):
    """A construction project link (SPEC D10) in the local store: ``待发送`` until the service
    answers, then ``linked`` or ``refused``."""

    QUEUED = "待发送"
    LINKED = "linked"
    REFUSED = "refused"


# -- the label table ----------------------------------------------------------------------------

LABELS: dict[type[StrEnum], dict[str, str]] = {
    OutboxState: {
        OutboxState.QUEUED: "待发送",
        OutboxState.SENT: "发送中（待确认）",
        OutboxState.CONFIRMED: "已确认",
        OutboxState.REFUSED: "被拒绝",
    },
    Role: {Role.ADMIN: "管理员", Role.ALL: "全部功能", Role.PAY: "缴费"},
    UserStatus: {UserStatus.NORMAL: "正常", UserStatus.DISABLED: "停用"},
    EmployeeStatus: {EmployeeStatus.NORMAL: "正常缴费", EmployeeStatus.STOPPED: "停止缴费"},
    EmployeeChange: {EmployeeChange.ADDED: "新增", EmployeeChange.CHANGED: "变更",
                     EmployeeChange.STOPPED: "停止缴费"},
    WageResult: {WageResult.QUEUED: "待发送", WageResult.ACCEPTED: "申报成功", WageResult.REFUSED: "申报失败"},
    WageSubmissionState: {
        WageSubmissionState.QUEUED: "待发送",
        WageSubmissionState.SENT: "已提交",
        WageSubmissionState.PROCESSING: "等待反馈",
        WageSubmissionState.DONE: "已获取反馈",
    },
    ProjectState: {ProjectState.LINKED: "已关联", ProjectState.REFUSED: "被拒绝"},
    PayMethod: {PayMethod.TIPS: "三方协议缴费", PayMethod.VOUCHER: "银行端凭证缴费"},
    RefundKind: {RefundKind.TICKET: "税票退费", RefundKind.EMPLOYEE: "职工明细退费"},
    PaidLineKind: {PaidLineKind.FEE: "费款", PaidLineKind.LATE_FEE: "滞纳金"},
}
"""The Chinese word of every code, per enum (members of two enums may share a code, and a
``StrEnum`` member equals its text, so one flat dict would mix them up). A word enum's label
is its value (see :func:`label`)."""

WORDS: tuple[type[StrEnum], ...] = (WageSummary, DeclarationStatus, PaymentStatus, DueStatus,
                                    AgreementStatus, PaymentResult, VoucherStatus, RefundStatus, ReconcileGap)
"""The enums whose value is the Chinese word itself."""
CODES: tuple[type[StrEnum], ...] = (OutboxState, Role, UserStatus, EmployeeStatus, EmployeeChange,
                                    WageResult, WageSubmissionState, ProjectState, PayMethod,
                                    RefundKind, PaidLineKind)
"""The enums with codes, labelled in :data:`LABELS` (``ProjectState`` mixes both)."""


def label(value: StrEnum | str | None, kind: type[StrEnum] | None = None) -> str:
    """The one Chinese word for ``value``, as the CLI and the TUI print it.

    ``value`` is a member, or a stored text read as a member of ``kind``
    (``label("sent", OutboxState)`` → ``"发送中（待确认）"``). A text that is no member is
    shown as it is; ``None`` is ``""``."""
    if value is None:
        return ""
    if isinstance(value, StrEnum):
        kind = type(value)
    if kind is None:
        return str(value)
    text = str(value)
    return LABELS.get(kind, {}).get(text, text)


def submission_label(state: str, summary: str | None = None) -> str:
    """A wage submission as ``sbtui wages records`` and 申报记录 print it: its
    :class:`WageSummary` once the feedback is in, else its state's word."""
    if state == WageSubmissionState.DONE and summary:
        return label(summary, WageSummary)
    return label(state, WageSubmissionState)


def values(kind: type[StrEnum]) -> tuple[str, ...]:
    """The stored text of every member, as plain ``str`` (``click.Choice`` matches an enum
    member by its *name*, so give it these)."""
    return tuple(m.value for m in kind)


def labels(kind: type[StrEnum]) -> dict[str, str]:
    """``{value: label}`` of every member of ``kind``, in declaration order (for choices)."""
    return {m.value: label(m) for m in kind}


# 证件类型 (the official client's codes; issue 15 item 8: a code is never shown bare)
ID_TYPES = {"201": "居民身份证", "208": "外国护照", "210": "港澳居民来往内地通行证",
            "213": "台湾居民来往大陆通行证"}


def id_type_label(code: object) -> str:
    """``201`` → ``居民身份证``; an unknown code as it is; None → ""."""
    text = "" if code is None else str(code)
    return ID_TYPES.get(text, text)
