"""Start, employers and login (SPEC L1–L6), in the words of manuals 000 §1.3 and 001 §2.1."""
from sbtui.domain.passwords import PASSWORD_RULE

# L1 region choice
REGION_TITLE = "请选择地区后进入系统"
REGION_LABEL = "地区"
REGION_ENTER = "立即进入"
REGION_HINT = "↑↓ 选择 · Enter 立即进入"
REGION_CONFIRM = "您确定选择【{name}】进入系统吗？"
REGION_HELP = ("首次启动时选择地区（省份）。地区决定费率、缴费基数上下限和缴费期限；"
               "选择后点击「立即进入」，并在确认框中点击「确定」。")

# L3 employer list
EMPLOYERS_TITLE = "用人单位"
EMPLOYERS_EMPTY = "本机尚未添加用人单位，请按 a 添加。"
COL_NO = "序号"
COL_USCC = "纳税人识别号"
COL_NAME = "纳税人名称"
COL_STATE = "状态"
STATE_CURRENT = "当前登录"
STATE_LOCAL = "本地{n}人"
DELETE_CONFIRM = "确认删除？\n将删除【{name}】在本机的数据（不影响税务端数据）。"
DELETE_CURRENT = "当前登录的企业不能删除。"
DELETED = "已删除：{name}"
EMPLOYERS_HELP = ("用人单位列表：同一台电脑可添加多个用人单位。选择单位后按 Enter 登录；按 a 添加用人单位；"
                  "按 d 删除（当前登录的企业不能删除）。")

# L2 add employer
ADD_TITLE = "用人单位添加"
ADD_USCC = "纳税人识别号"
ADD_USCC_AGAIN = "再次输入纳税人识别号"
ADD_USCC_PLACEHOLDER = "18位统一社会信用代码"
ADD_MISMATCH = "两次输入的纳税人识别号不一致"
ADD_LOOKING_UP = "正在查询用人单位…"
ADD_DEMO_HINT = "演示（内置沙箱）：演示单位纳税人识别号 {uscc}（按 F5 填入），初始申报密码 {password}"
ADD_PASSWORD_RULE = (f"首次登录须将初始申报密码（任一单位编号的后6位）修改为{PASSWORD_RULE}的新密码，"
                     "且不能与初始密码相同。")
ADD_HELP = ("输入纳税人识别号（社会信用代码），再次输入纳税人识别号进行确认，点击「下一步」，"
            "将带出用人单位进行确认。校验位在输入时即检查。")

CONFIRM_TITLE = "确认单位"
CONFIRM_TIP = ("温馨提示：1、请确认已关联的单位社保登记信息，点击【下一步】按钮进行单位信息验证。\n"
               "2、若以下单位信息不是本次办理社保业务的单位，请返回【上一步】核对纳税人识别号。")
COL_AUTHORITY = "主管税务机关"
COL_BRANCH = "主管科所分局"
COL_STATUS = "缴费人状态"
CONFIRM_HELP = "核对带出的用人单位信息，正确无误后按 Enter（下一步）进行安全认证；Esc 返回上一步。"

SECURITY_TITLE = "安全认证"
SECURITY_USCC = "纳税人识别号"
SECURITY_NAME = "纳税人名称"
PASSWORD = "申报密码"
SECURITY_HINT = ("初始化申报密码为任一单位编号后6位，若单位编号不足6位，则单位编号末尾补0，"
                 "如单位编号为“12345”，则初始申报密码为“123450”。忘记密码请至税务大厅重置密码。")
SECURITY_HELP = ("添加用人单位安全认证时，第一次输入的申报密码为任一单位编号的后6位数字，"
                 "如单位编号不足6位，可以在末尾补0。")
ATTEMPTS_LEFT = "（还可尝试{n}次）"
LOCKED = "申报密码连续输入错误3次，该单位已被锁定，请于{time}后重试。"
CHECKING = "正在验证…"

CHANGE_TITLE = "修改申报密码"
CHANGE_LEAD = "为保障您的账户安全，请修改初始密码"
CHANGE_NEW = "新申报密码"
CHANGE_AGAIN = "确认新申报密码"
CHANGE_NOTE = ("该密码每次登录、切换单位及缴费的时候都要使用，请牢记并保管好该密码，"
               "如忘记密码请去税务部门办税大厅重置密码。")
CHANGE_RULE = f"新申报密码长度为{PASSWORD_RULE}，不能与初始密码相同。"
CHANGE_PLACEHOLDER = PASSWORD_RULE
CHANGE_SAME_AS_INITIAL = "新密码不能与初始密码相同，请重新输入。"
CHANGE_DONE = "修改成功"
CHANGE_USER_LEAD = "首次登录，请修改初始密码（初始密码为用户名）"
CHANGE_HELP = "新申报密码和确认新申报密码应录入相同的密码，且不能与初始密码相同。"

REGINFO_TITLE = "确认参保登记信息"
REGINFO_LEAD = ("根据社会保险费征缴职能划转的统一要求，我省税务机关统一接收社会保险费的征收权。"
                "请确认纳税人识别号、单位名称和社保经办机构、单位编号的对应关系。请务必认真核对，"
                "确认对应关系是否正确，确认无误后再使用本系统。")
REGINFO_AGENCY = "社保经办机构"
REGINFO_UNIT = "单位编号"
REGINFO_AUTHORITY = "主管税务机关"
REGINFO_PAYER = "缴费人类型"
REGINFO_TICK = "我已确认无误"
REGINFO_WRONG = "如对应有误，请赴相关的税务办税大厅进行修正后再使用本系统。"
REGINFO_MUST_TICK = "请先勾选“我已确认无误”。"
REGINFO_LOADING = "正在获取参保登记信息…"
ADDED = "用人单位添加成功"
TOKEN_NOT_KEPT = ("本机没有安全的密钥环，登录凭据未保存：下次启动需要重新输入申报密码"
                  "（或用 sbtui --insecure-token-file 将凭据以0600权限保存在本机）。")
REGINFO_HELP = ("核对与纳税人识别号关联的社保（医保）登记信息，一致时勾选“我已确认无误”（空格），"
                "再按 Enter（确定）完成用人单位的添加。")

# L4 login
LOGIN_TITLE = "安全认证"
MODE_EMPLOYER = "单位密码登录"
MODE_USER = "用户名密码登录"
USERNAME = "用户名"
LOGIN = "登录"
LOGIN_WITH_TOKEN = "正在使用已保存的登录凭据…"
LOGIN_NEEDS_SERVICE = "无法连接社保费服务，登录需要联网。"
OFFLINE_USE = "离线使用"
OFFLINE_HINT = "本机已有该单位的数据（{n}人），可按F5离线使用：可查看和准备数据，待联网后再发送。"
OFFLINE_NO_DATA = "本机没有该单位的数据，无法离线使用。"
LOGIN_HELP = ("选择用人单位后输入该单位的申报密码登录（单位密码登录为管理员）；已设置用户的，"
              "可切换为用户名密码登录。服务不可用而本机有数据时，可离线使用。")

# L5 initialization
INIT_TITLE = "初始化"
STEP_USER = "校验用户信息"
STEP_REGISTRY = "下载职工参保信息"  # until the store says which (no （增量） flashed on a first add)
STEP_REGISTRY_FULL = "下载职工参保信息（首次登录，全量）"
STEP_REGISTRY_INC = "下载职工参保信息（增量）"
STEP_GROUPS = "更新分组信息"
STEP_NOTICES = "获取通知公告"
STEP_WAITING = "等待"
STEP_RUNNING = "进行中"
STEP_DONE = "完成"
STEP_FAILED = "失败"
STEP_WARNING = "未完成（不影响使用）"
INIT_FIRST_NOTE = "首次登录会从税务系统全量获取本单位所有职工的参保登记信息，职工较多时耗时较长，请耐心等待。"
INIT_FAILED = "初始化失败：{error}"
INIT_RETRY = "按 r 重试，Esc 返回用人单位列表。"
INIT_DONE = "初始化完成：职工{total}人（新增{added}，变更{changed}，停保{stopped}）"
INIT_OFFLINE = "初始化中断：无法连接社保费服务。本机数据可离线使用（按 F5）。"
INIT_HELP = "登录后自动初始化：首次登录全量下载职工参保信息，以后只更新有变更的职工。"

# L6 choose the registration
CHOOSE_TITLE = "请选择本次办理业务的社保（医保）登记信息"
# where the cursor starts, said (issue 15 item 9): the last used unit, else the enterprise one
CHOOSE_START_LAST = "已选中上次使用的单位{unit}，Enter 确定；↑↓ 选择其他单位。"
CURRENT_UNIT_MARK = "●"  # not ▶: that is the cursor's (ColumnTable) and the focused button's mark
CHOOSE_START_CURRENT = f"已选中当前单位{{unit}}（{CURRENT_UNIT_MARK}），↑↓ 选择要切换到的单位。"
CHOOSE_START_ENTERPRISE = "已选中企业险单位{unit}（职工社保费在此申报缴费），Enter 确定；医保、机关保单位用 ↑↓ 选择。"
COL_UNIT = "单位编号"
COL_AGENCY = "社保（医保）经办机构"
COL_SYSTEM = "类型"
COL_TYPES = "险种"
CHOOSE_HELP = ("单位列表为当前纳税人关联的所有社保（医保）登记信息，选择本次需办理的登记信息后按 Enter（确定）。"
               "登录后可通过「切换单位」（F4）重新选择。")
SWITCHED_UNIT = "已切换到单位编号 {unit}"

# keys
KEY_NEXT = "下一步"
KEY_BACK = "上一步"
KEY_OK = "确定"
KEY_ADD = "添加"
KEY_DELETE = "删除"
KEY_LOGIN = "登录"
KEY_MODE = "切换登录方式"
KEY_OFFLINE = "离线使用"
KEY_RETRY = "重试"
KEY_TICK = "勾选确认"

# the hint under each step's box
HINT_NEXT = "Enter 下一步 · Esc 上一步"
HINT_OK = "Enter 确定 · Esc 上一步"
HINT_TICK = "Tab 到“我已确认无误” · 空格勾选 · Enter 确定"
HINT_LOGIN = "Enter 登录 · Tab 切换登录方式 · Esc 返回"
HINT_LOGIN_SINGLE = "Enter 登录 · Esc 返回"  # no sub-users known: one login mode
HINT_EMPLOYERS = "Enter 登录 · a 添加 · d 删除"

# 登录密码 (local guard set in 系统设置 › 登录密码设置, manual 001 §2.6.1)
GATE_TITLE = "登录密码"
GATE_LEAD = "本单位已启用登录密码，请输入登录密码后继续。"
GATE_LABEL = "登录密码"
GATE_WRONG = "登录密码输入有误，请重新输入。"
GATE_HELP = ("登录密码：在「系统设置 › 登录密码设置」中启用后，打开本单位（联网登录或离线使用）前须先输入登录密码。"
             "它只保存在本机（加盐散列），与申报密码无关；忘记时可由能登录的人员在本机停用后重新设置。")
