"""单位退费申请管理 (SPEC R1–R3; manual 000 §4.3): the screens' words, the official client's
where it has them (新增退费申请, 税票退费, 职工明细退费, 下一步, 选择退费账户, 退费金额合计, 提交申请,
上一步, the form's labels)."""

MENU = "单位退费申请管理"
TITLE = "单位退费申请管理"
HELP = ("如果用人单位因错误多报职工缴费工资、延迟办理职工离职的原因造成了多缴社会保险费，可以申请退费。"
        "n 新增退费申请：选择退费方式（税票退费 / 职工明细退费），查询并勾选已缴款记录，下一步选择退费账户，"
        "提交申请后由社保经办机构核验；核验通过准予退费的，费款退至指定的账户。列表显示每份申请的状态"
        "（受理中 → 核验通过 / 核验不通过 → 已退库）；F5 刷新。")
COLUMNS = ("申请编号", "申请日期", "退费方式", "退费金额合计", "状态")
EMPTY = "没有退费申请。按 n 新增退费申请。"
NOTE = "退费账户：{name}  {bank}  {account}    办理人：{handler}"
NOTE_REASON = "    核验不通过：{reason}"
NOTE_DONE = "    退库日期：{day}"
PENDING = "另有 {n} 份退费申请在待发送队列，联网后同步时自动提交。"
KEY_NEW = "新增退费申请"
KEY_VIEW = "查看"
KEY_REFRESH = "刷新"
OFFLINE = "无法连接服务：显示的是上次获取的退费申请。"
REFRESHED = "已刷新：{n} 份退费申请"

# 填写退费申请: the 退费方式
MODE_TITLE = "填写退费申请"
MODE_HEAD = "请选择退费方式："
MODE_TICKET = "税票退费（整笔退费：征集信息、特殊缴费等缴款后的退费）"
MODE_EMPLOYEE = "职工明细退费（按职工、分险种、费款属期对多缴金额申请退费）"
MODE_HINT = "↑↓ 选择  Enter 确定  Esc 取消"

# 税票退费 (R1)
TICKET_TITLE = "税票退费"
TICKET_COLUMNS = ("选择", "电子税票号码", "单位编号", "入库日期", "费款所属期", "征收品目", "金额", "状态")
TICKET_EMPTY = "所选期间没有已缴款记录。"
F_TICKET = "电子税票号码"
TICKET_NOTE = "{items}    费款 {amount}  滞纳金 {late}    共 {n} 条明细"
TICKET_TAKEN = "已申请退费"
TICKET_OPEN = "可退费"
TICKET_SUMMARY = "已勾选 {n} 笔，退费金额合计：{total} 元（税票退费须整笔全部退费）"

# 职工明细退费 (R2)
EMPLOYEE_TITLE = "职工明细退费"
EMPLOYEE_COLUMNS = ("选择", "姓名", "证件号码", "征收品目", "应凭证种类", "费款所属期", "应缴金额", "退费金额",
                    "缴费基数", "调整后缴费基数")
EMPLOYEE_EMPTY = "所选期间没有已缴款的职工明细。"
F_ID_NUMBER = "证件号码"
F_NAME = "姓名"
LATE_FEE = "滞纳金"
EMPLOYEE_NOTE = "{name}  {id_type} {id_number}  {type}  {item}  电子税票号码 {ticket}  入库日期 {booked}"
EMPLOYEE_NOTE_LATE = "    滞纳金按对应费款的退费比例计算"
EMPLOYEE_NOTE_TAKEN = "    已申请退费 {amount} 元"
EMPLOYEE_SUMMARY = "已勾选 {n} 条，退费金额合计：{total} 元    b 填写调整后缴费基数"
EMPLOYEE_HINT = ("勾选多缴记录，在“调整后缴费基数”列填写真实的缴费基数，系统自动计算应退的费款；"
                 "同时勾选对应的滞纳金记录，按比例计算应退的滞纳金。")
BASE_TITLE = "调整后缴费基数"
BASE_PROMPT = "{name} {item} {period}：原缴费基数 {base}，请填写调整后缴费基数："
BASE_NOT_FEE = "滞纳金按比例计算，无需填写缴费基数"
KEY_TICK = "勾选"
KEY_TICK_ALL = "全选"
KEY_BASE = "调整后缴费基数"
KEY_NEXT = "下一步"
TICKED_TAKEN = "该记录已申请退费，不能重复退费"
NOTHING_TICKED = "请勾选需要退费的缴款记录。"
PERIOD_ORDER = "费款所属期止不能早于费款所属期起"
QUERY_OFFLINE = "无法连接服务：查询已缴款记录需要联网。"

# 选择退费账户 (R3)
FORM_TITLE = "选择退费账户"
FORM_ACCOUNT = "退费账户"
FORM_TOTAL = "退费金额合计: {total} 元"
FORM_HANDLER = "办理人信息"
F_ACCOUNT_NAME = "*退费银行账户名称:"
F_BANK = "*退费银行:"
F_ACCOUNT = "*退费银行账户:"
F_CAUSE = "*退费原因:"
F_EXPLANATION = "*退费申请理由:"
F_HANDLER_NAME = "*办理人姓名:"
F_ID_TYPE = "*身份证件类型:"
F_HANDLER_ID = "*证件号码:"
F_PHONE = "*联系电话:"
KEY_SUBMIT = "提交申请"
KEY_BACK = "上一步"
FORM_HINT = "Ctrl+S 提交申请  Esc 上一步"
CONFIRM_TITLE = "提交申请"
CONFIRM = "退费金额合计 {total} 元，退至 {bank} {account}（{name}）。\n确定提交退费申请吗？"
SUBMITTING = "正在提交退费申请…"
SUBMITTED = ("退费申请已提交（申请编号 {id}），状态：{status}。\n"
             "社保经办机构核验通过准予退费的，将直接把费款退至指定的账户。")
SUBMITTED_TITLE = "提交申请"
QUEUED = "当前无法连接服务：退费申请已保存在待发送队列，联网后同步时自动提交。"

# 查看
DETAIL_TITLE = "退费申请 {id}"
DETAIL_HEAD = ("{kind}  申请日期 {day}  状态 {status}{reason}\n退费金额合计 {total} 元    退费原因 {cause}    "
               "退费申请理由 {explanation}\n退费账户 {name}  {bank}  {account}\n"
               "办理人 {handler}  {id_type} {id_number}  {phone}{done}")
DETAIL_LINE = "{who}{item}{late}  {period}  已缴 {paid}{base}  退费 {amount}"
DETAIL_BASE = "  调整后缴费基数 {base}"
