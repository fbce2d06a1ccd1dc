"""Every Chinese text of :mod:`sbtui.xlsx`: sheet titles, headers, error messages.

The official client's words where it has them (manual 000 §2.2). Templates with ``{…}`` are
filled with :meth:`str.format`. An English catalog can sit beside this module with the same
names.
"""
from __future__ import annotations

# -- CellError / XlsxError ------------------------------------------------------------------
CELL_ERROR = "第 {row} 行 {column} 列：{reason}"
FILE_MISSING = "文件不存在：{path}"
FILE_NOT_XLSX = "无法读取文件：不是有效的 Excel（.xlsx）文件"
FILE_OLD_XLS = "不支持旧版 Excel（.xls）文件或加密的文件，请在 Excel 中另存为不加密的 .xlsx 后再导入"
FILE_UNREADABLE = "无法读取文件：{error}"
FILE_NO_SHEET = "文件中没有工作表“{sheet}”"
FILE_EMPTY = "文件中没有工作表"
MISSING_HEADER = "不是社保费管理客户端的模板：缺少表头“{header}”"
WRITE_FAILED = "无法写入文件：{error}"
BEYOND_LIMITS = ("第 {row} 行 {column} 列（{cell}）超出可导入的范围（最多 {max_rows} 行、{max_columns} 列，"
                 "即 A1:{last}{max_rows}）：请删除该单元格的内容后重新导入")
SHEET_TOO_BIG = "文件过大：工作表解压后超过 {limit} MB，无法导入"
ROW_TOO_BIG = "文件过大：第 {row} 行的内容超过 {limit} MB，无法导入"
MERGED_TOO_MANY = "合并单元格过多，无法导入：请取消合并后逐行填写"
MERGED_CELL = "不能使用合并单元格（{ref}），请取消合并后逐行填写"
FORMULA_NO_VALUE = "公式没有计算结果：请在 Excel 中打开并保存后重新导入，或直接填写数值"
CELL_TOO_LONG = "单元格内容过长（{length} 个字符，最多 {limit} 个）"

SHEET_DEFAULT = "Sheet1"

# -- cell checks shared by the readers ---------------------------------------------------
REQUIRED = "{header}不能为空"
ID_AS_NUMBER = "证件号码须为文本格式（请将单元格设为文本后重新录入）"
ID_TYPE_UNKNOWN = "身份证件类型代码无效：{value}"
UNKNOWN_EMPLOYEE = "本单位无此职工"
NAME_MISMATCH = "姓名与证件号码不符（登记为{name}）"
GROUP_UNKNOWN = "分组不存在：{path}"
DUPLICATE_ROW = "与第 {row} 行重复"

# -- 批量编辑职工分组 (SPEC E4) --------------------------------------------------------------
GROUP_TEMPLATE_TITLE = "批量编辑职工分组"
GROUP_TEMPLATE_SHEET = "职工分组"
H_NAME = "*姓名"
H_ID_TYPE_CODE = "*身份证件类型代码"
H_ID_NUMBER = "*身份证件号码"
H_GROUP = "分组"
GROUP_LIST_SHEET = "分组"
GROUP_LIST_HEADER = "已建立的分组"
GROUP_DV_TITLE = "分组"
GROUP_DV_PROMPT = "请从下拉列表选择已建立的分组；留空表示不分组"
GROUP_DV_ERROR = "分组不存在，请从下拉列表中选择已建立的分组"
ID_TYPE_DV_PROMPT = "201 居民身份证；208 外国护照；210 港澳居民来往内地通行证；213 台湾居民来往大陆通行证"

# -- 分组批量导入 (group tree) -------------------------------------------------------------
TREE_TEMPLATE_TITLE = "职工分组批量导入"
TREE_TEMPLATE_SHEET = "分组"
H_LEVEL1 = "一级分组"
H_LEVEL2 = "二级分组"
H_LEVEL3 = "三级分组"
TREE_GAP = "{header}不能为空（已填写下级分组）"
TREE_TOO_LONG = "分组名称不能超过{limit}个字符（当前{length}个）"
TREE_SLASH = "分组名称不能包含“/”"

# -- 职工参保信息 export (SPEC E1, E7) --------------------------------------------------------
EMPLOYEES_TITLE = "职工参保信息"
EMPLOYEES_SHEET = "职工参保信息"
H_SEQ = "序号"
H_NAME_PLAIN = "姓名"
H_ID_TYPE = "身份证件类型"
H_ID_NUMBER_PLAIN = "身份证件号码"
H_UNIT_NUMBERS = "单位编号"
H_STATUS = "缴费状态"
H_GROUP_PLAIN = "分组"
H_CHANGED_ON = "最后变更日期"
INSURED_MARK = "√"
UNIT_SEP = "，"

# -- 单位参保信息 export (SPEC E8) ------------------------------------------------------------
UNITS_TITLE = "单位参保信息"
UNITS_SHEET = "单位参保信息"
H_UNIT_NUMBER = "单位编号"
H_AGENCY = "社保（医保）经办机构"
H_AGENCY_SYSTEM = "业务系统"
H_TAX_AUTHORITY = "主管税务机关"
H_PAYER_TYPE = "缴费人类型"
H_INSURANCE_TYPES = "参保险种"
H_UNIT_STATUS = "参保状态"
TYPE_SEP = "、"

# -- 单位社保费缴费工资月度申报 (SPEC W10; manual 000 §5.1.6) ---------------------------------------
WAGES_TITLE = "单位社保费缴费工资月度申报"
WAGES_SHEET = "缴费工资申报"
H_PAYER_ID = "*缴费人识别号"
PAYER_ID_CELL = "*缴费人识别号: {uscc}"
H_WAGE = "缴费工资"
H_FROM = "生效年月起"
H_TO = "生效年月止"
ID_TYPE_CELL = "{code} - {name}"
WAGE_NO_TYPES = "不是缴费工资申报模板：表头上方一行没有险种（如“110 企业基本养老保险”）"
WAGE_TYPE_UNKNOWN = "不是缴费工资申报模板：第 {row} 行 {column} 列的险种“{text}”无法识别"
WAGE_TYPE_DUPLICATE = "第 {row} 行 {column} 列的险种“{text}”重复"
WAGE_BLOCK_HEADER = "不是缴费工资申报模板：险种“{label}”下缺少表头“{header}”"
NOT_INSURED = "该职工未参保{type}"
WAGE_NOT_POSITIVE = "缴费工资必须大于0"
WAGE_FORMAT = "缴费工资格式有误"
WAGE_FIELD = "缴费工资"  # the field an amount error names (issue 14)
MONTH_FORMAT = "生效年月格式应为YYYY-MM"
FROM_REQUIRED = "生效年月起不能为空"
MONTH_WITHOUT_WAGE = "缴费工资为空时不能填写生效年月"
TO_BEFORE_FROM = "生效年月止不能早于生效年月起"
BINDING_MISMATCH = "{type}的{field}与{ref}不一致（同一绑定组的缴费工资和生效年月必须一致）"
