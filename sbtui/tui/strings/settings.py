"""系统设置 (SPEC U2, manual 001 §2.6): 申报密码设置, 登录密码设置, 单位信息."""
from sbtui.domain.passwords import PASSWORD_RULE

# 申报密码设置
PASSWORD_TITLE = "申报密码设置"
PASSWORD_HELP = "申报密码设置：输入原密码、新密码，再次输入新密码进行确认，点击「保存」，申报密码修改完成。"
OLD = "原密码"
NEW = "新密码"
NEW_PLACEHOLDER = PASSWORD_RULE
REPEAT = "再次输入新密码"
OLD_EMPTY = "请输入原密码。"
NEW_EMPTY = "请输入新密码。"
PASSWORD_DONE = "申报密码修改完成。"
SAVING = "正在保存…"
FAILED = "保存失败：{error}"
OFFLINE = "离线，无法修改申报密码，请联网后再试。"
KEYS = "Enter 下一项 · Ctrl+S 保存 · Esc 返回"

# 登录密码设置
LOGIN_TITLE = "登录密码设置"
LOGIN_HELP = ("登录密码设置：点击「启用登录密码」，输入新密码，再次输入新密码进行确认，点击「保存」，"
              "登录密码修改完成。启用后，打开本单位时需先输入登录密码。")
LOGIN_STATE_ON = "登录密码：已启用"
LOGIN_STATE_OFF = "登录密码：未启用"
LOGIN_DISABLE = "停用登录密码"
LOGIN_CURRENT = "原登录密码"
LOGIN_ENABLED = "已启用登录密码，下次打开本单位时需输入登录密码。"
LOGIN_CHANGED = "登录密码修改完成。"
LOGIN_CLEARED = "已停用登录密码。"
LOGIN_KEYS_OFF = "Ctrl+S 启用登录密码 · Esc 返回"
LOGIN_KEYS_ON = "Ctrl+S 保存 · Ctrl+D 停用登录密码 · Esc 返回"

# 单位信息
EMPLOYER_TITLE = "单位信息"
EMPLOYER_HELP = "单位信息：查看用人单位税务登记信息及社保（医保）登记信息。本页只读。"
EMPLOYER_FIELDS = (
    ("uscc", "纳税人识别号"),
    ("name", "纳税人名称"),
    ("registration_type", "登记注册类型"),
    ("industry", "行业"),
    ("address", "生产经营地址"),
    ("tax_authority", "主管税务机关"),
    ("tax_branch", "主管税务所(科、分局)"),
    ("status", "登记状态"),
)
REG_TITLE = "社保（医保）登记信息"
REG_COLUMNS = ("单位编号", "社保（医保）经办机构", "缴费人类型", "状态")
REG_AGENCY = "社保（医保）经办机构"
REG_TYPES = "参保险种"
REG_TAX = "主管税务机关"
EMPLOYER_LOADING = "正在获取单位信息…"
EMPLOYER_FAILED = "单位信息获取失败：{error}"
REFRESH = "刷新"
SAVE = "保存"
