"""Text of the fee screens (SPEC D1, D2, D11; manual 000 §3, 001 §2.5.2)."""
from sbtui.domain.vocab import DueStatus, label

MENU_QUERY = "查询统计"
TITLE_QUERY = "社保费应缴信息查询"
HELP_QUERY = (
    "查询税务机关生成的用人单位应缴费信息（税务生成）、社保（医保）经办机构的征集信息、特殊缴费和工程项目应缴信息，以便及时了解本单位"
    "所有应缴费信息的状态。数据处理状态包括：初始（未申报）、申报中、申报成功、销账、批扣清册生成。\n"
    "单位编号、费款所属期（最多 12 个月）、数据处理状态筛选；Enter 查看职工明细（需联网）；"
    "F5 更新（从税务端获取最新应缴信息）；x 导出。"
)
COLUMNS = ("费款所属期", "单位编号", "征收品目", "来源", "人数", "缴费工资总额", "缴费基数总额", "费率",
           "应缴费额", "数据处理状态")
SOURCES = {"tax": "税务生成", "collection": "征集信息", "special": "特殊缴费", "project": "工程项目"}
STATUSES = tuple(label(s) for s in DueStatus)  # 数据处理状态, as sbtui dues --status
F_UNIT = "单位编号"
F_FROM = "所属期起"
F_TO = "所属期止"
F_STATUS = "状态"
F_ALL = "全部"
SUMMARY = "共 {n} 条 · 缴费基数合计 {base} 元 · 应缴费额合计 {due} 元"
EMPTY = "本地没有应缴费信息：按 F5 更新。"
RANGE_TOO_LONG = "费款所属期最多选择 12 个月。"
BAD_MONTH = "所属期格式应为YYYY-MM"
KEY_DETAIL = "职工明细"
KEY_UPDATE = "更新"
KEY_EXPORT = "导出"
KEY_FILTER = "查询条件"
UPDATED = "已更新应缴费信息：{n} 条。"
UPDATE_FAILED = "更新失败：{error}"
OFFLINE = "无法连接服务：显示的是本地数据；职工明细需要联网。"
DETAIL_TITLE = "职工明细"
DETAIL_COLUMNS = ("姓名", "证件号码", "人员编号", "缴费工资", "缴费基数", "费率", "应缴费额")
DETAIL_NONE = "该应缴信息没有职工预处理明细（仅税务生成的数据可以查看）。"
DETAIL_FAILED = "获取职工明细失败：{error}"
EXPORT_PROMPT = "导出 {n} 条应缴费信息到 EXCEL 文件："
STEM = "社保费应缴信息"
