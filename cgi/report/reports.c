/* reports.c: the table of reports; a new report is one SQL text, one template, one entry. */
#include <stddef.h>
#include <stdint.h>

#include "render/hook.h"
#include "report/reports.h"
#include "sqltext.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The column tables below look alike line by line (the duplicates tool pairs
 * them): they are data, one row a column. Tables that share columns (a call
 * record in v1/record and in query_done_task_phones) are each the endpoint's
 * own: the vendor's key order differs between them, and so do the views a
 * column shows in. test_report_contract.py checks each against its SQL.
 */

static const char *const opcodes[] = { "yd", "lt", "dx", NULL };
static const char *const opvals[] = { "1", "2", "3", NULL };
/* none[]: the things a number or a call record may lack (the SQL takes the codes as text[]). */
static const char *const number_nones[] = { "province", "operator", NULL };
static const char *const record_nones[] = { "level", "province", "operator", "hangupcause", NULL };

static const char *const number_sort_codes[] = { "id", "status", NULL };
static const char *const record_sort_codes[] = { "calldate", "score", "bill", "rounds", NULL };
static const char *const dirs[] = { "asc", "desc", NULL };

/* sort= and dir= of a page (an extension; without them the contract's order). */
#define SORT_FIELDS(codes) \
	{ "sort", FT_CODESET, F_NOSQL, 0, 0, codes, codes, "排序" }, \
	{ "dir", FT_CODESET, F_NOSQL, 0, 0, dirs, dirs, "顺序" }

/*
 * A period (input/period.h): a shortcut, or start_at and end_at; the engine
 * resolves it into the four times (prev_*: the previous period of the same
 * length, never read from the request).
 */
#define PERIOD_SHORTCUT \
	{ "period", FT_TEXT, F_NOSQL, 0, 32, NULL, NULL, "时间段" }
#define PERIOD_TIMES \
	{ "start_at", FT_TIME, 0, 0, 0, NULL, NULL, "开始时间" }, \
	{ "end_at", FT_TIME, 0, 0, 0, NULL, NULL, "结束时间" }
#define PERIOD_FIELDS \
	PERIOD_SHORTCUT, \
	PERIOD_TIMES, \
	{ "prev_start_at", FT_TIME, F_DERIVED, 0, 0, NULL, NULL, "上期开始时间" }, \
	{ "prev_end_at", FT_TIME, F_DERIVED, 0, 0, NULL, NULL, "上期结束时间" }

/*
 * columns=: a workbook's columns by key, in the order given (file_columns,
 * render/file.h, checks them against the report's VX columns).
 */
#define COLUMNS_FIELD \
	{ "columns", FT_KEYS, F_NOSQL, 0, 64, NULL, NULL, "列" }

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
	/* The pages' extensions: the overview's rows link here with them. */
	{ "province", FT_UINT, 0, 0, INT32_MAX, NULL, NULL, "省份" },
	PERIOD_SHORTCUT,
	PERIOD_TIMES,
	{ "hour", FT_UINT, 0, 0, 23, NULL, NULL, "呼叫时段(时)" },
	/* A page's filter (F_PAGE: never the JSON's): the overview's 未知 rows. */
	{ "none", FT_CODESET, F_PAGE, 0, 0, number_nones, number_nones, "未记录" },
	/* HTML and XLSX: one row per call attempt (REPORT_TASK_ATTEMPTS). */
	{ "attempts", FT_FLAG, F_NOSQL, 0, 1, NULL, NULL, "每次呼叫一行" },
	SORT_FIELDS(number_sort_codes),
	COLUMNS_FIELD,
};

/* Orders of the numbers page, each served by an index on (task_id, ..., id). */
static const struct sort s_task_number[] = {
	{ "id", "ORDER BY n.task_id, n.id", "ORDER BY n.task_id DESC, n.id DESC" },
	{ "status", "ORDER BY n.task_id, n.status, n.id",
	  "ORDER BY n.task_id DESC, n.status DESC, n.id DESC" },
	{ NULL, NULL, NULL },
};

static const struct column c_task_number[] = {
	{ "number", "被叫号码", CT_CODE, VALL, 14 },
	{ "city", "城市", CT_TEXT, VALL, 8 },
	{ "pro", "省份", CT_TEXT, VALL, 8 },
	{ "mobile_type", "运营商", CT_TEXT, VALL, 8 },
	{ "area_code", "区号", CT_CODE, VJ | VX, 6 },
	{ "post_code", "邮编", CT_CODE, VJ | VX, 8 },
	{ "id", "号码ID", CT_ID, VALL, 18 },
	{ "status_str", "状态", CT_TEXT, VALL | XSUM, 14 },
	{ "callid", "呼叫ID", CT_CODE, VJ | VX, 38 },
	{ "calldate", "呼叫时间", CT_TIME, VALL, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangupcause_str", "挂断原因", CT_TEXT, VH | VX, 14 },
	{ "hangupcause", "挂断原因码", CT_TEXT, VJ | VX, 18 },
	{ "hangupdate", "挂断时间", CT_TIME, VJ | VX, 0 },
	{ "answerdate", "接听时间", CT_TIME, VJ | VX, 0 },
	{ "is_blacklist", "黑名单", CT_BOOL, VALL, 8 },
	{ "status", "状态码", CT_INT, VJ | VX, 8 },
	{ "attempts", "呼叫次数", CT_INT, VH | VX, 8 },
	{ "call_history", "呼叫记录", CT_JSON, VJ | OMIT_NULL, 0 },
};

/* v1/task/number?attempts=1 as HTML and XLSX: one row per call attempt. */
static const struct column c_task_attempts[] = {
	{ "number", "被叫号码", CT_CODE, VH | VX, 14 },
	{ "number_id", "号码ID", CT_ID, VH | VX, 18 },
	{ "number_status_str", "号码状态", CT_TEXT, VH | VX, 14 },
	{ "attempt", "呼叫次序", CT_INT, VH | VX, 8 },
	{ "call_time", "呼叫时间", CT_TIME, VH | VX, 0 },
	{ "status_str", "本次结果", CT_TEXT, VH | VX | XSUM, 14 },
	{ "status", "结果码", CT_INT, VX, 8 },
	{ "call_status_str", "呼叫状态", CT_TEXT, VX, 12 },
	{ "call_status", "呼叫状态码", CT_TEXT, VX, 14 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VH | VX, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VH | VX, 0 },
	{ "hangup_cause_str", "挂断原因", CT_TEXT, VH | VX, 14 },
	{ "hangup_cause", "挂断原因码", CT_TEXT, VX, 18 },
	{ "hangup_code", "挂断码", CT_CODE, VX, 8 },
	{ "calling_number", "主叫号码", CT_CODE, VH | VX, 14 },
	{ "call_id", "呼叫ID", CT_CODE, VX, 38 },
	{ "record_file", "录音文件", CT_TEXT, VX, 40 },
	{ "city", "城市", CT_TEXT, VH | VX, 8 },
	{ "pro", "省份", CT_TEXT, VH | VX, 8 },
	{ "mobile_type", "运营商", CT_TEXT, VH | VX, 8 },
	{ "id", "呼叫记录ID", CT_ID, VX, 18 },
};

/* GET /tasks: the tenant's tasks with their progress (over a period, when one is given) */
static const struct field f_tasks[] = {
	PAGE_FIELDS,
	PERIOD_FIELDS,
	COLUMNS_FIELD,
};

static const struct column c_tasks[] = {
	{ "uuid", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "name", "任务名称", CT_TEXT, VALL, 24 },
	{ "group_str", "话术组", CT_TEXT, VALL, 16 },
	{ "start_str", "状态", CT_TEXT, VALL, 8 },
	{ "create_datetime", "创建时间", CT_TIME, VALL, 0 },
	{ "total", "号码总数", CT_INT, VALL, 10 },
	{ "dialled", "已呼叫", CT_INT, VALL, 10 },
	{ "progress", "进度(%)", CT_NUM, VALL | XPCT, 10 },
	{ "connected", "接通数", CT_INT, VALL, 10 },
	{ "connect_rate", "接通率(%)", CT_NUM, VALL | XPCT, 10 },
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
	PERIOD_SHORTCUT,
	PERIOD_TIMES,
	/* An extension: the overview's hangup-cause rows link here with it. */
	{ "hangupcause", FT_TEXT, 0, 1, 64, NULL, NULL, "挂断原因" },
	/*
	 * The pages' filters (F_PAGE: the JSON, the contract's, never reads
	 * them), with which the overview's rows link here: done_phones.sql.
	 */
	{ "level", FT_UUIDSET, F_PAGE, 0, 0, NULL, NULL, "意向等级" },
	{ "province", FT_INTSET, F_PAGE, 1, INT32_MAX, NULL, NULL, "省份" },
	{ "operator", FT_CODESET, F_PAGE, 0, 0, opcodes, opvals, "运营商" },
	{ "none", FT_CODESET, F_PAGE, 0, 0, record_nones, record_nones, "未记录" },
	/* An utterance's name: 255 characters as the import takes one, 4 bytes each at most. */
	{ "dropoff", FT_TEXT, F_PAGE, 1, 1020, NULL, NULL, "客户挂断前的话术" },
	SORT_FIELDS(record_sort_codes),
	COLUMNS_FIELD,
};

/* Orders of the call records page: indexes on (task_id, calldate|score|bill|rounds). */
static const struct sort s_done_phones[] = {
	{ "calldate", "ORDER BY r.calldate, r.id", "ORDER BY r.calldate DESC, r.id DESC" },
	{ "score", "ORDER BY r.score, r.id", "ORDER BY r.score DESC, r.id DESC" },
	{ "bill", "ORDER BY r.bill, r.id", "ORDER BY r.bill DESC, r.id DESC" },
	{ "rounds", "ORDER BY r.rounds, r.id", "ORDER BY r.rounds DESC, r.id DESC" },
	{ NULL, NULL, NULL },
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
	{ "callee", "号码", CT_CODE, VALL, 14 },
	{ "caller_number", "主叫号码", CT_CODE, VJ | VX, 14 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VJ | VX, 0 },
	{ "error_code", "错误码", CT_INT, VJ | VX, 8 },
	{ "gender", "性别码", CT_INT, VJ | VX, 8 },
	{ "level_id", "等级ID", CT_CODE, VJ | VX, 38 },
	{ "calldate", "呼叫时间", CT_TIME, VALL, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangupcause_str", "挂断原因", CT_TEXT, VH | VX, 14 },
	{ "hangupcause", "挂断原因码", CT_TEXT, VJ | VX, 18 },
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
	{ "level_name", "意向等级", CT_TEXT, VALL | XSUM, 14 },
	{ "bredge_number", "bredge_number", CT_CODE, VJ, 0 },
	{ "read_at", "查看时间", CT_TIME, VJ | VX, 0 },
	{ "province_id", "省ID", CT_ID, VJ | VX, 8 },
	{ "city_id", "市ID", CT_ID, VJ | VX, 8 },
	{ "operator", "运营商码", CT_INT, VJ | VX, 8 },
	{ "level", "等级", CT_JSON, VJ, 0 },
	{ "gender_str", "性别", CT_TEXT, VALL, 8 },
	{ "hangup_disposition_str", "挂断方", CT_TEXT, VALL | XSUM, 8 },
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
	COLUMNS_FIELD,
};

static const struct column c_record[] = {
	{ "id", "通话记录ID", CT_CODE, VJ | VX, 38 },
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "group_id", "话术组ID", CT_ID, VJ | VX, 18 },
	{ "callid", "呼叫ID", CT_CODE, VJ | VX, 38 },
	{ "score", "得分", CT_INT, VALL, 8 },
	{ "callee", "号码", CT_CODE, VALL, 14 },
	{ "caller_number", "主叫号码", CT_CODE, VALL, 14 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VALL, 0 },
	{ "error_code", "错误码", CT_INT, VJ | VX, 8 },
	{ "gender", "性别码", CT_INT, VJ | VX, 8 },
	{ "level_id", "等级ID", CT_CODE, VJ | VX, 38 },
	{ "calldate", "呼叫时间", CT_TIME, VALL, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangupcause_str", "挂断原因", CT_TEXT, VH | VX, 14 },
	{ "hangupcause", "挂断原因码", CT_TEXT, VJ | VX, 18 },
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
	COLUMNS_FIELD,
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
	{ "notify_str", "事件", CT_TEXT, VX, 10 },
	{ "notify", "事件码", CT_TEXT, VX, 18 },
	{ "record_id", "通话记录ID", CT_CODE, VX, 38 },
	{ "task_id", "任务ID", CT_CODE, VX, 38 },
	{ "task_name", "任务名称", CT_TEXT, VX, 24 },
	{ "callee", "号码", CT_CODE, VX, 14 },
	{ "calldate", "呼叫时间", CT_TIME, VX, 0 },
	{ "bill", "通话时长(毫秒)", CT_MS, VX, 0 },
	{ "rounds", "交互轮数", CT_INT, VX, 8 },
	{ "record_score", "通话得分", CT_INT, VX, 8 },
	{ "level_name", "意向等级", CT_TEXT, VX, 14 },
	{ "gender_str", "性别", CT_TEXT, VX, 8 },
	{ "hangup_disposition_str", "挂断方", CT_TEXT, VX, 8 },
	{ "recordfile", "录音文件", CT_TEXT, VX, 40 },
};

/* The fields of a list without filters: its workbook's columns. */
static const struct field f_columns[] = {
	COLUMNS_FIELD,
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

/* GET /numbers/{number_id}/history: every attempt on one number, newest first. */
static const struct field f_number_history[] = {
	{ "number_id", FT_UINT, F_REQUIRED, 1, INT64_MAX, NULL, NULL, "号码ID" },
	PAGE_FIELDS,
	COLUMNS_FIELD,
};

/* The keys of a v1 call_history item, and the call record an attempt became. */
static const struct column c_number_history[] = {
	{ "id", "呼叫记录ID", CT_ID, VJ | VX, 18 },
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "call_id", "呼叫ID", CT_CODE, VJ | VX, 38 },
	{ "number_id", "号码ID", CT_ID, VJ | VX, 18 },
	{ "number", "被叫号码", CT_CODE, VJ | VX, 14 },
	{ "call_time", "呼叫时间", CT_TIME, VALL, 0 },
	{ "duration", "呼叫时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangup_cause_str", "挂断原因", CT_TEXT, VH | VX, 14 },
	{ "hangup_cause", "挂断原因码", CT_TEXT, VJ | VX, 18 },
	{ "hangup_code", "挂断码", CT_CODE, VJ | VX, 8 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "call_status_str", "呼叫状态", CT_TEXT, VH | VX, 10 },
	{ "call_status", "呼叫状态码", CT_TEXT, VJ | VX, 12 },
	{ "status", "结果码", CT_INT, VJ | VX, 8 },
	{ "record_file", "录音文件", CT_TEXT, VJ | VX, 40 },
	{ "calling_number", "主叫号码", CT_CODE, VALL, 14 },
	{ "status_str", "呼叫结果", CT_TEXT, VALL, 14 },
	{ "record_id", "通话记录ID", CT_CODE, VJ | VX, 38 },
};

/* GET /search: a number, whole or by its last 4 or more digits, across the tenant's tasks. */
static const struct field f_search[] = {
	{ "q", FT_DIGITS, F_REQUIRED, 4, 20, NULL, NULL, "号码" },
	PAGE_FIELDS,
	COLUMNS_FIELD,
};

/* A number row (kind "number") or a call attempt on it (kind "call"). */
static const struct column c_search[] = {
	{ "kind_str", "类型", CT_TEXT, VH | VX, 6 },
	{ "kind", "类型码", CT_TEXT, VJ | VX, 8 },
	{ "number", "号码", CT_CODE, VALL, 14 },
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "task_name", "任务名称", CT_TEXT, VALL, 24 },
	{ "call_time", "呼叫时间", CT_TIME, VALL, 0 },
	{ "status", "状态码", CT_INT, VJ | VX, 8 },
	{ "status_str", "状态", CT_TEXT, VALL, 14 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "hangup_cause_str", "挂断原因", CT_TEXT, VH | VX, 14 },
	{ "hangup_cause", "挂断原因码", CT_TEXT, VJ | VX, 18 },
	{ "number_id", "号码ID", CT_ID, VALL, 18 },
	{ "call_history_id", "呼叫记录ID", CT_ID, VJ | VX, 18 },
	{ "record_id", "通话记录ID", CT_CODE, VJ | VX, 38 },
};

static const char *const start_sort_codes[] = {
	"name", "dialled", "answered", "connect_rate", "connect_rate_change", "calls",
	"calls_change", "a_count", "a_rate", "b_count", "b_rate", "avg_bill", NULL
};

/* GET /: the tenant's tasks over a period, against the previous period. */
static const struct field f_start[] = {
	PERIOD_FIELDS,
	{ "tasks", FT_UUIDSET, 0, 0, 0, NULL, NULL, "任务" },
	SORT_FIELDS(start_sort_codes),
	COLUMNS_FIELD,
};

/*
 * Orders of the start page: a sort of its few dozen aggregated rows (no
 * index serves them, none is needed); the totals row stays last, rates of
 * nothing (NULL) after every figure.
 */
#define START_SORT(c) { #c, "ORDER BY x.is_total, " #c " NULLS FIRST, x.name, x.task_id", \
	"ORDER BY x.is_total, " #c " DESC NULLS LAST, x.name, x.task_id" }
static const struct sort s_start[] = {
	{ "name", "ORDER BY x.is_total, x.name, x.task_id",
	  "ORDER BY x.is_total, x.name DESC, x.task_id DESC" },
	START_SORT(dialled), START_SORT(answered), START_SORT(connect_rate),
	START_SORT(connect_rate_change), START_SORT(calls), START_SORT(calls_change),
	START_SORT(a_count), START_SORT(a_rate), START_SORT(b_count), START_SORT(b_rate),
	START_SORT(avg_bill),
	{ NULL, NULL, NULL },
};

static const struct column c_start[] = {
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "name", "任务名称", CT_TEXT, VALL, 24 },
	{ "dialled", "呼叫号码数", CT_INT, VALL, 10 },
	{ "answered", "接通号码数", CT_INT, VALL, 10 },
	{ "connect_rate", "接通率(%)", CT_NUM, VALL | XPCT, 10 },
	{ "prev_connect_rate", "上期接通率(%)", CT_NUM, VJ | VX | XPCT, 12 },
	{ "connect_rate_change", "接通率变化(百分点)", CT_NUM, VJ | VX, 14 },
	{ "calls", "通话数", CT_INT, VALL, 10 },
	{ "prev_calls", "上期通话数", CT_INT, VJ | VX, 10 },
	{ "calls_change", "通话数变化", CT_INT, VJ | VX, 10 },
	{ "a_count", "A类意向", CT_INT, VALL, 10 },
	{ "a_rate", "A类占比(%)", CT_NUM, VALL | XPCT, 10 },
	{ "b_count", "B类意向", CT_INT, VALL, 10 },
	{ "b_rate", "B类占比(%)", CT_NUM, VALL | XPCT, 10 },
	{ "avg_bill", "平均通话时长(秒)", CT_NUM, VALL | XSEC, 12 },
	{ "connect_rate_mark", "接通率标记", CT_TEXT, VJ | VH, 0 },
	{ "calls_mark", "通话数标记", CT_TEXT, VJ | VH, 0 },
	{ "a_rate_mark", "A类占比标记", CT_TEXT, VJ | VH, 0 },
	{ "b_rate_mark", "B类占比标记", CT_TEXT, VJ | VH, 0 },
	{ "avg_bill_mark", "平均通话时长标记", CT_TEXT, VJ | VH, 0 },
	{ "is_total", "合计行", CT_BOOL, VJ | VX, 8 },
	{ "start_at", "开始时间", CT_TIME, VJ | VX, 0 },
	{ "end_at", "结束时间", CT_TIME, VJ | VX, 0 },
	{ "prev_start_at", "上期开始时间", CT_TIME, VJ | VX, 0 },
	{ "prev_end_at", "上期结束时间", CT_TIME, VJ | VX, 0 },
	{ "connect_rate_trend", "接通率趋势", CT_TEXT, VH, 0 },
	{ "connect_rate_vs", "接通率变化", CT_TEXT, VH, 0 },
	{ "calls_trend", "通话数趋势", CT_TEXT, VH, 0 },
	{ "calls_vs", "通话数变化", CT_TEXT, VH, 0 },
	{ "row_kind", "行", CT_TEXT, VH, 0 },
	{ "total_label", "合计", CT_TEXT, VH, 0 },
};

/*
 * The start page's trend (sql/reports/start_trend.sql, $2 start_at, $3 end_at):
 * a point a day of the period, or an hour of a period shorter than a day. The
 * page draws it (hook_start), JSON has it as "trend", XLSX as the sheet 趋势.
 */
static const char *const p_start_trend[] = { "start_at", "end_at", NULL };

static const struct column c_start_trend[] = {
	{ "label", "时间", CT_TEXT, VJ | VX, 8 },
	{ "dialled", "拨打号码", CT_INT, VJ | VX, 10 },
	{ "answered", "接通号码", CT_INT, VJ | VX, 10 },
	{ "connect_rate", "接通率(%)", CT_NUM, VJ | VX | XPCT, 10 },
	{ "calls", "通话记录", CT_INT, VJ | VX, 10 },
	{ "a_count", "A类意向", CT_INT, VJ | VX, 10 },
	{ "b_count", "B类意向", CT_INT, VJ | VX, 10 },
	{ "lo", "开始时间", CT_TIME, VJ | VX, 0 },
	{ "hi", "结束时间", CT_TIME, VJ | VX, 0 },
	{ "unit", "单位", CT_TEXT, VJ, 0 },
};

static const char *const l_start_trend[] = { "dialled", "answered", "calls", NULL };

static const struct part parts_start[] = {
	{ "trend", sql_start_trend, p_start_trend, c_start_trend, NELEM(c_start_trend),
	  "趋势", "label", l_start_trend, "呼叫趋势" },
};

/*
 * GET /callbacks: the call-back list (意向客户), one row per number over a period and
 * tasks (sql/reports/callbacks.sql). levels and tags as the call records page's.
 */
static const struct field f_callbacks[] = {
	PAGE_FIELDS,
	PERIOD_FIELDS,
	{ "levels", FT_RANGES, 0, INT32_MIN, INT32_MAX, NULL, NULL, "意向等级" },
	{ "tags", FT_UUIDSET, 0, 0, 0, NULL, NULL, "标签" },
	{ "tasks", FT_UUIDSET, 0, 0, 0, NULL, NULL, "任务" },
	{ "operator", FT_CODESET, 0, 0, 0, opcodes, opvals, "运营商" },
	{ "province", FT_INTSET, 0, 0, INT32_MAX, NULL, NULL, "省份" },
};

/* In the order of every view: the number, its level and tags first; the ids last. */
static const struct column c_callbacks[] = {
	{ "number", "号码", CT_CODE, VALL, 14 },
	{ "level_name", "意向等级", CT_TEXT, VALL, 14 },
	{ "tags", "标签", CT_JSON, VJ, 0 },
	{ "tags_text", "标签", CT_TEXT, VH | VX, 24 },
	{ "bill", "通话时长(毫秒)", CT_MS, VALL, 0 },
	{ "last_call", "最后呼叫时间", CT_TIME, VALL, 0 },
	{ "calls", "呼叫次数", CT_INT, VALL, 8 },
	{ "province_name", "省份", CT_TEXT, VALL, 8 },
	{ "operator_name", "运营商", CT_TEXT, VALL, 8 },
	{ "task_name", "任务", CT_TEXT, VALL, 24 },
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "record_id", "通话记录ID", CT_CODE, VALL, 38 },
};

/* GET /compare: two to six tasks over one period (the start page's $k). */
static const struct field f_compare[] = {
	PERIOD_FIELDS,
	{ "tasks", FT_UUIDSET, F_REQUIRED, 2, 6, NULL, NULL, "任务" },
};

static const struct column c_compare[] = {
	{ "task_id", "任务ID", CT_CODE, VJ | VX, 38 },
	{ "name", "任务名称", CT_TEXT, VALL, 24 },
	{ "dialled", "呼叫号码数", CT_INT, VALL, 10 },
	{ "answered", "接通号码数", CT_INT, VALL, 10 },
	{ "connect_rate", "接通率(%)", CT_NUM, VALL | XPCT, 10 },
	{ "prev_connect_rate", "上期接通率(%)", CT_NUM, VJ | VX | XPCT, 12 },
	{ "connect_rate_change", "接通率变化(百分点)", CT_NUM, VJ | VX, 14 },
	{ "calls", "通话数", CT_INT, VALL, 10 },
	{ "prev_calls", "上期通话数", CT_INT, VJ | VX, 10 },
	{ "calls_change", "通话数变化", CT_INT, VJ | VX, 10 },
	{ "a_count", "A类意向", CT_INT, VALL, 10 },
	{ "a_rate", "A类占比(%)", CT_NUM, VALL | XPCT, 10 },
	{ "b_count", "B类意向", CT_INT, VALL, 10 },
	{ "b_rate", "B类占比(%)", CT_NUM, VALL | XPCT, 10 },
	{ "avg_bill", "平均通话时长(秒)", CT_NUM, VALL | XSEC, 12 },
	{ "connect_rate_mark", "接通率标记", CT_TEXT, VJ | VH, 0 },
	{ "calls_mark", "通话数标记", CT_TEXT, VJ | VH, 0 },
	{ "a_rate_mark", "A类占比标记", CT_TEXT, VJ | VH, 0 },
	{ "b_rate_mark", "B类占比标记", CT_TEXT, VJ | VH, 0 },
	{ "avg_bill_mark", "平均通话时长标记", CT_TEXT, VJ | VH, 0 },
	{ "start_at", "开始时间", CT_TIME, VJ | VX, 0 },
	{ "end_at", "结束时间", CT_TIME, VJ | VX, 0 },
	{ "prev_start_at", "上期开始时间", CT_TIME, VJ | VX, 0 },
	{ "prev_end_at", "上期结束时间", CT_TIME, VJ | VX, 0 },
	{ "connect_rate_vs", "接通率较上期", CT_TEXT, VH, 0 },
	{ "calls_vs", "通话数较上期", CT_TEXT, VH, 0 },
	{ "levels", "等级分布", CT_JSON, VJ, 0 },
	{ "statuses", "呼叫结果分布", CT_JSON, VJ, 0 },
	{ "levels_text", "等级分布", CT_TEXT, VX, 40 },
	{ "statuses_text", "呼叫结果分布", CT_TEXT, VX, 40 },
	{ "dist", "分布", CT_TEXT, VH, 0 },
};

/*
 * The workbooks' reading orders (struct report's xlsx_cols): what a person
 * reads first; the other VX columns (ids, codes) go last, grouped.
 */
static const char *const x_task_number[] = {
	"number", "status_str", "calldate", "bill", "duration", "pro", "city",
	"mobile_type", "hangupcause_str", "attempts", "is_blacklist",
	"answerdate", "hangupdate", NULL,
};
static const char *const x_task_attempts[] = {
	"number", "number_status_str", "attempt", "call_time", "status_str",
	"bill", "duration", "hangup_cause_str", "call_status_str",
	"calling_number", "pro", "city", "mobile_type", "record_file", NULL,
};
static const char *const x_tasks[] = {
	"name", "start_str", "group_str", "create_datetime", "total",
	"dialled", "progress", "connected", "connect_rate", "records", NULL,
};
static const char *const x_done_phones[] = {
	"callee", "level_name", "tags_text", "bill", "calldate",
	"province_name", "city_name", "hangup_disposition_str",
	"hangupcause_str", "score", "rounds", "duration", "tag_groups_text",
	"gender_str", "operator_name", "caller_number", "answerdate",
	"hangupdate", "recordfile", NULL,
};
static const char *const x_record[] = {
	"callee", "level_name", "tags_text", "bill", "calldate",
	"province_name", "city_name", "hangup_disposition_str",
	"hangupcause_str", "task_name", "score", "rounds", "duration",
	"gender_str", "operator_name", "caller_number", "answerdate",
	"hangupdate", "read_at", "recordfile", NULL,
};
static const char *const x_transcript[] = {
	"sequence", "speaker", "text", "keyword", "answer_text", "tags",
	"score", "notify_str", "callee", "level_name", "bill", "calldate",
	"hangup_disposition_str", "task_name", "rounds", "record_score",
	"gender_str", "recordfile", NULL,
};
static const char *const x_record_level[] = {
	"name", "alias", "color", "score_min", "score_max", NULL,
};
static const char *const x_usable_tags[] = {
	"name", "description", "color", "status", "tag_group_text",
	"tag_scene_text", "created_at", "updated_at", NULL,
};
static const char *const x_number_history[] = {
	"number", "call_time", "bill", "duration", "status_str",
	"call_status_str", "hangup_cause_str", "calling_number", "record_file", NULL,
};
static const char *const x_search[] = {
	"number", "kind_str", "task_name", "call_time", "status_str", "bill",
	"hangup_cause_str", NULL,
};
static const char *const x_compare[] = {
	"name", "dialled", "answered", "connect_rate", "prev_connect_rate",
	"connect_rate_change", "calls", "prev_calls", "calls_change",
	"a_count", "a_rate", "b_count", "b_rate", "avg_bill", "levels_text",
	"statuses_text", NULL,
};
static const char *const x_callbacks[] = {
	"number", "level_name", "tags_text", "bill", "last_call", "calls",
	"province_name", "operator_name", "task_name", NULL,
};
static const char *const x_start[] = {
	"name", "dialled", "answered", "connect_rate", "prev_connect_rate",
	"connect_rate_change", "calls", "prev_calls", "calls_change",
	"a_count", "a_rate", "b_count", "b_rate", "avg_bill", NULL,
};

#define FIELDS(f)	.fields = f, .nfields = NELEM(f)
#define COLUMNS(c)	.cols = c, .ncols = NELEM(c)

const struct report reports[REPORT__MAX] = {
	[REPORT_TASK_NUMBER] = {
		.name = "task_number", .title = "号码列表",
		.message = "获取号码列表成功", .env = ENV_PAGE,
		FIELDS(f_task_number), COLUMNS(c_task_number),
		.xlsx_cols = x_task_number,
		.sql = sql_task_number, .deep_sql = sql_task_number_deep,
		.count_sql = sql_task_number_count,
		.tpl = "task_number.tpl", .sheet = "号码列表", .file = "task-numbers",
		.variant = REPORT_TASK_ATTEMPTS + 1, .variant_field = "attempts",
		.html = hook_task_number, .page_sql = sql_page_task, .page_key = "task_id",
		.sorts = s_task_number, .order_by = "ORDER BY n.task_id, n.id",
		.period_open = true,
	},
	[REPORT_TASK_ATTEMPTS] = {
		.name = "task_attempts", .title = "呼叫明细",
		.message = "获取号码列表成功", .env = ENV_PAGE,
		FIELDS(f_task_number), COLUMNS(c_task_attempts),
		.xlsx_cols = x_task_attempts,
		.sql = sql_task_attempts, .count_sql = sql_task_attempts_count,
		.tpl = "task_attempts.tpl", .sheet = "呼叫明细", .file = "task-attempts",
		.html = hook_task_attempts,
		.period_open = true,
	},
	[REPORT_TASKS] = {
		.name = "tasks", .title = "外呼任务",
		.message = "获取任务列表成功", .env = ENV_PAGE,
		FIELDS(f_tasks), COLUMNS(c_tasks),
		.xlsx_cols = x_tasks,
		.sql = sql_tasks, .count_sql = sql_tasks_count,
		.tpl = "tasks.tpl", .sheet = "外呼任务", .file = "tasks",
		.html = hook_tasks,
	},
	[REPORT_DONE_PHONES] = {
		.name = "done_phones", .title = "通话记录",
		.message = "获取通话记录成功", .env = ENV_PAGE_BARE,
		FIELDS(f_done_phones), COLUMNS(c_done_phones),
		.xlsx_cols = x_done_phones,
		.sql = sql_done_phones, .deep_sql = sql_done_phones_deep,
		.count_sql = sql_done_phones_count,
		.tpl = "done_phones.tpl", .sheet = "通话记录", .file = "call-records",
		.page_path = "/tasks/:task_id/records",
		.html = hook_done_phones, .page_sql = sql_records_form, .page_key = "task_id",
		.sorts = s_done_phones, .order_by = "ORDER BY r.calldate DESC, r.id DESC",
		.period_open = true,
	},
	[REPORT_RECORD] = {
		.name = "record", .title = "通话简要信息",
		.message = "获取任务信息成功", .env = ENV_OBJECT,
		FIELDS(f_record), COLUMNS(c_record),
		.xlsx_cols = x_record,
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
		.xlsx_cols = x_transcript,
		.sql = sql_transcript,
		.tpl = "transcript.tpl", .sheet = "通话内容", .file = "call-transcript",
		.html = hook_transcript,
	},
	[REPORT_RECORD_LEVEL] = {
		.name = "record_level", .title = "评分等级",
		.message = "获取评分等级成功", .env = ENV_LIST,
		FIELDS(f_columns), COLUMNS(c_record_level),
		.xlsx_cols = x_record_level,
		.sql = sql_record_level,
		.tpl = "record_level.tpl", .sheet = "评分等级", .file = "record-levels",
	},
	[REPORT_USABLE_TAGS] = {
		.name = "usable_tags", .title = "可用标签",
		.message = "获取标签成功", .env = ENV_LIST,
		FIELDS(f_columns), COLUMNS(c_usable_tags),
		.xlsx_cols = x_usable_tags,
		.sql = sql_usable_tags,
		.tpl = "usable_tags.tpl", .sheet = "可用标签", .file = "usable-tags",
	},
	[REPORT_NUMBER_HISTORY] = {
		.name = "number_history", .title = "号码呼叫历史",
		.message = "获取呼叫记录成功", .env = ENV_PAGE,
		FIELDS(f_number_history), COLUMNS(c_number_history),
		.xlsx_cols = x_number_history,
		.sql = sql_number_history, .count_sql = sql_number_history_count,
		.tpl = "number_history.tpl", .sheet = "呼叫历史", .file = "number-history",
		.html = hook_number_history, .page_sql = sql_number_facts,
		.page_key = "number_id",
	},
	[REPORT_SEARCH] = {
		.name = "search", .title = "查找号码",
		.message = "查找号码成功", .env = ENV_PAGE,
		FIELDS(f_search), COLUMNS(c_search),
		.xlsx_cols = x_search,
		.sql = sql_search, .count_sql = sql_search_count,
		.tpl = "search.tpl", .sheet = "查找号码", .file = "number-search",
	},
	[REPORT_START] = {
		.name = "start", .title = "概况",
		.message = "获取概况成功", .env = ENV_LIST,
		FIELDS(f_start), COLUMNS(c_start),
		.xlsx_cols = x_start,
		.sql = sql_start,
		.tpl = "start.tpl", .sheet = "任务概况", .file = "start",
		.html = hook_start,
		.sorts = s_start, .order_by = "ORDER BY x.is_total, x.c_calls DESC, x.name, x.task_id",
		.period_default = "today",
		.parts = parts_start, .nparts = NELEM(parts_start),
		.cached = true,
	},
	[REPORT_COMPARE] = {
		.name = "compare", .title = "任务对比",
		.message = "获取任务对比成功", .env = ENV_LIST,
		FIELDS(f_compare), COLUMNS(c_compare),
		.xlsx_cols = x_compare,
		.sql = sql_compare, .scoped = true,
		.tpl = "compare.tpl", .sheet = "任务对比", .file = "compare",
		.html = hook_compare,
		.period_default = "today",
		.cached = true,
	},
	[REPORT_CALLBACKS] = {
		.name = "callbacks", .title = "意向客户",
		.message = "获取意向客户成功", .env = ENV_PAGE,
		FIELDS(f_callbacks), COLUMNS(c_callbacks),
		.xlsx_cols = x_callbacks,
		.sql = sql_callbacks, .count_sql = sql_callbacks_count,
		.count_paged = true,	/* its total capped on a page (callbacks.count.sql) */
		.tpl = "callbacks.tpl", .sheet = "意向客户", .file = "callbacks",
		.html = hook_callbacks, .page_sql = sql_callbacks_form, .page_key = "start_at",
		.period_default = "7d",
	},
};
