"""Text of the fee declaration screens (SPEC D1–D10, D12; manual 000 §3.1–3.4, 001 §2.2)."""
from sbtui.domain.vocab import DeclarationStatus, label

MENU_GROUP = "社保费申报"
MENU_PROJECT = "工程项目工伤保险费申报"
TITLE_DAILY = "日常申报"
TITLE_SPECIAL = "特殊缴费申报"
TITLE_RECORDS = "申报记录"
TITLE_LINKS = "承建单位参保缴费信息管理"
TITLE_PROJECT = "工程项目社保费申报"
TITLE_PROJECT_RECORDS = "工程项目社保费申报记录"

HELP_DAILY = (
    "确认申报税务机关依据本单位职工工资、参照缴费基数上下限、结合各险种费率计算的应缴社会保险费预处理数据"
    "（数据来源“税务生成”）和社保（医保）经办机构核定的征集信息（数据来源“征集信息”）。\n"
    "相同“单位编号+征集通知流水号”的征集信息合并为一个勾选项；相同“费款所属期起止+征收项目+单位编号”的"
    "税务生成信息合并为一个勾选项，必须一起提交申报；多个单位编号分别提交申报。\n"
    "Space 勾选（整个勾选项）· a 全部勾选 · f 查询条件（单位编号、社保经办机构、费款所属期）· "
    "o 修改抵缴金额（存在已核验通过的可抵缴余额时，不超过最大可抵缴金额）· Enter 查看职工预处理明细"
    "（税务生成，需联网）· p 提交申报 · F5 刷新（获取最新应缴信息）· ←→ 左右滚动。\n"
    "有滞纳金的应缴信息下方单独显示一行滞纳金（自征期结束次日起按日加收万分之五）。"
    "务必在当月征期（一般为每月 20 日，遇节假日顺延）前完成申报。"
)
HELP_SPECIAL = (
    "确认申报社保（医保）经办机构核定的历史补缴等特殊缴费业务。相同“单位编号+征集通知流水号”的待申报信息"
    "合并为一个勾选项，必须一起提交申报。备注将打印在完税证明的备注栏中。特殊缴费业务务必在“征集有效日期”"
    "前确认申报并完成缴费，超过征集有效日期后将无法申报和缴纳。\n"
    "Space 勾选 · a 全部勾选 · f 查询条件 · m 修改备注 · o 修改抵缴金额 · p 提交申报 · F5 刷新。"
)
HELP_PROJECT = (
    "确认申报社保经办机构核定的工程项目工伤保险（需先在“承建单位参保缴费信息管理”中关联工程项目）。"
    "工程项目工伤保险务必在“征集有效日期”前确认申报并完成缴费，超过征集有效日期后将无法缴纳。\n"
    "Space 勾选 · a 全部勾选 · f 查询条件 · p 提交申报 · F5 刷新。"
)
HELP_RECORDS = (
    "查看本单位的社保费申报记录，可按状态、申报日期筛选。Enter 查看申报明细（明细中 Enter 查看职工明细）；"
    "e 导出《社会保险费缴费申报表（适用单位缴费人）》，E 导出《社会保险费缴费明细申报表（适用职工个人）》"
    "（EXCEL 或 PDF）；v 作废（申报成功且未缴费的记录，作废后可重新申报；已缴费的申报不能作废）；"
    "u / F5 刷新。"
)
HELP_PROJECT_RECORDS = (
    "工程项目工伤保险的申报记录（不在“社保费申报-申报记录”中显示）。Enter 查看申报明细；e / E 导出申报表；"
    "v 作废；u / F5 刷新。"
)
HELP_LINKS = (
    "用人单位（承建单位）在中标工程项目后、开始施工前，应向社保经办部门申报工程项目工伤保险。"
    "n 新增关联：录入工程项目ID，核实调出的参保登记信息，选择主管税务机关和主管税务所（科、分局）后"
    "「确认关联」，即完成与工程项目参保登记信息的关联。F5 刷新。"
)

# the lines (manual 000 §3.1 columns; the first three stay when scrolling right)
COL_N = "序号"
COL_UNIT = "单位编号"
COL_PERIOD = "费款所属期"
COL_FROM = "费款所属期起"
COL_TO = "费款所属期止"
COL_ITEM = "征收品目"
COL_HEADCOUNT = "缴费人数"
COL_WAGE = "缴费工资合计"
COL_BASE = "缴费基数"
COL_RATE = "费率"
COL_DUE = "应缴费额"
COL_REDUCTION = "减免金额"
COL_PAYABLE = "应补(退)费额"
COL_OFFSET = "抵缴金额"
COL_ACTUAL = "实际缴纳"
COL_SOURCE = "数据来源"
COL_SERIAL = "征集通知流水号"
COL_VALID = "征集有效日期"
COL_REMARK = "备注"
COL_PROJECT = "工程项目编号"
DAILY_COLUMNS = (COL_N, COL_UNIT, COL_PERIOD, COL_ITEM, COL_HEADCOUNT, COL_WAGE, COL_BASE, COL_RATE, COL_DUE,
                 COL_REDUCTION, COL_PAYABLE, COL_OFFSET, COL_ACTUAL, COL_SOURCE)
SPECIAL_COLUMNS = (COL_N, COL_UNIT, COL_PERIOD, COL_ITEM, COL_SERIAL, COL_VALID, COL_BASE, COL_RATE, COL_DUE,
                   COL_REDUCTION, COL_PAYABLE, COL_OFFSET, COL_ACTUAL, COL_REMARK)
PROJECT_COLUMNS = (COL_N, COL_UNIT, COL_PROJECT, COL_SERIAL, COL_VALID, COL_FROM, COL_TO, COL_BASE, COL_RATE,
                   COL_DUE, COL_OFFSET, COL_ACTUAL)
SOURCES = {"tax": "税务生成", "collection": "征集信息", "special": "特殊缴费", "project": "工程项目"}
TICK = "✓"
LATE_FEE = "└ 滞纳金 {amount}"
LATE_SOURCE = "滞纳金"
EXPIRED = "已过期"
FIXED = "定额{amount}"

# filters (D4)
F_UNIT = "单位编号"
F_AGENCY = "社保经办机构"
F_FROM = "所属期起"
F_TO = "所属期止"
F_ALL = "全部"

# the line above the list (D4, D5)
SELECTED = "已勾选 {n} 条 · 缴费基数合计 {base} 元 · 应缴费额合计 {due} 元"
SELECTED_MORE = "抵缴金额合计 {offset} 元 · 实际缴纳合计 {actual} 元"
SELECTED_LATE = " · 滞纳金 {late} 元"
SHOWN = " 共 {n} 条 "
EMPTY_DAILY = "没有待申报的应缴信息（已申报、已过期或尚未生成）：按 F5 刷新。"
EMPTY_SPECIAL = "没有需要申报的特殊缴费信息"
EMPTY_PROJECT = "没有需要申报的工程项目工伤保险信息（请先在“承建单位参保缴费信息管理”中关联工程项目）。"
EMPTY_FILTER = "没有符合查询条件的应缴信息。"
NOTE_LINE = "{source} · {item}"
NOTE_MAX_OFFSET = " · 最大可抵缴金额 {max} 元（o 修改）"
NOTE_LATE = " · 滞纳金 {late} 元（缴费期限 {deadline}）"
NOTE_VALID = " · 征集有效日期 {date}"
NOTE_EXPIRED = "（已超过征集有效日期，不能申报）"
NOTE_REMARK = " · 备注：{remark}"

# keys
KEY_TICK = "勾选"
KEY_TICK_ALL = "全部勾选"
KEY_OFFSET = "抵缴金额"
KEY_REMARK = "备注"
KEY_DETAIL = "职工明细"
KEY_SUBMIT = "提交申报"
KEY_REFRESH = "刷新"
KEY_FILTER = "查询条件"
KEY_VIEW = "查看"
KEY_UNIT_FORM = "单位申报表"
KEY_EMPLOYEE_FORM = "职工明细申报表"
KEY_VOID = "作废"
KEY_LINK = "新增关联"
KEY_FETCH = "立即获取"

# ticking, offset, remark (D3, D5, D9)
TICK_EXPIRED = "已超过征集有效日期，不能申报"
NO_OFFSET = "该应缴信息没有可抵缴余额，抵缴金额不能修改。"
OFFSET_TITLE = "修改抵缴金额"
OFFSET_PROMPT = "{item} {period}\n应补(退)费额 {payable} 元，最大可抵缴金额 {max} 元。抵缴金额："
OFFSET_SAVED = "抵缴金额已修改为 {offset} 元。"
REMARK_TITLE = "修改备注"
REMARK_PROMPT = "{item} {serial}\n备注（将打印在完税证明的备注栏中，最多 100 字）："
REMARK_SAVED = "备注已保存。"
DETAIL_NONE = "该应缴信息没有职工预处理明细（仅税务生成的数据可以查看）。"
OFFLINE = "无法连接服务：显示的是本地数据。"
UPDATED = "已刷新应缴信息：{n} 条待申报。"
UPDATE_FAILED = "刷新失败：{error}"

# submit (D6, D7)
SUBMIT_NONE = "请勾选需要申报的应缴信息。"
SUBMIT_BLOCKED = "不能提交申报："
SUMMARY_TITLE = "提交申报确认"
SUMMARY_HEAD = "请核实本次申报信息："
SUMMARY_HEAD_SEVERAL = "请核实本次申报信息，{n} 个单位编号将分别提交申报："
SUMMARY_UNIT = ("单位编号：{unit}　社保经办机构：{agency}\n"
                "  申报 {n} 条 · 缴费基数合计 {base} 元 · 应缴费额合计 {due} 元\n"
                "  抵缴金额合计 {offset} 元 · 实际缴纳合计 {actual} 元")
SUBMIT_NOW = "立即提交"
SUBMITTED = "提交成功"
SUBMITTED_OFFLINE = "已保存到待发送队列：当前离线，联网后自动提交申报。"
SUBMIT_FAILED = "提交失败：{error}"
FEEDBACK_TITLE = "反馈提示"
FEEDBACK_SENT = "提交成功。"
FEEDBACK_WAIT = "正在获取申报结果，{seconds} 秒后自动获取（r 立即获取 · Esc 稍后在申报记录中查看）"
FEEDBACK_VOID_WAIT = "正在获取作废结果，{seconds} 秒后自动获取（r 立即获取 · Esc 稍后查看）"
FEEDBACK_POLLING = "正在获取…"
FEEDBACK_OFFLINE = "无法连接服务：申报已保存，联网后自动获取反馈（可在申报记录中查看）。"
DAILY_DONE = "社保费申报成功，可前往【缴费】功能进行缴费，或到【申报记录】界面查看详细结果"
SPECIAL_DONE = "获取申报结果成功，点击‘确定’跳转到申报记录界面查看详细结果"
DECLARE_FAILED = "申报失败：{reason}"
VOID_DONE = "作废成功"
VOID_FAILED = "作废失败：{reason}"
PAY_OFFER = "当前存在申报成功且未缴费或部分缴费的记录，是否立即缴费？"

# records (D8)
RECORD_COLUMNS = ("申报日期", "单位编号", "申报类型", "状态", "缴费人数", "应缴费额", "实际缴纳", "缴费状态")
KINDS = {"daily": "日常申报", "special": "特殊缴费申报", "project": "工程项目申报"}
STATUSES = tuple(label(s) for s in DeclarationStatus)  # the 状态 filter, as sbtui declarations --status
F_STATUS = "状态"
F_DATE_FROM = "申报日期起"
F_DATE_TO = "申报日期止"
BAD_DATE = "申报日期格式应为YYYY-MM-DD"
RECORDS_EMPTY = "没有申报记录。"
RECORDS_COUNT = " 共 {n} 条 "
DETAIL_LINES_TITLE = "申报明细"
DETAIL_LINE_COLUMNS = ("序号", "单位编号", "费款所属期起", "费款所属期止", "缴费人数", "缴费基数(元)", "费率",
                       "应缴费额(元)", "减免金额(元)", "应补(退)费额(元)", "抵缴金额(元)", "实际缴费额(元)", "征收品目",
                       "征收项目")
DETAIL_HINT = "Enter 职工明细 · e 单位申报表 · E 职工明细申报表 · Esc 关闭"
DETAIL_NOT_LOCAL = "本地没有该申报的明细：请联网后按 u 刷新。"
EMPLOYEES_TITLE = "职工明细申报信息"
EMPLOYEE_COLUMNS = ("姓名", "身份证件号码", "人员编号", "本人工资", "缴费基数", "费率", "本期应缴费额")
VOID_CONFIRM = "是否作废本条记录"
VOID_TITLE = "作废申报"
VOID_SENT = "作废申请已提交。"
VOID_QUEUED_OFFLINE = "作废已保存到待发送队列：当前离线，联网后自动提交。"
REFRESHED = "已刷新申报记录：{n} 条。"
REFRESH_FAILED = "刷新失败：{error}"
NONE_SELECTED = "请先选择一条申报记录。"

# forms (D8)
FORM_TITLE_UNIT = "社会保险费缴费申报表（适用单位缴费人）"
FORM_TITLE_EMPLOYEE = "社会保险费缴费明细申报表（适用职工个人）"
FORM_PICK = "请选择导出格式："
FORM_FORMATS = (("xlsx", "EXCEL 文件（.xlsx）"), ("pdf", "PDF 文件（.pdf）"))
FORM_PATH = "导出《{title}》到文件："
FORM_BAD_SUFFIX = "文件名应以 .{suffix} 结尾。"
FORM_NO_DIR = "目录不存在：{path}"
FORM_WRITING = "正在生成申报表…"
FORM_DONE = "已导出申报表到 {path}"
FORM_FAILED = "导出失败：{error}"

# projects (D10, manual 000 §3.3)
LINK_COLUMNS = ("工程项目ID", "工程项目名称", "单位编号", "社保经办机构", "主管税务机关", "关联日期")
LINKS_EMPTY = "尚未关联工程项目：按 n 新增关联。"
LINKS_OFFLINE = "无法连接服务：关联的工程项目需要联网查看。"
LINK_TITLE = "新增单位参保关联登记"
LINK_ASK = "录入工程项目信息\n* 工程项目ID："
LINK_EMPTY = "请输入工程项目ID。"
LINK_HEAD_TAX = "主管税务机关"
LINK_HEAD_REG = "参保登记信息"
LINK_AUTHORITY = "* 主管税务机关"
LINK_BRANCH = "* 主管税务所（科、分局）"
LINK_FIELDS = (
    ("agency", "社保经办机构"), ("unit_number", "单位编号"), ("project_id", "工程项目ID"),
    ("name", "工程项目名称"), ("contract_number", "工程合同编号"), ("region", "项目所在地行政区划"),
    ("contact", "联系人"), ("start_date", "项目开始日期"), ("end_date", "项目结束日期"),
    ("address", "项目地址"), ("rate", "缴费比例"), ("total_cost", "工程总价"),
    ("contract_amount", "合同金额"),
)
LINK_CONFIRM = "确认关联"
LINK_HINT = "Tab 切换 · Ctrl+S 确认关联 · Esc 取消"
LINK_PICK = "请选择主管税务机关和主管税务所（科、分局）。"
LINK_ALREADY = "该工程项目已关联。"
LINKED = "已关联工程项目 {project_id}（{name}）。"
LINK_FAILED = "关联失败：{error}"
LINK_QUEUED = "关联已保存到待发送队列：当前离线，联网后自动提交。"
