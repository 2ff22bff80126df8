/* test_message.c: an error's message in Chinese for a page (render/message.c). */
#include "ctest.h"
#include "base/arena.h"
#include "render/message.h"

static void
test_whole(void)
{
	struct arena *a = arena_new();

	CHECK_STR(message_zh(a, "not found", NULL, NULL),
	    "没有找到: 地址不存在, 或不属于这个账户");
	CHECK_STR(message_zh(a, "body is larger than 65536 bytes", NULL, NULL),
	    "请求内容超过 65536 字节");
	/* Unknown: as it is. */
	CHECK_STR(message_zh(a, "something new", NULL, NULL), "something new");
	CHECK(message_zh(a, NULL, NULL, NULL) == NULL);
	arena_free(a);
}

static void
test_field(void)
{
	struct arena *a = arena_new();

	CHECK_STR(message_zh(a, "task_id must be a UUID", "task_id", "任务ID"),
	    "任务ID 必须是 UUID");
	CHECK_STR(message_zh(a, "status must be an array of integers from 0 to 12",
	    "status", "号码状态"), "号码状态 必须是 0 到 12 之间的整数");
	CHECK_STR(message_zh(a, "q must be a string of 4 to 20 digits", "q", "号码"),
	    "号码 必须是 4 到 20 位数字");
	CHECK_STR(message_zh(a, "type must be an array of: yd, lt, dx", "type", "运营商"),
	    "运营商 只能取这些值: yd, lt, dx");
	/* A range message is not taken for the shorter integer one. */
	CHECK_STR(message_zh(a, "bills must be [min, max], integers from 0 to 9, "
	    "min <= max", "bills", "通话时长(秒)"),
	    "通话时长(秒) 必须是 [最小, 最大] 两个 0 到 9 之间的整数, 最小不大于最大");
	/* No field recorded: the parameter's name stays. */
	CHECK_STR(message_zh(a, "levels has a malformed array subscript", NULL, NULL),
	    "levels 的数组下标有误");
	CHECK_STR(message_zh(a, "keyword must be UTF-8 text", NULL, NULL),
	    "keyword 必须是 UTF-8 文本");
	/* A period's (input/period.c), and a malformed time. */
	CHECK_STR(message_zh(a, "end_at must not be before start_at", "end_at", "结束时间"),
	    "结束时间 不能早于开始时间");
	CHECK_STR(message_zh(a, "end_at must be at most three years (1096 days) after "
	    "start_at", "end_at", "结束时间"), "结束时间 与开始时间相隔不能超过三年 (1096 天)");
	CHECK_STR(message_zh(a, "start_at is required with end_at", "start_at", "开始时间"),
	    "开始时间 必须与结束时间一起填写");
	CHECK_STR(message_zh(a, "period must be one of: today, 今天", "period", "时间段"),
	    "时间段 只能取这些值: today, 今天");
	CHECK_STR(message_zh(a, "start_at must be a time as YYYY-MM-DD HH:MM:SS",
	    "start_at", "开始时间"),
	    "开始时间 日期格式不对: 必须是 YYYY-MM-DD HH:MM:SS 格式的时间");
	CHECK_STR(message_zh(a, "x must be something else", "x", "某"),
	    "x must be something else");
	arena_free(a);
}

int
main(void)
{
	TEST(test_whole);
	TEST(test_field);
	return ctest_done("test_message");
}
