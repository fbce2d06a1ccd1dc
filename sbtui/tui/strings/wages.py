"""Text of the wage declaration screens (SPEC W1–W13; manual 000 §5, 002 §3, 004 §4).

A row's result and a submission's state are the vocabulary's words (:mod:`sbtui.domain.vocab`)."""
from sbtui.domain.vocab import WageResult, label

MENU_GROUP = "缴费工资申报"
TITLE = "月度缴费工资申报"
TITLE_RECORDS = "申报记录"
TITLE_QUERY = "职工缴费工资查询"
MENU_QUERY = "查询统计"

HELP = (
    "按险种申报：先通过「添加」（a）将职工添加到职工工资编辑区，然后直接修改各险种的新缴费工资和生效年月，"
    "勾选拟申报的职工后提交申报（Ctrl+S）。\n"
    "录入同一绑定组内某个险种的缴费工资或生效年月时，组内其他险种随之变为相同的值"
    "（企业养老+工伤、企业养老+失业、机关养老+职业年金+失业、职工医疗+公务员医疗补助+长期护理）。"
    "不修改某个险种时请清除该险种的新缴费工资（是清除，不是输入“0”）。每次修改立即保存在本机。\n"
    "数字键或 Enter/F2 编辑，Enter 确定并下移，Tab 右移，Esc 取消；Ctrl+D 向下填充（已勾选的行，"
    "未勾选时为当前筛选的全部行）；c 复制到其他险种；Ctrl+Z 撤销，Ctrl+Y 恢复；Delete 删除已勾选的行；"
    "f 切换筛选（全部 / 申报失败 / 未提交 / 待发送 / 申报成功）；x 导出，i 导入，t 导入模板下载；"
    "r 申报记录。提交不受每页 10000 人的限制。"
)
HELP_RECORDS = "每次缴费工资申报提交作为一行显示，“状态”为该次申报情况；Enter 查看具体职工的成功或失败原因。"
HELP_QUERY = (
    "查询本单位职工的缴费工资：职工申报过多次工资时，按生效年月拆分为多行。f 查询条件，x 导出。"
)

# columns
COL_NAME = "姓名"
COL_ID_NUMBER = "身份证件号码"
COL_GROUP = "分组"
COL_RESULT = "申报结果"
COL_FROM = "起"
COL_TO = "止"
TYPE_SHORT = {
    "110": "企业养老", "120": "机关养老", "130": "职业年金", "210": "失业",
    "310": "基本医疗", "320": "公务员补助", "330": "大额医疗", "360": "长期护理", "410": "工伤",
}

# top line
COUNTS = "职工工资编辑区 {total} 人"
FILTERS = {"all": "全部", WageResult.REFUSED: label(WageResult.REFUSED), "draft": "未提交",
           WageResult.QUEUED: label(WageResult.QUEUED), WageResult.ACCEPTED: label(WageResult.ACCEPTED)}
FILTER_LINE = "筛选：{name}（f 切换）"
EMPTY = "职工工资编辑区没有职工：按 a 添加（全部正常缴费职工、按单位编号、按分组、单个录入、外部文件导入）。"
EMPTY_ALERT = "存在缴费工资为空的职工，是否立即进行缴费工资申报？"
REASON = "失败原因：{reason}"
BACK_PAYMENT = "调整缴费工资时，若生效月份早于当前月份将产生补缴信息，请确认！"

# keys
KEY_ADD = "添加"
KEY_FILL = "向下填充"
KEY_COPY = "复制险种"
KEY_UNDO = "撤销"
KEY_REDO = "恢复"
KEY_REMOVE = "删除"
KEY_FILTER = "筛选"
KEY_EXPORT = "导出"
KEY_IMPORT = "导入"
KEY_TEMPLATE = "模板下载"
KEY_SUBMIT = "提交申报"
KEY_RECORDS = "申报记录"
KEY_DETAIL = "详情"

# add (W2, W3)
ADD_TITLE = "添加"
ADD_CHOICES = (
    ("single", "单个录入"),
    ("unit", "按单位编号添加缴费职工"),
    ("group", "按分组添加缴费职工"),
    ("all", "添加全部正常缴费职工"),
    ("empty", "添加缴费工资为空的职工"),
    ("import", "外部文件导入"),
    ("template", "导入模板下载"),
)
ADD_HINT = "↑↓ 选择 · Enter 确定 · Esc 取消"
ADDED = "已添加 {n} 名职工到职工工资编辑区。"
ADDING = "正在添加…"
RULE_TITLE_UNIT = "按单位编号添加缴费职工"
RULE_TITLE_GROUP = "按分组添加缴费职工"
RULE_UNIT = "* 单位编号"
RULE_GROUP = "* 分组"
RULE_WAGE = "* 缴费工资"
RULE_RATIO = "按比率"
RULE_FIXED = "按固定金额"
RULE_VALUE_RATIO = "比率（%）"
RULE_VALUE_FIXED = "金额（元）"
RULE_FROM = "* 生效年月起"
RULE_TO = "生效年月止"
RULE_HINT = "Tab 下一项 · Ctrl+S 确定 · Esc 取消"
RULE_NEED = "请填写{field}。"
SINGLE_TITLE = "添加单个职工"
SINGLE_NAME = "姓名"
SINGLE_ID = "证件号码"
SINGLE_PICK = "↑↓ 选择职工 · Enter 带出证件号码"
SINGLE_NOT_FOUND = "本单位无此职工"
SINGLE_COLUMNS = ("险种", "新缴费工资（元）", "生效年月起", "生效年月止")
SINGLE_SAVE_NEXT = "保存并继续"
SINGLE_SAVE = "保存"
SINGLE_HINT = "Ctrl+N 保存并继续 · Ctrl+S 保存 · Esc 取消"
SINGLE_SAVED = "已保存 {name}，请录入下一名职工。"

# fill, copy, remove, undo
FILL_CONFIRM = "将“{value}”填充到{scope}的“{column}”吗？（同一绑定组的险种随之变化）"
FILL_TICKED = "已勾选的 {n} 行"
FILL_FILTERED = "当前筛选的 {n} 行"
FILLED = "已填充 {n} 行。"
FILL_NOT_EDITABLE = "请将光标移到缴费工资或生效年月列。"
COPY_TITLE = "复制到其他险种"
COPY_PROMPT = "将“{source}”的缴费工资和生效年月复制到：（{scope}）"
COPIED = "已复制 {n} 行。"
REMOVE_CONFIRM = "从职工工资编辑区删除{scope}吗？（不影响已提交的申报）"
REMOVED = "已删除 {n} 行。"
UNDONE = "已撤销。"
REDONE = "已恢复。"
NOTHING_TO_UNDO = "没有可撤销的修改。"
NOTHING_TO_REDO = "没有可恢复的修改。"

# submit (W8)
SUBMIT_NONE = "请先勾选拟申报工资的职工（Space 勾选，Ctrl+A 全部勾选）。"
SUBMIT_CONFIRM = "是否确认提交申报？\n\n已勾选 {n} 名职工。"
SUBMIT_CONFIRM_HIDDEN = "是否确认提交申报？\n\n已勾选 {n} 名职工（其中 {hidden} 名不在当前筛选中）。"
SUBMIT_PROBLEMS = "以下职工的工资不能提交，请修改后再提交："
SUBMIT_WARN_BACK = "{n} 名职工的生效年月早于当前月份，将产生补缴信息。"
SUBMITTED = "提交成功，请稍后获取反馈。"
SUBMITTED_OFFLINE = "已保存到待发送队列：当前离线，联网后自动提交。"
FEEDBACK_TITLE = "获取反馈"
FEEDBACK_WAIT = "正在获取申报结果… {seconds} 秒后自动获取（r 立即获取，Esc 后台等待）"
FEEDBACK_SENDING = "正在提交…"
FEEDBACK_POLLING = "正在获取反馈…"
FEEDBACK_DONE = "全部获取反馈成功，请查看具体职工申报结果：{summary}（成功 {accepted} 人，失败 {refused} 人）。"
FEEDBACK_OFFLINE = "无法连接服务，联网后自动获取反馈。"

# records (W12)
R_COLUMNS = ("序号", "提交时间", "人数", "状态", "成功", "失败", "申报编号")
R_EMPTY = "还没有缴费工资申报记录。"
R_ROWS_TITLE = "职工申报结果"
R_ROW_COLUMNS = ("姓名", "证件号码", "结果", "原因")
R_KEY_FETCH = "获取反馈"

# query (W13)
Q_COLUMNS = ("姓名", "证件号码", "分组", "险种类型", "缴费基数(元)", "有效期起", "有效期止", "人员编号", "单位编号", "社保经办机构")
Q_LOADING = "正在整理职工缴费工资…"
Q_COUNT = "共 {n} 条"
Q_EXPORT_PROMPT = "导出 {n} 条职工缴费工资到 EXCEL 文件："

# files (W10)
EXPORT_PROMPT = "导出{scope}的职工工资（官方导入格式）到："
EXPORT_TICKED = "已勾选的 {n} 名职工"
EXPORT_ALL = "全部 {n} 名职工"
TEMPLATE_PROMPT = "导入模板（官方格式）保存到："
IMPORT_PROMPT = "导入职工工资文件（官方格式）："
IMPORTED = "已导入 {loaded} 名职工，跳过缴费工资全部为空的 {skipped} 行，错误 {errors} 处。"
STEM_EXPORT = "单位社保费缴费工资月度申报"
STEM_TEMPLATE = "缴费工资导入模板"
STEM_QUERY = "职工缴费工资查询"
