"""Text of the employee screens (SPEC E1–E8; manual 000 §2, 002 §2, 004 §3)."""
from sbtui.domain import vocab
from sbtui.domain.vocab import EmployeeStatus, labels

MENU_GROUP = "参保信息管理"
TITLE = "职工参保信息管理"
TITLE_MONTH = "本月更新数据"
TITLE_STOPPED = "停止缴费职工清单"
TITLE_GROUPS = "职工分组管理"
TITLE_UNITS = "单位参保信息查询"
MENU_QUERY = "查询统计"

HELP = (
    "查询本单位职工的参保信息：单位编号为职工在多个社保（医保）经办机构的参保单位编号组合，"
    "用“，”分隔；参保某个险种，则在该险种列用“✓”标识。\n"
    "f 设置查询条件，/ 查找，Enter 查看职工详细参保信息，g 为职工指定分组（已勾选的职工一并分组），"
    "u 增量更新、U 全量更新（从税务端下载职工参保信息），x 导出为 EXCEL 文件。"
)
HELP_MONTH = "本单位本月职工登记信息变动情况：变动类型为新增、变更或停止缴费。"
HELP_STOPPED = "本单位已经停止缴费的职工明细数据。"
HELP_GROUPS = (
    "每个单位最多可以设置三级职工分组。a 新增分组（在光标所在分组下），A 新增一级分组，r 重命名，"
    "Delete 删除；t 批量编辑职工分组模板下载，i 批量编辑职工分组导入；T 分组模板下载，"
    "b 批量导入分组。分组的修改先保存在本机，联网后发送。"
)
HELP_UNITS = (
    "显示当前用人单位已经关联成功的所有参保单位的参保险种信息（只读）。"
    "f 按单位编号或社保经办机构查询，u 更新（重新获取税务机关收到的最新参保险种信息），x 导出。"
)

# columns (SPEC E1)
COL_NAME = "姓名"
COL_ID_TYPE = "证件类型"
COL_ID_NUMBER = "身份证件号码"
COL_UNITS = "单位编号"
COL_STATUS = "缴费状态"
COL_GROUP = "分组"
COL_CHANGED = "最后变更日期"
COL_CHANGE = "变动类型"
TYPE_SHORT = {  # the ✓ column headers: short names of the insurance types
    "110": "企业养老", "120": "机关养老", "130": "职业年金", "210": "失业",
    "310": "基本医疗", "320": "公务员补助", "330": "大额医疗", "360": "长期护理", "410": "工伤",
}
ID_TYPES = vocab.ID_TYPES
TICK = "✓"
STATUS = labels(EmployeeStatus)  # 参保状态, as sbtui employees prints it

# keys
KEY_FILTER = "查询条件"
KEY_CLEAR_FILTER = "清除条件"
KEY_DETAIL = "详情"
KEY_GROUP = "分组"
KEY_UPDATE = "增量更新"
KEY_FULL_UPDATE = "全量更新"
KEY_EXPORT = "导出"
KEY_MONTH = "本月更新数据"
KEY_STOPPED = "停止缴费职工清单"
KEY_GROUPS = "分组管理"
KEY_SORT = "排序"

# the line above the list
COUNTS = "职工总数 {total} 人 · 正常缴费 {normal} 人 · 停止缴费 {stopped} 人"
FILTERED = "查询条件：{conditions}"
NO_FILTER = "查询条件：全部（f 设置）"
EMPTY = "本地没有职工数据：按 U 全量更新，从税务端下载职工参保信息。"
EMPTY_FILTERED = "没有符合查询条件的职工。"

# filter dialog (SPEC E2)
FILTER_TITLE = "查询条件"
F_NAME = "姓名"
F_ID_NUMBER = "证件号码"
F_UNIT = "单位编号"
F_AGENCY = "社保经办机构"
F_TYPE = "险种"
F_STATUS = "缴费状态"
F_GROUP = "分组"
F_ALL = "全部"
F_UNGROUPED = "（未分组）"
F_HINT = "Tab 下一项 · Ctrl+S 查询 · Ctrl+R 重置 · Esc 取消"
F_APPLY = "查询"
F_RESET = "重置"

# detail (SPEC E3)
DETAIL_TITLE = "职工详细参保信息"
D_NAME = "姓名"
D_ID = "证件"
D_STATUS = "缴费状态"
D_GROUP = "分组"
D_ADDED = "登记日期"
D_CHANGED = "最后变更日期"
D_REGS = "参保登记"
D_REG_COLUMNS = ("单位编号", "社保（医保）经办机构", "人员编号", "参保险种")
D_WAGES = "缴费工资"
D_WAGE_COLUMNS = ("险种", "缴费工资", "生效年月起", "生效年月止")
D_NO_WAGES = "（无缴费工资）"
D_OPEN_END = "—"
D_PENDING = "有未发送的本地修改"
D_CLOSE = "关闭"

# group choice (SPEC E4, 单个职工分组)
PICK_TITLE = "指定分组"
PICK_FOR_ONE = "为职工“{name}”指定分组："
PICK_FOR_MANY = "为已勾选的 {n} 名职工指定分组："
PICK_NONE = "（不分组）"
PICK_HINT = "↑↓ 选择 · Enter 确定 · Esc 取消"
ASSIGNED = "已保存 {n} 名职工的分组，联网后发送（待发送队列 F3）。"
ASSIGNED_SENDING = "已保存 {n} 名职工的分组，正在发送（待发送队列 F3）。"
ASSIGN_FAILED = "分组未保存：{error}"
CONFIRM_ASSIGN_HIDDEN = "已勾选的 {n} 名职工中有 {hidden} 名不在当前查询结果中，一并指定分组吗？"

# update (SPEC E6)
UPDATING_FULL = "正在全量更新职工参保信息…"
UPDATING = "正在增量更新职工参保信息…"
UPDATED = "{kind}完成：新增 {added} 人，变更 {changed} 人，停止缴费 {stopped} 人；本地共 {total} 人。"
UPDATE_SHOW_MONTH = "{message}\n\n查看本月更新数据吗？"
UPDATE_OFFLINE = "无法连接服务，未更新；显示的是本地数据。"
UPDATE_FAILED = "更新失败：{error}"
KIND_FULL = "全量更新"
KIND_INCREMENTAL = "增量更新"
CONFIRM_FULL = "全量更新将重新下载全部职工参保信息，确定吗？"

# export (SPEC E7)
EXPORT_TITLE = "导出"
EXPORT_PROMPT = "导出 {n} 名职工到 EXCEL 文件："
EXPORT_TICKED = "导出已勾选的 {n} 名职工到 EXCEL 文件："
EXPORTING = "正在导出…"
IMPORTING = "正在导入…"
EXPORTED = "已导出 {n} 行到 {path}"
EXPORT_FAILED = "导出失败：{error}"
IMPORT_FAILED = "导入失败：{error}"
STEM_LIST = "职工参保信息"
STEM_MONTH = "本月更新数据"
STEM_STOPPED = "停止缴费职工清单"
STEM_UNITS = "单位参保信息"
STEM_GROUP_TEMPLATE = "批量编辑职工分组模板"
STEM_TREE_TEMPLATE = "分组模板"

# groups screen (SPEC E4)
G_ROOT = "全部分组"
G_EMPTY = "尚未设置分组：按 A 新增一级分组，或 b 从 EXCEL 批量导入。"
G_PENDING = "（待发送）"
G_MEMBERS = "{n} 人"
G_KEY_ADD = "新增下级"
G_KEY_ADD_TOP = "新增一级"
G_KEY_RENAME = "重命名"
G_KEY_DELETE = "删除"
G_KEY_TEMPLATE = "模板下载"
G_KEY_IMPORT = "批量编辑导入"
G_KEY_TREE_TEMPLATE = "分组模板"
G_KEY_TREE_IMPORT = "批量导入分组"
G_NEW_TITLE = "新增分组"
G_NEW_UNDER = "在“{parent}”下新增分组，名称："
G_NEW_TOP = "新增一级分组，名称："
G_RENAME_TITLE = "重命名分组"
G_RENAME_PROMPT = "“{path}”的新名称："
G_DELETE_CONFIRM = "删除分组“{path}”吗？其中的 {n} 名职工将不再属于任何分组。"
G_SAVED = "已保存，联网后发送（待发送队列 F3）。"
G_SAVED_SENDING = "已保存，正在发送（待发送队列 F3）。"
G_FAILED = "未保存：{error}"
G_HAS_CHILDREN = "该分组下还有下级分组，不能删除。"
G_DEPTH = "每个单位最多可以设置三级职工分组。"
G_TEMPLATE_PROMPT = "批量编辑职工分组模板（含已建立的分组和当前全部职工）保存到："
G_TREE_TEMPLATE_PROMPT = "分组模板（含已建立的分组）保存到："
G_IMPORT_PROMPT = "导入批量编辑职工分组文件："
G_TREE_IMPORT_PROMPT = "导入分组文件："
G_IMPORTED = "已导入 {loaded} 行，跳过空行 {skipped} 行，错误 {errors} 处。"
G_TREE_IMPORTED = "已新增 {loaded} 个分组，错误 {errors} 处。"
G_WRITTEN = "已保存到 {path}"

# import result dialog
R_TITLE = "导入结果"
R_ERRORS = "以下单元格有误，其余行已导入："
R_ERROR_COLUMNS = ("行", "列", "原因")
R_NONE = "全部导入成功。"

# path prompt
P_HINT = "Enter 确定 · Esc 取消"
P_EMPTY = "请输入文件名。"
P_NOT_FOUND = "文件不存在：{path}"
P_NOT_XLSX = "请选择 .xlsx 文件。"

# progress
PROGRESS_HINT = "Esc 取消"
CANCELLED = "已取消。"

# units (SPEC E8)
U_COLUMNS = ("单位编号", "社保（医保）经办机构", "业务系统", "主管税务机关", "缴费人类型", "参保险种", "参保状态")
U_KEY_UPDATE = "更新"
U_KEY_FILTER = "查询"
U_UPDATED = "已更新单位参保信息：{n} 个单位编号。"
U_EMPTY = "本地没有单位参保信息：按 u 更新。"
U_FILTER_TITLE = "查询单位参保信息"
U_ALL = "全部"
U_EXPORT_PROMPT = "导出 {n} 个单位编号的参保信息到 EXCEL 文件："
