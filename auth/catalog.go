package auth

func catalog() map[string]string {
	return map[string]string{
		// Registration and household claims (signup.go, claims.go).
		"注册": "Register", "居民注册": "Resident registration", "用手机号注册，再认领您的房屋": "Register with your phone, then claim your home",
		"我们将发送6位验证码": "We will send a 6-digit code", "获取验证码": "Send code", "验证码已发送至": "Code sent to", "有效期至": "valid until",
		"演示模式，不发短信。验证码：": "Demo mode, no text message is sent. Code: ", "验证码": "Code", "6位数字，10分钟内有效": "6 digits, valid for 10 minutes",
		"设置密码": "Choose a password", "重新获取验证码": "Send a new code", "已有账号？登录": "Have an account? Log in",
		"认领房屋": "Claim your home", "我的认领": "My claims", "家庭成员": "Family member", "已通过": "approved", "已拒绝": "refused",
		"手机号与登记的业主一致，自动通过": "the phone matches the registered owner: approved at once", "选择房屋": "Choose your home",
		"业主的手机号与住户台账登记一致时立即通过；否则由社区审核，租户和家庭成员也可由业主确认。": "An owner whose phone is the one in the household register is approved at once; otherwise the community approves, and tenants and family members may also be confirmed by the owner.",
		"请选择": "Choose", "我是": "I am", "认领": "Claim", "房屋认领审核": "Home claims to approve", "关系": "Relation", "申请时间": "Filed",
		"处理": "Decision", "通过": "Approve", "拒绝": "Refuse", "没有待审核的认领": "No claims waiting", "认领我的房屋": "Claim my home",
		"按房号认领您的房屋，成为居民": "Claim your home by its room number to become a resident", "没有账号？用手机号注册": "No account? Register with your phone",
		"登录": "Log in", "登录邻里": "Log in to Linli", "您要打开的页面需要登录，登录后将回到该页面。": "The page you asked for needs you to log in; you will be taken back to it afterwards.", "居民吹哨、网格报到": "Residents blow the whistle, the grid reports in",
		"手机号或用户名": "Phone or username", "密码": "Password", "姓名": "Name", "用户名": "Username", "手机号": "Phone", "角色": "Role",
		"上次登录": "Last login", "修改密码": "Change password", "原密码": "Current password", "新密码": "New password",
		"至少10位，含字母和数字": "At least 10 characters with letters and digits", "API 令牌": "API tokens",
		"新令牌（只显示一次）：": "New token (shown once): ", "令牌名称": "Token name", "例如：12345热线对接": "e.g. 12345 hotline link",
		"创建令牌": "Create token", "账号与角色": "Accounts and roles", "用户名或姓名": "Username or name", "状态": "Status",
		"已停用": "Disabled", "正常": "Active", "新建账号": "New account", "3到32位字母、数字、点、下划线或连字符": "3–32 letters, digits, . _ -",
		"可用手机号登录": "Can be used to log in", "初始密码": "Initial password", "确定撤销？": "Revoke?", "已撤销": "Revoked", "撤销": "Revoke",
		"尚未授予角色": "No roles yet", "范围": "Scope", "房号（仅居民）": "Room (residents only)", "例如 602": "e.g. 602", "居民角色：范围选住户所在的单元，再填房号": "For a resident: choose the unit as the scope, then type the room",
		"居民角色须绑定住户": "A resident is bound to a household", "授予角色": "Grant role", "重置密码": "Reset password",
		"启用账号": "Enable account", "停用账号": "Disable account",
		"供热线、摄像头等系统对接": "For linking systems such as the hotline or cameras", "停用后该账号不能登录，已有会话和API令牌立即失效。": "A disabled account cannot log in; its sessions and API tokens end at once.",
		"账号已停用，不能登录。": "This account is disabled and cannot log in.", "忘记密码请联系社区或平台管理员重置。": "Forgot your password? Ask your community or platform administrator to reset it.",
		"暂无账号": "No accounts yet", "没有找到账号": "No accounts found",
		"第一个角色（与账号一起创建）":                     "First role (created with the account)",
		"退出所有设备：结束全部登录（包括本机）并撤销全部API令牌":      "Sign out everywhere: end every session (this one too) and revoke every API token",
		"不勾选时，其他设备上的登录会结束，本机保持登录，API令牌不受影响。": "Unticked, sessions on other devices end, this one stays and API tokens keep working.",
		"重置后该账号的全部登录和API令牌立即失效。":             "Resetting ends all of the account's sessions and revokes its API tokens at once.",
		"停用后该账号立即退出所有登录，API令牌作废。确定停用？":       "Disabling signs the account out everywhere at once and revokes its API tokens. Disable it?",
	}
}
