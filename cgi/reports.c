/* reports.c: the table of reports; a new report is one SQL text, one template, one entry. */
#include <stddef.h>
#include <stdint.h>

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

/* POST v1/task/query_done_task_phones: ranges as integers; a score may be negative. */
static const struct field f_done_phones[] = {
	{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "任务ID" },
	PAGE_FIELDS,
	{ "id", FT_UUID, 0, 0, 0, NULL, NULL, "通话记录ID" },
	{ "levels", FT_RANGES, 0, INT32_MIN, INT32_MAX, NULL, NULL, "评分区间" },
	{ "keyword", FT_DIGITS, 0, 0, 20, NULL, NULL, "被叫号码" },
	{ "bills", FT_RANGE, 0, 0, 1000000000, NULL, NULL, "通话时长(秒)" },
	{ "rounds", FT_RANGE, 0, 0, INT32_MAX, NULL, NULL, "交互轮数" },
	{ "tags", FT_UUIDSET, 0, 0, 0, NULL, NULL, "标签" },
	{ "start_at", FT_TIME, 0, 0, 0, NULL, NULL, "开始时间" },
	{ "end_at", FT_TIME, 0, 0, 0, NULL, NULL, "结束时间" },
};

/* In the vendor example's key order; the nested parts are text in HTML and XLSX. */
static const struct column c_done_phones[] = {
	{ "tags", "标签", CT_JSON, VJ, 0 },
	{ "tag_groups", "母标签", CT_JSON, VJ, 0 },
	{ "operator_name", "运营商", CT_TEXT, VJ | VX, 8 },
	{ "id", "通话记录ID", CT_CODE, VJ | VX, 38 },
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "group_id", "话术组ID", CT_ID, VJ | VX, 18 },
	{ "callid", "呼叫ID", CT_CODE, VJ | VX, 38 },
	{ "score", "得分", CT_INT, VALL, 8 },
	{ "callee", "被叫号码", CT_CODE, VALL, 14 },
	{ "caller_number", "主叫号码", CT_CODE, VJ | VX, 14 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VJ | VX, 0 },
	{ "error_code", "错误码", CT_INT, VJ | VX, 8 },
	{ "gender", "性别码", CT_INT, VJ | VX, 8 },
	{ "level_id", "等级ID", CT_CODE, VJ | VX, 38 },
	{ "calldate", "呼叫时间", CT_TIME, VALL, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangupcause", "挂断原因", CT_TEXT, VJ | VX, 18 },
	{ "hangupdate", "挂断时间", CT_TIME, VJ | VX, 0 },
	{ "answerdate", "接听时间", CT_TIME, VJ | VX, 0 },
	{ "recordfile", "录音文件", CT_TEXT, VJ | VX, 40 },
	{ "bridge_callid", "转接呼叫ID", CT_CODE, VJ | VX, 0 },
	{ "bridge_number", "转接号码", CT_CODE, VJ | VX, 0 },
	{ "bridge_calldate", "转接时间", CT_TIME, VJ | VX, 0 },
	{ "bridge_answerdate", "转接接听时间", CT_TIME, VJ | VX, 0 },
	{ "hangup_disposition", "挂断方码", CT_INT, VJ | VX, 8 },
	{ "created_at", "创建时间", CT_TIME, VJ | VX, 0 },
	{ "updated_at", "更新时间", CT_TIME, VJ | VX, 0 },
	{ "rounds", "交互轮数", CT_INT, VALL, 8 },
	{ "level_name", "意向等级", CT_TEXT, VALL, 14 },
	{ "bredge_number", "bredge_number", CT_CODE, VJ, 0 },
	{ "read_at", "查看时间", CT_TIME, VJ | VX, 0 },
	{ "province_id", "省ID", CT_ID, VJ | VX, 8 },
	{ "city_id", "市ID", CT_ID, VJ | VX, 8 },
	{ "operator", "运营商码", CT_INT, VJ | VX, 8 },
	{ "level", "等级", CT_JSON, VJ, 0 },
	{ "gender_str", "性别", CT_TEXT, VALL, 8 },
	{ "hangup_disposition_str", "挂断方", CT_TEXT, VALL, 8 },
	{ "city", "城市", CT_JSON, VJ, 0 },
	{ "province", "省份", CT_JSON, VJ, 0 },
	{ "tags_text", "标签", CT_TEXT, VH | VX, 24 },
	{ "tag_groups_text", "母标签", CT_TEXT, VH | VX, 16 },
	{ "province_name", "省份", CT_TEXT, VH | VX, 8 },
	{ "city_name", "城市", CT_TEXT, VH | VX, 8 },
};

/* GET v1/record/{record_id} */
static const struct field f_record[] = {
	{ "record_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "通话记录ID" },
};

static const struct column c_record[] = {
	{ "id", "通话记录ID", CT_CODE, VJ | VX, 38 },
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "group_id", "话术组ID", CT_ID, VJ | VX, 18 },
	{ "callid", "呼叫ID", CT_CODE, VJ | VX, 38 },
	{ "score", "得分", CT_INT, VALL, 8 },
	{ "callee", "被叫号码", CT_CODE, VALL, 14 },
	{ "caller_number", "主叫号码", CT_CODE, VALL, 14 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VALL, 0 },
	{ "error_code", "错误码", CT_INT, VJ | VX, 8 },
	{ "gender", "性别码", CT_INT, VJ | VX, 8 },
	{ "level_id", "等级ID", CT_CODE, VJ | VX, 38 },
	{ "calldate", "呼叫时间", CT_TIME, VALL, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangupcause", "挂断原因", CT_TEXT, VALL, 18 },
	{ "hangupdate", "挂断时间", CT_TIME, VALL, 0 },
	{ "answerdate", "接听时间", CT_TIME, VALL, 0 },
	{ "recordfile", "录音文件", CT_TEXT, VJ | VX, 40 },
	{ "bridge_callid", "转接呼叫ID", CT_CODE, VJ | VX, 0 },
	{ "bridge_number", "转接号码", CT_CODE, VJ | VX, 0 },
	{ "bridge_calldate", "转接时间", CT_TIME, VJ | VX, 0 },
	{ "bridge_answerdate", "转接接听时间", CT_TIME, VJ | VX, 0 },
	{ "hangup_disposition", "挂断方码", CT_INT, VJ | VX, 8 },
	{ "created_at", "创建时间", CT_TIME, VJ | VX, 0 },
	{ "updated_at", "更新时间", CT_TIME, VJ | VX, 0 },
	{ "rounds", "交互轮数", CT_INT, VALL, 8 },
	{ "level_name", "意向等级", CT_TEXT, VALL, 14 },
	{ "bredge_number", "bredge_number", CT_CODE, VJ, 0 },
	{ "read_at", "查看时间", CT_TIME, VALL, 0 },
	{ "province_id", "省ID", CT_ID, VJ | VX, 8 },
	{ "city_id", "市ID", CT_ID, VJ | VX, 8 },
	{ "operator", "运营商码", CT_INT, VJ | VX, 8 },
	{ "gender_str", "性别", CT_TEXT, VALL, 8 },
	{ "hangup_disposition_str", "挂断方", CT_TEXT, VALL, 8 },
	{ "task_name", "任务名称", CT_TEXT, VH | VX, 24 },
	{ "tags_text", "标签", CT_TEXT, VH | VX, 24 },
	{ "operator_name", "运营商", CT_TEXT, VH | VX, 8 },
	{ "province_name", "省份", CT_TEXT, VH | VX, 8 },
	{ "city_name", "城市", CT_TEXT, VH | VX, 8 },
};

/* GET v1/task/record_info/{task_id}/{record_id}: JSON is one document made by SQL. */
static const struct field f_record_info[] = {
	{ "task_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "任务ID" },
	{ "record_id", FT_UUID, F_REQUIRED, 0, 0, NULL, NULL, "通话记录ID" },
};

static const struct column c_record_info[] = {
	{ "body", "通话详情", CT_JSON, VJ, 0 },
};

/* record_info as HTML and XLSX: the shown turns, each with the call's facts. */
static const struct column c_transcript[] = {
	{ "sequence", "序号", CT_INT, VALL, 6 },
	{ "speaker", "说话人", CT_TEXT, VALL, 8 },
	{ "text", "内容", CT_TEXT, VALL, 60 },
	{ "keyword", "关键词", CT_TEXT, VALL, 10 },
	{ "answer_text", "话术", CT_TEXT, VALL, 12 },
	{ "tags", "标签", CT_TEXT, VALL, 16 },
	{ "score", "得分", CT_INT, VALL, 6 },
	{ "notify", "事件", CT_TEXT, VX, 18 },
	{ "record_id", "通话记录ID", CT_CODE, VX, 38 },
	{ "task_id", "任务ID", CT_CODE, VX, 38 },
	{ "task_name", "任务名称", CT_TEXT, VX, 24 },
	{ "callee", "被叫号码", CT_CODE, VX, 14 },
	{ "calldate", "呼叫时间", CT_TIME, VX, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VX, 0 },
	{ "rounds", "交互轮数", CT_INT, VX, 8 },
	{ "record_score", "通话得分", CT_INT, VX, 8 },
	{ "level_name", "意向等级", CT_TEXT, VX, 14 },
	{ "gender_str", "性别", CT_TEXT, VX, 8 },
	{ "hangup_disposition_str", "挂断方", CT_TEXT, VX, 8 },
	{ "recordfile", "录音文件", CT_TEXT, VX, 40 },
};

/* GET v1/setting/record_level */
static const struct column c_record_level[] = {
	{ "id", "等级ID", CT_CODE, VJ | VX, 38 },
	{ "name", "等级", CT_TEXT, VALL, 8 },
	{ "alias", "别名", CT_TEXT, VALL, 14 },
	{ "color", "颜色", CT_CODE, VALL, 10 },
	{ "score_min", "最低分", CT_INT, VALL, 8 },
	{ "score_max", "最高分", CT_INT, VALL, 8 },
};

/* GET v1/tag/usable_tags */
static const struct column c_usable_tags[] = {
	{ "id", "标签ID", CT_CODE, VJ | VX, 38 },
	{ "name", "标签", CT_TEXT, VALL, 14 },
	{ "description", "描述", CT_TEXT, VALL, 24 },
	{ "color", "颜色", CT_CODE, VALL, 10 },
	{ "user_id", "用户ID", CT_CODE, VJ, 0 },
	{ "status", "启用", CT_BOOL, VALL, 6 },
	{ "created_at", "创建时间", CT_TIME, VALL, 0 },
	{ "updated_at", "更新时间", CT_TIME, VJ | VX, 0 },
	{ "tag_group", "母标签", CT_JSON, VJ, 0 },
	{ "tag_group_text", "母标签", CT_TEXT, VH | VX, 16 },
	{ "tag_scene_text", "业务场景", CT_TEXT, VH | VX, 16 },
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
	[REPORT_DONE_PHONES] = {
		.name = "done_phones", .title = "通话记录",
		.message = "获取通话记录成功", .env = ENV_PAGE_BARE,
		FIELDS(f_done_phones), COLUMNS(c_done_phones),
		.sql = sql_done_phones, .count_sql = sql_done_phones_count,
		.tpl = "done_phones.tpl", .sheet = "通话记录", .file = "call-records",
		.page_path = "/tasks/:task_id/records",
	},
	[REPORT_RECORD] = {
		.name = "record", .title = "通话简要信息",
		.message = "获取任务信息成功", .env = ENV_OBJECT,
		FIELDS(f_record), COLUMNS(c_record),
		.sql = sql_record,
		.tpl = "record.tpl", .sheet = "通话记录", .file = "call-record",
	},
	[REPORT_RECORD_INFO] = {
		.name = "record_info", .title = "通话详情",
		.message = "获取通话详情成功", .env = ENV_RAW,
		FIELDS(f_record_info), COLUMNS(c_record_info),
		.sql = sql_record_info,
		.alt = REPORT_TRANSCRIPT + 1,
	},
	[REPORT_TRANSCRIPT] = {
		.name = "transcript", .title = "通话详情",
		.message = "获取通话详情成功", .env = ENV_LIST, .scoped = true,
		FIELDS(f_record_info), COLUMNS(c_transcript),
		.sql = sql_transcript,
		.tpl = "transcript.tpl", .sheet = "通话内容", .file = "call-transcript",
	},
	[REPORT_RECORD_LEVEL] = {
		.name = "record_level", .title = "评分等级",
		.message = "获取评分等级成功", .env = ENV_LIST,
		.fields = NULL, .nfields = 0, COLUMNS(c_record_level),
		.sql = sql_record_level,
		.tpl = "record_level.tpl", .sheet = "评分等级", .file = "record-levels",
	},
	[REPORT_USABLE_TAGS] = {
		.name = "usable_tags", .title = "可用标签",
		.message = "获取标签成功", .env = ENV_LIST,
		.fields = NULL, .nfields = 0, COLUMNS(c_usable_tags),
		.sql = sql_usable_tags,
		.tpl = "usable_tags.tpl", .sheet = "可用标签", .file = "usable-tags",
	},
};
