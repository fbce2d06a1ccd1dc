"""The lists of 费款缴纳, 单位三方协议管理 and 证明打印 as :class:`~sbtui.services.tables.Table`
(SPEC Q1: every list exports to xlsx): the same columns the screens show, typed (amounts as
numbers, dates as dates). 缴费记录 has its own, one row per paid line
(:meth:`sbtui.services.payments.PaymentsService.export_payments`).

No Textual.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sbtui.domain.models import Certificate, Voucher
from sbtui.services.tables import Table

__all__ = ["agreements_table", "certificates_table", "vouchers_table"]

VOUCHER_HEADERS = ("凭证序号", "状态", "金额合计（元）", "其中滞纳金（元）", "填开日期", "限缴日期", "税票号码",
                   "入库日期", "付款人名称", "开户银行", "账号", "税务机关")
AGREEMENT_HEADERS = ("协议书号", "状态", "批扣标志", "银行行别", "开户网点", "缴费账号", "账户名称", "所属税务机关",
                     "行政区划", "验证失败原因")
CERTIFICATE_HEADERS = ("证明号码", "填发日期", "开具方式", "打印次数", "金额合计（元）", "行数", "原凭证号",
                       "税款所属时期", "备注")
MODES = {"separate": "分开", "merged": "合并"}


def vouchers_table(vouchers: Iterable[Voucher]) -> Table:
    """缴费凭证打印记录."""
    return Table("缴费凭证打印记录", VOUCHER_HEADERS, [
        (v.number, str(v.status), v.total, v.late_fee, v.issued_on, v.deadline, v.ticket_number, v.booked_on,
         v.payer_name, v.bank, v.account, v.tax_authority) for v in vouchers])


def agreements_table(rows: Iterable[Mapping[str, Any]]) -> Table:
    """单位三方协议管理 (the rows of :meth:`AgreementsService.agreements`)."""
    return Table("单位三方协议管理", AGREEMENT_HEADERS, [
        (r.get("id") or "", str(r.get("status") or ""), "费批扣" if r.get("batch") else "费非批扣",
         r.get("bank") or "", r.get("branch") or "", r.get("account") or "", r.get("account_name") or "",
         r.get("tax_authority") or "", r.get("region_name") or r.get("region") or "", r.get("reason") or "")
        for r in rows])


def certificates_table(certs: Iterable[Certificate]) -> Table:
    """税收完税证明（非印刷） 开具记录."""
    out = []
    for c in certs:
        tickets = sorted({r.ticket_number for r in c.rows})
        starts = [r.period_from for r in c.rows] or [""]
        ends = [r.period_to for r in c.rows] or [""]
        span = min(starts) if min(starts) == max(ends) else f"{min(starts)}至{max(ends)}"
        out.append((c.number, c.issued_on, MODES.get(str(c.mode), str(c.mode)), c.print_count, c.total,
                    len(c.rows), "、".join(tickets), span, c.remark))
    return Table("税收完税证明（非印刷）开具记录", CERTIFICATE_HEADERS, out)

