"""Post codes (岗位) the system knows by name; the Post table holds them as data."""

CHANNEL_MANAGER = "channel_manager"  # 渠道经理
CHANNEL_SUPERVISOR = "channel_supervisor"  # 渠道主管
BRANCH_LEADER = "branch_leader"  # 分管领导
CITY_SUPPORT = "city_support"  # 分公司业务支援中心
OUTBOUND_OPS = "outbound_ops"  # 外呼运营
PROVINCE_MARKETING = "province_marketing"  # 省市场经营部
PROVINCE_FINANCE = "province_finance"  # 省财务部
PROVINCE_SUPPORT = "province_support"  # 省业务支援中心
OUTBOUND_QA = "outbound_qa"  # 外呼质检/培训
AUDITOR = "auditor"  # 审计
ADMIN = "admin"  # 系统管理员

ALL = [
    (CHANNEL_MANAGER, "渠道经理", False),
    (CHANNEL_SUPERVISOR, "渠道主管", False),
    (BRANCH_LEADER, "分管领导", False),
    (CITY_SUPPORT, "分公司业务支援中心", False),
    (OUTBOUND_OPS, "外呼运营", False),
    (PROVINCE_MARKETING, "省市场经营部", False),
    (PROVINCE_FINANCE, "省财务部", False),
    (PROVINCE_SUPPORT, "省业务支援中心", False),
    (OUTBOUND_QA, "外呼质检/培训", False),
    (AUDITOR, "审计", True),
    (ADMIN, "系统管理员", False),
]

CHANNEL_EDITORS = {CHANNEL_MANAGER, CHANNEL_SUPERVISOR, CITY_SUPPORT, ADMIN}
REQUESTERS = {CHANNEL_MANAGER, CHANNEL_SUPERVISOR, ADMIN}
# 录入渠道: the manager enters a channel and the supervisor reviews it first (DOMAIN.md); the two duties
# are incompatible, so the supervisor does not enter channels. The admin may, for data repair.
CHANNEL_CREATORS = {CHANNEL_MANAGER, ADMIN}
# 上传附件 while the channel is exiting: the people who run the exit (direct edits are locked by then).
EXIT_UPLOADERS = {CHANNEL_MANAGER, CHANNEL_SUPERVISOR, ADMIN}
