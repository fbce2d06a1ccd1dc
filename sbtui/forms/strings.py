"""Every Chinese text of :mod:`sbtui.forms`: the two declaration forms of manual 000 §3.4.

The words and the starred (required) headers are the official client's, as the manual prints
《社会保险费缴费申报表（适用单位缴费人）》 and 《社会保险费缴费明细申报表（适用职工个人）》.
Templates with ``{…}`` are filled with :meth:`str.format`.
"""
from __future__ import annotations

# -- titles and sheets -----------------------------------------------------------------------
UNIT_TITLE = "社会保险费缴费申报表（适用单位缴费人）"
EMPLOYEE_TITLE = "社会保险费缴费明细申报表（适用职工个人）"
UNIT_SHEET = "缴费申报表"
EMPLOYEE_SHEET = "缴费明细申报表"

# -- 《社会保险费缴费申报表（适用单位缴费人）》 columns -------------------------------------------
UNIT_HEADERS = (
    "序号", "*社会保险经办机构", "*单位编号", "*参保费种", "*征收品目", "*征收子目",
    "*费款所属日期起", "*费款所属日期止", "缴费人数", "职工工资总额", "缴费基数", "*费率",
    "*本期应缴费额",
)

# -- 《社会保险费缴费明细申报表（适用职工个人）》 columns ----------------------------------------
EMPLOYEE_HEADERS = (
    "序号", "姓名", "身份证件类型", "身份证件号码", "社保经办机构", "单位编号", "人员编号",
    "参保费种", "征收品目", "征收子目", "费款所属日期起", "费款所属日期止", "本人工资",
    "缴费基数", "费率", "本期应缴费额",
)

TOTAL = "合计"
NOT_APPLICABLE = "---"  # a 合计 cell that is not summed

# -- the employer line (unit form, above the table) --------------------------------------------
EMPLOYER_NAME = "*用人单位名称："
EMPLOYER_ID = "*纳税人识别号："
DECLARATION_NATURE = "申报性质："

# -- the declarations box (unit form) -----------------------------------------------------------
PAYER_LABEL = "*缴费人申明"
PAYER_TEXT = "本单位所申报的社会保险费真实、准确并完整，与事实相符。"
PAYER_SIGN = ("法定代表人（负责人）签名：",)
AUTHORIZER_LABEL = "*授权人申明"
AUTHORIZER_TEXT = ("我单位授权　　　　　　为本单位代理申报人，任何与申报有关的往来文件，"
                   "都可寄此代理机构。")
AUTHORIZER_SIGN = ("委托代理合同号：", "授权人：")
AGENT_LABEL = "*代理人申明"
AGENT_TEXT = "本单位所申报的社会保险费真实、准确并完整，与事实相符。"
AGENT_SIGN = ("代理人（签章）：", "经办人：")
SIGN_DATE = "年　　月　　日"

# -- the footer (unit form) ---------------------------------------------------------------------
ACCEPT_AUTHORITY = "*受理税务机关："
ACCEPT_PERSON = "*受理人："
ACCEPT_DATE = "*受理日期："
REMARK = "备注："

# -- the footer (employee form) -----------------------------------------------------------------
E_EMPLOYER_ID = "纳税人识别号："
E_EMPLOYER_NAME = "用人单位名称："
E_ACCEPT_AUTHORITY = "受理税务机关："
E_ACCEPT_PERSON = "受理人："
E_ACCEPT_DATE = "受理日期："

# -- 《银行端查询缴税凭证》 (SPEC P3; seed 001 §2.3) ----------------------------------------------
VOUCHER_TITLE = "银行端查询缴税凭证"
VOUCHER_CONTINUED = "银行端查询缴税凭证（续）"
VOUCHER_VOID_MARK = "已作废"
VOUCHER_VOID_SUFFIX = "（已作废）"
V_NUMBER = "凭证序号："
V_ISSUED_ON = "填开日期："
V_TAXPAYER_ID = "纳税人识别号："
V_TAXPAYER_NAME = "纳税人名称："
V_TAX_AUTHORITY = "税务机关："
V_PAYER_NAME = "付款人名称："
V_BANK = "开户银行："
V_ACCOUNT = "账号："
V_HEADERS = ("序号", "征收项目", "征收品目", "单位编号", "所属时期", "金额", "滞纳金", "小计")
V_PERIOD = "{start}至{end}"
V_TOTAL_WORDS = "金额合计（大写）："
V_TOTAL_FIGURES = "（小写）："
V_RMB = "人民币"
V_YUAN_SIGN = "¥"
V_DEADLINE = "限缴日期："
V_TICKET = "税票号码："
V_PAYER_SEAL = "付款人（章）"
V_BANK_SEAL = "银行（章）"
V_TAX_SEAL = "税务机关（章）"
V_HANDLER = "经办人："
V_NOTE = "备注：加盖付款人签章后，持本凭证到开户银行缴费，请于限缴日期前缴纳。"

DATE = "{d.year:04d}年{d.month:02d}月{d.day:02d}日"  # 2024年02月17日
PAGE = "第 {page} 页 共 {pages} 页"

# -- errors -------------------------------------------------------------------------------------
BAD_SUFFIX = "不支持的文件类型“{suffix}”：申报表只能保存为 .xlsx 或 .pdf 文件"
V_BAD_SUFFIX = "不支持的文件类型“{suffix}”：缴税凭证只能保存为 .pdf 文件"
NO_FONT = "找不到打印申报表所需的中文字体文件（{name}），请重新安装社保费管理客户端"
WRITE_FAILED = "无法写入文件：{error}"
NO_FOLDER = "无法写入文件：文件夹不存在：{folder}"

# -- 税收完税证明（非印刷） (SPEC C1–C3; issue 13) ------------------------------------------------
CERT_TITLE = "中华人民共和国税收完税证明"
CERT_SUBTITLE = "（非印刷）"
C_NUMBER = "No."
C_ISSUED_ON = "填发日期："
C_TAX_AUTHORITY = "税务机关："
C_TAXPAYER_ID = "纳税人识别号："
C_TAXPAYER_NAME = "纳税人名称："
C_HEADERS = ("原凭证号", "税种", "品目名称", "税款所属时期", "入(退)库日期", "实缴(退)金额")
C_TOTAL_WORDS = "金额合计（大写）："
C_TAX_SEAL = "税务机关（盖章）"
C_ISSUER = "填票人："
C_REMARK = "备注："
C_PRINT_COUNT = "第 {n} 次打印"
C_CODE = "验证码："
C_NOTE = ("本证明可凭证明号码和验证码查验真伪（sbtui certificates verify）。"
          "本证明不作纳税人记账、抵扣凭证。")
C_CONTINUED = "税收完税证明（续）"
C_BAD_SUFFIX = "不支持的文件类型“{suffix}”：完税证明只能保存为 .pdf 文件"

# -- 单位缴费证明 / 职工缴费证明 (SPEC C4; issue 13) ------------------------------------------------
P_UNIT_TITLE = "单位缴费证明"
P_EMPLOYEE_TITLE = "职工缴费证明"
P_SUBTITLE = "（社会保险费）"
P_TAXPAYER_NAME = "缴费单位名称："
P_TAXPAYER_ID = "统一社会信用代码（纳税人识别号）："
P_PERIOD = "费款所属期："
P_PERIOD_VALUE = "{start}至{end}"
P_ISSUED_ON = "开具日期："
P_UNITS = "单位编号："
P_NAME = "姓名："
P_ID_TYPE = "证件类型："
P_ID_NUMBER = "证件号码："
P_PERSON_NUMBER = "人员编号："
P_UNIT_HEADERS = ("费款所属期", "险种", "缴费人数", "缴费基数", "单位缴纳", "个人缴纳", "滞纳金", "实缴金额")
P_EMPLOYEE_HEADERS = ("费款所属期", "险种", "缴费基数", "单位缴纳", "个人缴纳", "滞纳金", "实缴金额")
P_TOTAL = "合计"
P_TOTAL_WORDS = "实缴金额合计（大写）："
P_NONE = "所选费款所属期内没有已入库的缴费记录。"
P_REFUNDED = "其中已申请退费（受理中、核验通过或已退库）{amount} 元，未从上表实缴金额中扣除。"
P_NOTE = ("说明：本证明根据税务服务返回的已入库缴费记录（职工明细）生成，缴费基数为各职工当月该险种的缴费基数之和，"
          "实缴金额为已入库的单位缴纳、个人缴纳及滞纳金。征集信息、特殊缴费等无职工明细的费款不在本证明内。"
          "本证明由社保费管理客户端（sbtui）打印，不是税务机关或社保经办机构出具的文书，未加盖印章；"
          "如需加盖印章的缴费证明，请到主管税务机关或社保经办机构办理。")
P_CONTINUED = "{title}（续）"
P_BAD_SUFFIX = "不支持的文件类型“{suffix}”：缴费证明只能保存为 .pdf 文件"
