"""Text of 证明打印 (SPEC C1–C4; manual 000 §6, 001 §2.4, 002 §7, 003 §7.3): 税收完税证明（非印刷）
开具, 补开, 完税证明查验, 单位缴费证明, 职工缴费证明 — in the official client's words."""

MENU_GROUP = "证明打印"
TITLE_ISSUE = "税收完税证明（非印刷）开具"
TITLE_REISSUE = "税收完税证明（非印刷）补开"
TITLE_VERIFY = "完税证明查验"
TITLE_UNIT = "单位缴费证明"
TITLE_EMPLOYEE = "职工缴费证明"

HELP_ISSUE = (
    "用人单位完成社会保险费缴纳后，可自助开具《税收完税证明（非印刷）》。首先输入要打印完税证明的属期查询条件"
    "（税款所属期起止，YYYY-MM），按 Enter 查询，下方列表带出符合条件的已入库缴款记录（已开具的标明证明号码）。\n"
    "Space 勾选 · a 全部勾选未开具的记录 · o 开具（未勾选时开具列表中全部未开具的记录）→ 票样打印方式选择："
    "①分开方式：按列表展示的方式打印（每个电子税票号码一张）；②合并方式：按照相同“电子税票号码、征收项目、"
    "征收品目、入库日期”，同一年度（属期）且费款所属期连续的数据合并打印。确定后将《税收完税证明（非印刷）》"
    "以 PDF 文件的格式保存，并显示证明号码（No.）和验证码。开具需要联网。\n"
    "f 查询条件 · F5 / u 刷新 · Enter 查看明细。已开具的完税证明丢失或需要重新打印的，请使用“税收完税证明（非印刷）补开”。"
)
HELP_REISSUE = (
    "已经开具过的税收完税证明丢失或需要重新打印的，可在此补开：按开具日期（填发日期）起止或证明号码查询，"
    "选择后按 p 补开，证明内容不变，打印次数加一（“第 N 次打印”），以 PDF 文件的格式保存。\n"
    "Enter 查看明细 · p 补开 · f 查询条件 · F5 / u 刷新。补开需要联网。"
)
HELP_VERIFY = (
    "输入完税证明的证明号码（No.）和验证码，按 Enter 查验：显示该证明是否真实，以及真实证明的纳税人、"
    "填发日期、金额合计、打印次数和所列的缴款记录。号码或验证码不符的，查验结果为“不是真实的”。查验需要联网。\n"
    "Tab 下一项 · Enter / Ctrl+S 查验 · Esc 返回。"
)
HELP_PROOF = (
    "按费款所属期起止开具{title}：逐月、逐险种列出缴费基数和实缴金额，合计金额以大写和小写填写，"
    "以 PDF 文件的格式保存。数据为税务服务返回的已入库缴费记录；本证明为客户端生成，不加盖印章，"
    "如需加盖印章请到主管税务机关或社保经办机构办理。\n"
    "f 查询条件：输入费款所属期起止后按 Enter 查询 · p 打印（保存为 PDF）· F5 / u 重新查询。"
)
HELP_PROOF_EMPLOYEE = "职工：输入身份证件号码或姓名只开具该职工的证明，留空开具全部职工（每人一页）。"

# keys
KEY_TICK = "勾选"
KEY_TICK_ALL = "全部勾选"
KEY_ISSUE = "开具"
KEY_REISSUE = "补开"
KEY_VERIFY = "查验"
KEY_VIEW = "查看"
KEY_FILTER = "查询条件"
KEY_REFRESH = "刷新"
KEY_PRINT = "打印"

# 开具
F_PERIOD_FROM = "税款所属期起"
F_PERIOD_TO = "税款所属期止"
PERIOD_ORDER = "税款所属期止不能早于税款所属期起"
ISSUE_COLUMNS = ("选", "品目名称", "税款所属时期", "实缴金额", "完税证明", "入库日期", "电子税票号码", "税种")
NOT_ISSUED = "未开具"
TICK = "✓"
LATE_FEE = "滞纳金"
ISSUE_COUNT = "共 {n} 条缴款记录，未开具 {open} 条 · 已勾选 {ticked} 条，合计 {total} 元"
ISSUE_EMPTY = "所选属期没有已入库的缴款记录。若刚缴费，请按 F5 刷新。"
ISSUE_NOTE = "{item}（{type}）· 单位编号 {unit} · 申报记录 {decl}"
ISSUE_NOTE_LATE = " · 滞纳金 {late} 元"
ISSUE_NOTE_DONE = " · 已开具完税证明 {number}"
NOTHING_OPEN = "列表中没有未开具完税证明的记录"
TICKED_DONE = "已开具完税证明的记录不能再次开具，请使用“税收完税证明（非印刷）补开”"
MODE_TITLE = "票样打印方式选择"
MODE_SEPARATE = "①分开方式：按照页面列表展示的方式打印完税证明"
MODE_MERGED = ("②合并方式：按照相同“电子税票号码、征收项目、征收品目、入库日期”，同一年度（属期）"
               "且费款所属期连续的数据合并打印")
MODE_HEAD = "开具 {n} 条缴款记录（合计 {total} 元）的完税证明，请选择打印方式："
MODE_HINT = "↑↓ 选择 · Enter 确定 · Esc 取消"
ISSUING = "正在开具完税证明…"
SAVE_TITLE = "保存税收完税证明（非印刷）"
SAVE_PROMPT = "将《税收完税证明（非印刷）》{number} 以 PDF 文件的格式保存到："
SAVE_PROMPT_MANY = "共开具 {n} 张完税证明。将第一张（{number}）保存到（其余保存在同一文件夹，文件名为各自的证明号码）："
FILE_NAME = "税收完税证明_{number}.pdf"
ISSUED_TITLE = "开具成功"
ISSUED_ONE = "No. {number} · 验证码 {code} · 金额合计 {total} 元 · 第 {count} 次打印"
ISSUED_SAVED = "已保存到 {path}"
ISSUED_NOT_SAVED = "未保存 PDF，可在“税收完税证明（非印刷）补开”中重新打印（打印次数加一）。"
ISSUED_SAVE_FAILED = "PDF 保存失败：{error}。可在“税收完税证明（非印刷）补开”中重新打印。"
ISSUE_FAILED_TITLE = "开具失败"
OFFLINE_LIST = "无法连接服务：显示的是上次获取的缴款记录，开具需要联网。"
REFRESHED = "已刷新：{n} 条已入库缴款记录"
CERT_DETAIL_TITLE = "税收完税证明（非印刷）{number}"
CERT_DETAIL_HEAD = ("No. {number} · 填发日期 {issued} · 第 {count} 次打印 · 验证码 {code}\n"
                    "税务机关 {authority} · 纳税人识别号 {uscc} · 纳税人名称 {name}\n"
                    "金额合计（大写）{words} · ¥{total}{remark}")
CERT_DETAIL_REMARK = " · 备注 {remark}"
CERT_ROW_COLUMNS = ("原凭证号", "税种", "品目名称", "税款所属时期", "入(退)库日期", "实缴(退)金额")
DETAIL_HINT = "Esc 返回"

# 补开
F_DATE_FROM = "开具日期起"
F_DATE_TO = "开具日期止"
F_NUMBER = "证明号码"
REISSUE_COLUMNS = ("证明号码", "填发日期", "开具方式", "金额合计（元）", "打印次数", "验证码", "行数")
MODE_LABELS = {"separate": "分开", "merged": "合并"}
REISSUE_COUNT = "共 {n} 张完税证明"
REISSUE_EMPTY = "没有已开具的完税证明（可按 F5 刷新，或在“税收完税证明（非印刷）开具”中开具）"
REISSUE_NOTE = "{rows} · 税务机关 {authority}{remark}"
REISSUE_CONFIRM = "补开完税证明 {number}？补开后打印次数为第 {count} 次。"
REISSUED_TITLE = "补开成功"
REISSUE_FAILED_TITLE = "补开失败"

# 查验
F_VERIFY_NUMBER = "证明号码（No.）"
F_VERIFY_CODE = "验证码"
VERIFY_NEED = "请输入证明号码和验证码"
VERIFYING = "正在查验…"
VERIFY_HINT = "输入证明号码和验证码后按 Enter 查验"
VERIFY_GENUINE = ("查验结果：真实\n证明号码 {number} · 填发日期 {issued} · 第 {count} 次打印\n"
                  "纳税人识别号 {uscc} · 纳税人名称 {name}\n金额合计（大写）{words} · ¥{total}")
VERIFY_FORGED = "查验结果：不是真实的\n证明号码 {number} 与验证码不符，或该证明不存在。"
VERIFY_OFFLINE = "当前无法连接服务，查验需要联网。"
VERIFY_FAILED = "查验失败：{error}"

# 单位缴费证明, 职工缴费证明
F_PROOF_FROM = "费款所属期起"
F_PROOF_TO = "费款所属期止"
F_PROOF_EMPLOYEE = "证件号码或姓名（空为全部职工）"
PROOF_UNIT_COLUMNS = ("费款所属期", "险种", "缴费人数", "缴费基数", "单位缴纳", "个人缴纳", "滞纳金", "实缴金额")
PROOF_EMPLOYEE_COLUMNS = ("姓名", "证件号码", "费款所属期", "险种", "缴费基数", "单位缴纳", "个人缴纳", "滞纳金",
                          "实缴金额")
PROOF_COUNT = "共 {n} 行 · 实缴金额合计 {total} 元"
PROOF_NOTE_UNIT = "{name}（{uscc}）· 单位编号 {units}"
PROOF_NOTE_EMPLOYEE = "{name} · {id_type} {id_number} · 人员编号 {number} · 该职工实缴金额合计 {total} 元"
PROOF_EMPTY = "所选费款所属期没有已入库的缴费记录"
PROOF_NEED = "请输入费款所属期起止（YYYY-MM）后按 Enter 查询"
PROOF_SAVE_PROMPT = "将《{title}》以 PDF 文件的格式保存到："
PROOF_FILE = "{title}_{period_from}_{period_to}.pdf"
PROOF_LOADING = "正在查询已入库的缴费记录…"
PROOF_WRITING = "正在生成 PDF…"
PROOF_SAVED = "已保存到 {path}"
PROOF_FAILED = "打印失败：{error}"
