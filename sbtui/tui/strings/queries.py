"""Text of 查询统计 › 社保费到账信息查询, 社保费批扣情况查询 and 对账 (SPEC Q1; manual 004 §8 names
the official client's queries: 社保费到账信息查询, 社保费批扣情况查询; 对账 is sbtui's own)."""
from sbtui.domain.vocab import ReconcileGap

MENU_QUERY = "查询统计"
TITLE_RECEIVED = "社保费到账信息查询"
TITLE_BATCH = "社保费批扣情况查询"
TITLE_RECONCILE = "对账"

HELP_RECEIVED = (
    "查询已到账（已入库）的社保费：三方协议缴费成功和银行端凭证已入库的每一条缴费明细，显示电子税票号码、入库日期、"
    "单位编号、费款所属期、征收品目、实缴金额和滞纳金，按入库日期从新到旧。\n"
    "f 到查询条件（费款所属期起止 YYYY-MM、电子税票号码），Enter 查询，Esc 回到列表；Enter 查看这张税票的全部明细；"
    "x 导出（EXCEL）；F5 刷新（从税务端获取最新缴费和凭证）。"
)
HELP_BATCH = (
    "查询单位的费批扣协议（单位允许银行代扣的协议只有一个）及其状态、通过该协议的每一笔扣款及扣款结果"
    "（缴费成功，或缴费失败及银行返回的原因），以及数据处理状态为“批扣清册生成”的应缴费款。\n"
    "Enter 查看扣款明细；x 导出（EXCEL）；F5 刷新。"
)
HELP_RECONCILE = (
    "对账（官方客户端没有的功能）：按单位编号和费款所属期，核对 应缴 → 已申报 → 已缴费 → 已开具完税证明，"
    "并标出每一处差异：" + "、".join(g.value for g in ReconcileGap) + "。\n"
    "f 到费款所属期起止（YYYY-MM），Enter 查询；g 只看有差异的行；x 导出（EXCEL）；F5 刷新（从税务端获取应缴、申报、"
    "缴费和完税证明）。数据来自本地，离线时为上次同步的结果。"
)

F_TICKET = "电子税票号码"
RECEIVED_COLUMNS = ("电子税票号码", "入库日期", "单位编号", "费款所属期", "征收品目", "实缴金额", "滞纳金", "缴费方式")
RECEIVED_COUNT = "共 {n} 条 · 合计 {total} 元"
RECEIVED_EMPTY = "没有到账信息。缴费成功或凭证入库后按 F5 刷新。"
RECEIVED_NOTE = "{type} · 缴费日期 {paid_on} · {source_kind} {source}"
SOURCE_PAYMENT = "缴费记录"
SOURCE_VOUCHER = "凭证序号"
TICKET_TITLE = "电子税票号码 {ticket}"
TICKET_HEAD = "入库日期 {booked} · 共 {n} 条 · 实缴 {amount} 元 · 滞纳金 {late} 元 · 合计 {total} 元"

BATCH_COLUMNS = ("扣款时间", "协议书号", "扣款结果", "合计（元）", "应缴费款", "滞纳金", "条数", "费款所属期", "原因")
BATCH_COUNT = "共 {n} 笔扣款"
BATCH_EMPTY = "没有通过费批扣协议的扣款。"
BATCH_AGREEMENT = "费批扣协议：协议书号 {id} · {status} · {bank} {account} {name}"
BATCH_NONE = "没有有效的费批扣协议（单位允许银行代扣的协议只有一个，可在“单位三方协议管理”中设置）。"
BATCH_ENDED = "已终止的费批扣协议：{ids}"
BATCH_LISTED = "批扣清册生成的应缴费款：{n} 条，{amount} 元"
BATCH_NOTE = "{bank} {account} {name}"
DEBIT_TITLE = "扣款明细"
DEBIT_HEAD = "{status}{reason} · {paid_at} · 协议书号 {agreement}\n应缴费款 {amount} 元 · 滞纳金 {late} 元 · 合计 {total} 元"

RECONCILE_COLUMNS = ("单位编号", "费款所属期", "应缴", "已申报", "已缴费", "已开具证明", "已退费", "差异")
RECONCILE_COUNT = "共 {n} 行 · {gaps} 行有差异"
RECONCILE_EMPTY = "没有应缴、申报或缴费记录。按 F5 刷新。"
RECONCILE_ONLY_GAPS = "只看有差异的行"
RECONCILE_ALL = "全部"
RECONCILE_OK = "✓"
RECONCILE_NOTE = "{lines} 条 · 滞纳金 {late} 元{late_back} · {gaps}"
RECONCILE_LATE_BACK = "（已退 {amount} 元）"
RECONCILE_NOTE_OK = "{lines} 条 · 滞纳金 {late} 元 · 应缴、申报、缴费、完税证明一致"
GAP_COUNT = "{gap} {n}条"

KEY_VIEW = "查看"
KEY_EXPORT = "导出"
KEY_FILTER = "查询条件"
KEY_REFRESH = "刷新"
KEY_GAPS = "只看差异"
