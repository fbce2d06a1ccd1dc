"""用户管理 (SPEC U1, manual 000 §1.5)."""
from sbtui.domain.vocab import PERMISSIONS, UserStatus, label

TITLE = "用户管理"
HELP = ("用户管理：单位密码登录后即为系统管理员，可以新增用户并设置功能权限。“全部功能”与单位密码登录"
        "后看到的功能一样，只是少了“用户管理”功能；“缴费”只能使用“费款缴纳”下的功能。新增用户的初始"
        "密码与用户名相同，需要在第一次登录时修改密码。")

COLUMNS = ("序号", "用户名", "功能权限", "用户状态", "备注")
ROLE_LABELS = {role.value: label(role) for role in PERMISSIONS}  # 全部功能 / 缴费, as the CLI prints them
STATUS_NORMAL = label(UserStatus.NORMAL)
STATUS_DISABLED = label(UserStatus.DISABLED)

ADD = "新增用户"
MODIFY = "修改"
DISABLE = "停用"
ENABLE = "启用"
RESET = "重置密码"
REFRESH = "刷新"

FORM_ADD_TITLE = "新增用户信息"
FORM_MODIFY_TITLE = "修改用户信息"
USERNAME = "* 用户名:"
ROLE = "* 功能权限:"
REMARK = "备注:"
REMARK_DETAIL = "备注："
USERNAME_RULE = "用户名由4-12位字母或数字组成"
USERNAME_OK = "用户名格式正确"
MUST_CHANGE = "初始密码（与用户名相同）尚未修改，该用户第一次登录时需修改密码。"
INITIAL_PASSWORD_NOTE = "新增用户的初始密码与用户名相同，需要在第一次登录时修改密码。"
FORM_KEYS = "Ctrl+S 保存 · Esc 取消"

EMPTY = "尚未新增用户。按 a 新增用户。"
LOADING = "正在获取用户列表…"
OFFLINE = "离线，无法获取用户列表"
NO_SELECTION = "请先选择一个用户。"

ADDED = "已新增用户 {username}。" + INITIAL_PASSWORD_NOTE
MODIFIED = "已修改用户 {username}。"
DISABLED = "已停用用户 {username}。"
ENABLED = "已启用用户 {username}。"
RESET_DONE = "已重置用户 {username} 的密码：初始密码与用户名相同，需要在第一次登录时修改密码。"
FAILED = "操作失败：{error}"

CONFIRM_DISABLE = "确定停用用户【{username}】吗？停用后该用户不能登录。"
CONFIRM_ENABLE = "确定启用用户【{username}】吗？"
CONFIRM_RESET = "确定重置用户【{username}】的密码吗？\n重置后初始密码与用户名相同，第一次登录时需修改密码。"
