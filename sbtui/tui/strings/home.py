"""首页 (SPEC H1–H5, manual 000 §1.4): 快捷按钮, 待办事项, 异常提醒, 通知公告, 消息中心."""

TITLE = "首页"
HELP = ("首页：快捷按钮区可直接启动相应的功能，无需逐一点击功能菜单打开；待办事项区显示需要申报、"
        "可以缴费的信息；异常提醒区显示缴费工资为空的职工、多个属期未申报、已超出缴费期限的欠费；"
        "通知公告区显示税务机关推送的通知和公告信息。")

QUICK = "快捷按钮"
QUICK_SETTINGS_HINT = "s 设置"  # on the quick-button row; the footer has the full name
TODO = "待办事项"
ALERTS = "异常提醒"
NOTICES = "通知公告"
MESSAGES = "消息中心"
DEADLINE = "本月缴费期限"
DEADLINE_MOVED = "（遇节假日顺延）"
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

LOADING = "正在获取…"
OFFLINE_PART = "离线，无法获取"
NONE_TODO = "暂无待办事项"
NONE_ALERTS = "暂无异常提醒"
NONE_NOTICES = "暂无通知公告"
NONE_MESSAGES = "暂无消息"
UNREAD = "未读"
NOT_BUILT = "该功能将在后续版本提供"
NOT_BUILT_SHORT = "（后续版本提供）"
NOT_ALLOWED = "当前用户无此功能权限"
LOAD_FAILED = "首页信息获取失败：{error}"

# The quick buttons' ids and labels are sbtui.services.home.QUICK_ACTIONS (the service layer's).
QUICK_MAX = 4

QUICK_DIALOG_TITLE = "快捷按钮设置"
QUICK_DIALOG_HINT = "空格选择，最多选择4个快捷按钮；Ctrl+S 保存，Esc 取消。"
QUICK_TOO_MANY = "最多只能设置4个快捷按钮。"
QUICK_SAVED = "快捷按钮设置已保存。"
QUICK_SAVE_FAILED = "快捷按钮设置保存失败：{error}"
QUICK_RESTORE = "恢复默认"

# Enter on an alert: what it means and what to do (manual 000 §1.4 ⑤).
EXPLAIN = {
    "empty_wage": "存在缴费工资为空的职工，需要给该职工申报工资。请在“月度缴费工资申报”中为这些职工"
                  "申报缴费工资。",
    "undeclared_periods": "存在多个属期的待申报未申报信息，可能超出申报期限，请及时申报。",
    "overdue": "存在已超出缴费期限的欠费信息，需要及时缴费；逾期缴费将按日加收万分之五的滞纳金。",
    "overdue_unpaid": "存在已超过缴款期限未缴费的申报记录，需要及时缴费；滞纳金自缴款期限次日起按日加收万分之五，"
                      "与费款一并缴纳。",
}
EXPLAIN_TITLE = "异常提醒说明"

# the notices / messages viewer
LIST_TITLE = "通知公告 / 消息中心"
LIST_HELP = ("通知公告：税务机关推送的各类通知和公告信息。消息中心：用人单位收到的待办事项和异常提醒消息；"
             "按 Enter 查看消息后即标记为已读（需联网）。")
LIST_HINT = "↑↓ 选择 · Enter 查看 · Tab 列表/正文 · Esc 返回"
MARK_READ_OFFLINE = "离线，未能标记为已读"

# keys
KEY_QUICK = "快捷按钮{n}"
KEY_QUICK_SETTINGS = "快捷按钮设置"
QUICK_SETTINGS_HINT = "s 设置"  # on the quick-button row; the footer has the full name
KEY_MESSAGES = "消息中心"
KEY_NOTICES = "通知公告"
KEY_REFRESH = "刷新"
