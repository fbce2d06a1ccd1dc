"""The application shell: status bar, function menu, help, command palette, outbox, online state.

The outbox states are the vocabulary's words (:mod:`sbtui.domain.vocab`), the same the CLI prints."""
from sbtui.domain.vocab import OUTBOX_PENDING_LABEL, OutboxState, label, labels

# status bar
NOT_LOGGED_IN = "未登录"
UNIT = "单位编号"
OUTBOX = (f"{OUTBOX_PENDING_LABEL} {{pending}} / {label(OutboxState.CONFIRMED)} {{confirmed}} / "
          f"{label(OutboxState.REFUSED)} {{refused}}")
SYNCING = "同步中"

# app keys (descriptions shown in the footer, the palette, F1 help)
KEY_HELP = "帮助"
KEY_MENU = "功能菜单"
KEY_OUTBOX = "待发送队列"
KEY_SWITCH_UNIT = "切换单位"
KEY_SWITCH_EMPLOYER = "单位管理"
KEY_SYNC = "立即同步"
KEY_THEME = "切换主题"
KEY_QUIT = "退出"
KEY_PALETTE = "命令面板"
KEY_BACK = "返回"

# function menu (SPEC H1)
MENU_TITLE = "功能菜单"
MENU_HINT = "Enter 打开 · Esc 关闭"
MENU_EMPTY = "当前没有可用的功能"
MENU_GROUP_UNIT = "单位管理"
MENU_SWITCH_UNIT = "切换单位"
MENU_EMPLOYERS = "用人单位列表"
MENU_OUTBOX = "待发送队列"
NOT_ALLOWED = "当前用户无此功能权限"
NEED_LOGIN = "请先登录"

# help (F1)
HELP_TITLE = "帮助：{title}"
HELP_KEYS = "按键"
HELP_KEY = "键"
HELP_ACTION = "功能"
HELP_GLOBAL = "全局按键：F1 帮助 · F2 功能菜单 · Ctrl+P 命令面板 · F3 待发送队列 · F4 切换单位 · F6 单位管理 · "\
              "F7 立即同步 · F9 切换主题 · Ctrl+Q 退出。按键可在 config.json 的 \"keymap\" 中修改。"
HELP_CLOSE = "按 Esc 或 F1 关闭"

# command palette
PALETTE_OPEN = "打开：{title}"
PALETTE_PLACEHOLDER = "搜索功能或按键…"
PALETTE_SCREEN_HELP = "{path}"
PALETTE_ACTION_HELP = "{key}"

# outbox screen
OUTBOX_TITLE = "待发送队列"
OUTBOX_EMPTY = "待发送队列为空：没有需要发送的数据。"
OUTBOX_COLS = ("序号", "状态", "业务", "对象", "次数", "时间", "原因")
OUTBOX_STATES = labels(OutboxState)
OUTBOX_KINDS = {"group.create": "新建分组", "group.assign": "调整分组", "group.rename": "重命名分组",
                "group.delete": "删除分组", "group.assign_many": "批量调整分组",
                "wages.submit": "缴费工资申报", "wages.declare": "缴费工资申报",
                "project.link": "承建单位关联",
                "declaration.submit": "社保费申报", "declaration.void": "作废申报",
                "payment.pay": "三方协议缴费", "voucher.issue": "开具缴费凭证", "voucher.void": "作废缴费凭证",
                "agreement.add": "新增三方协议", "agreement.modify": "修改三方协议",
                "agreement.verify": "验证三方协议", "agreement.void": "作废三方协议",
                "agreement.revoke": "撤销三方协议"}
OUTBOX_FILTERS = {"all": "全部", "pending": OUTBOX_PENDING_LABEL, "confirmed": label(OutboxState.CONFIRMED),
                  "refused": label(OutboxState.REFUSED)}
OUTBOX_HELP = ("待发送队列：离线或尚未发送的业务数据在此排队，联网后按顺序发送，服务端对每一项只执行一次。"
               "被拒绝的项目显示原因。按 f 切换筛选，F7 立即同步。")
KEY_FILTER = "筛选"
KEY_REFRESH = "刷新"

# online / offline
WENT_OFFLINE = "无法连接社保费服务，已转为离线使用。"
BACK_ONLINE = "已恢复联网。"
BACK_ONLINE_LOGIN = "已恢复联网，请重新登录后同步（未保存登录凭据）。"
SYNC_DONE = f"同步完成：{label(OutboxState.CONFIRMED)}{{pushed}}项，职工新增{{added}}、变更{{changed}}、停保{{stopped}}"
SYNC_REFUSED = "有{n}项被服务拒绝，详见待发送队列（F3）。"
SYNC_OFFLINE = "离线：数据已保存在本机，联网后自动发送。"
SYNC_FAILED = "同步失败：{error}"
THEME_SAVED = "已切换为{name}主题"
THEME_LIGHT = "浅色"
THEME_DARK = "深色"
STARTING = "正在启动…"
