/* reports.c: the table of reports; a new report is one SQL text, one template, one entry. */
#include <stddef.h>

#include "report.h"
#include "sqltext.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const opcodes[] = { "yd", "lt", "dx", NULL };
static const char *const opvals[] = { "1", "2", "3", NULL };

#define PAGE_FIELDS \
	{ "page", FT_UINT, F_NOSQL | F_DEFAULT, 1, 1000000000, NULL, NULL, "页码" }, \
	{ "per_page", FT_UINT, F_NOSQL, 1, 100, NULL, NULL, "每页条数" }

/* GET v1/task/number */
static const struct field f_task_number[] = {
	{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "任务ID" },
	PAGE_FIELDS,
	{ "status", FT_INTSET, 0, 0, 12, NULL, NULL, "号码状态" },
	{ "keyword", FT_DIGITS, 0, 0, 20, NULL, NULL, "被叫号码" },
	{ "type", FT_CODESET, 0, 0, 0, opcodes, opvals, "运营商" },
	{ "call_history", FT_FLAG, 0, 0, 1, NULL, NULL, "呼叫记录" },
};

static const struct column c_task_number[] = {
	{ "number", "被叫号码", CT_CODE, VALL, 14 },
	{ "city", "城市", CT_TEXT, VALL, 8 },
	{ "pro", "省份", CT_TEXT, VALL, 8 },
	{ "mobile_type", "运营商", CT_TEXT, VALL, 8 },
	{ "area_code", "区号", CT_CODE, VJ | VX, 6 },
	{ "post_code", "邮编", CT_CODE, VJ | VX, 8 },
	{ "id", "号码ID", CT_ID, VALL, 18 },
	{ "status_str", "状态", CT_TEXT, VALL, 14 },
	{ "callid", "呼叫ID", CT_CODE, VJ | VX, 38 },
	{ "calldate", "呼叫时间", CT_TIME, VALL, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangupcause", "挂断原因", CT_TEXT, VJ | VX, 18 },
	{ "hangupdate", "挂断时间", CT_TIME, VJ | VX, 0 },
	{ "answerdate", "接听时间", CT_TIME, VJ | VX, 0 },
	{ "is_blacklist", "黑名单", CT_BOOL, VALL, 8 },
	{ "status", "状态码", CT_INT, VJ | VX, 8 },
	{ "attempts", "呼叫次数", CT_INT, VH | VX, 8 },
	{ "call_history", "呼叫记录", CT_JSON, VJ | OMIT_NULL, 0 },
};

/* GET /tasks: the tenant's tasks with their progress */
static const struct field f_tasks[] = {
	PAGE_FIELDS,
};

static const struct column c_tasks[] = {
	{ "uuid", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "name", "任务名称", CT_TEXT, VALL, 24 },
	{ "group_str", "话术组", CT_TEXT, VALL, 16 },
	{ "start_str", "状态", CT_TEXT, VALL, 8 },
	{ "create_datetime", "创建时间", CT_TIME, VALL, 0 },
	{ "total", "号码总数", CT_INT, VALL, 10 },
	{ "dialled", "已呼叫", CT_INT, VALL, 10 },
	{ "progress", "进度(%)", CT_NUM, VALL, 10 },
	{ "connected", "接通数", CT_INT, VALL, 10 },
	{ "connect_rate", "接通率(%)", CT_NUM, VALL, 10 },
	{ "records", "通话记录", CT_INT, VALL, 10 },
};

#define FIELDS(f)	.fields = f, .nfields = NELEM(f)
#define COLUMNS(c)	.cols = c, .ncols = NELEM(c)

const struct report reports[REPORT__MAX] = {
	[REPORT_TASK_NUMBER] = {
		.name = "task_number", .title = "号码列表",
		.message = "获取号码列表成功", .env = ENV_PAGE,
		FIELDS(f_task_number), COLUMNS(c_task_number),
		.sql = sql_task_number, .count_sql = sql_task_number_count,
		.tpl = "task_number.tpl", .sheet = "号码列表", .file = "task-numbers",
	},
	[REPORT_TASKS] = {
		.name = "tasks", .title = "外呼任务",
		.message = "获取任务列表成功", .env = ENV_PAGE,
		FIELDS(f_tasks), COLUMNS(c_tasks),
		.sql = sql_tasks, .count_sql = sql_tasks_count,
		.tpl = "tasks.tpl", .sheet = "外呼任务", .file = "tasks",
	},
};
