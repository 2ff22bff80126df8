/*
 * message.c: the Chinese of an error's message, for pages. The JSON envelope
 * keeps the contract's English ("task_id must be a UUID"); a page says
 * "任务ID 必须是 UUID". One table, here: each English message (or, after the
 * name of the parameter it names, its rest) with its Chinese, "*" standing
 * for a part carried over (a number, a list of codes). A C table, not a
 * database one like the code labels: the English is the program's own, it
 * changes with the program, and an error page must not need the database
 * (503 says that it is down).
 */
#include <stdbool.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "render/message.h"

#define MAX_PARTS	4

struct msg {
	const char	*en;
	const char	*zh;
};

/* Whole messages (no parameter named). */
static const struct msg whole[] = {
	{ "not found", "没有找到: 地址不存在, 或不属于这个账户" },
	{ "method not allowed", "不支持这种请求方法" },
	{ "unauthenticated", "请先登录" },
	{ "internal error", "内部错误, 请稍后再试" },
	{ "could not write the workbook", "无法生成工作簿, 请稍后再试" },
	{ "not enough temporary space for this export: it needs about * MB, * MB "
	  "are free; narrow the filters, or try again later",
	  "临时空间不足, 无法导出: 约需 * MB, 现有 * MB; 请缩小筛选范围, 或稍后再试" },
	{ "request headers are too large", "请求头过大" },
	{ "range not satisfiable", "请求的范围超出文件" },
	{ "request URI is too long", "网址过长" },
	{ "cross-site request refused", "拒绝来自其他网站的请求" },
	{ "path has a malformed %-escape", "网址中有错误的 % 转义" },
	{ "format must be one of json, html, xlsx", "格式 (format) 必须是 json、html 或 xlsx" },
	{ "body is shorter than Content-Length", "请求内容比 Content-Length 短" },
	{ "Content-Length is not a number", "Content-Length 不是数字" },
	{ "body is larger than * bytes", "请求内容超过 * 字节" },
	{ "body must be JSON or form-encoded", "请求内容必须是 JSON 或表单" },
	{ "database timeout, try again", "数据库查询超时, 请稍后再试" },
	{ "database unavailable, try again", "数据库暂时不可用, 请稍后再试" },
	{ "a parameter has an empty name", "有一个参数没有名字" },
	{ "the parameters contain a NUL byte", "参数中有 NUL 字节" },
	{ "body could not be parsed", "无法解析请求内容" },
	{ "body is not valid JSON", "请求内容不是有效的 JSON" },
	{ "body must be a JSON object", "请求内容必须是 JSON 对象" },
	{ "body is nested too deeply or has too many items", "请求内容嵌套过深或项目过多" },
	{ NULL, NULL }
};

/* What follows the name of the parameter a message names. */
static const struct msg field[] = {
	{ "must be a UUID", "必须是 UUID" },
	{ "must be 0 or 1", "必须是 0 或 1" },
	{ "must be a positive integer", "必须是正整数" },
	{ "must be an integer from * to *", "必须是 * 到 * 之间的整数" },
	{ "must be a string of at most * digits", "必须是不超过 * 位的数字" },
	{ "must be a string of * to * digits", "必须是 * 到 * 位数字" },
	{ "must be a string of at most * bytes", "必须是不超过 * 字节的文本" },
	{ "must be a time as YYYY-MM-DD HH:MM:SS",
	  "日期格式不对: 必须是 YYYY-MM-DD HH:MM:SS 格式的时间" },
	/* A period's (input/period.c). */
	{ "must be one of: *", "只能取这些值: *" },
	{ "is required with end_at", "必须与结束时间一起填写" },
	{ "is required with start_at", "必须与开始时间一起填写" },
	{ "must not be before start_at", "不能早于开始时间" },
	{ "must be at most three years (1096 days) after start_at",
	  "与开始时间相隔不能超过三年 (1096 天)" },
	{ "must be an array of integers from * to *", "必须是 * 到 * 之间的整数" },
	{ "must be an array of UUIDs", "必须是 UUID" },
	{ "must be an array of: *", "只能取这些值: *" },
	{ "must be [min, max], integers from * to *, min <= max",
	  "必须是 [最小, 最大] 两个 * 到 * 之间的整数, 最小不大于最大" },
	{ "must be an array of [min, max], integers from * to *, min <= max",
	  "必须是若干 [最小, 最大], 都是 * 到 * 之间的整数, 最小不大于最大" },
	{ "takes at most * values", "最多取 * 个值" },
	{ "must be at most * at per_page * (pages skip at most * rows); narrow the "
	  "filters, or take the whole selection as format=xlsx or format=csv",
	  "最多到第 * 页 (每页 * 条时; 翻页最多跳过 * 条); 请缩小筛选范围, 或导出 XLSX 或 CSV 取得全部" },
	{ "must be a single value", "只能有一个值" },
	{ "must not be an object", "不能是对象" },
	{ "is required", "必须填写" },
	{ "must be UTF-8 text", "必须是 UTF-8 文本" },
	{ "must not contain a NUL character", "不能含有 NUL 字符" },
	{ "has a malformed array subscript", "的数组下标有误" },
	{ "has a non-numeric array subscript", "的数组下标不是数字" },
	{ "has too many items", "的项目过多" },
	{ "has a malformed %-escape", "中有错误的 % 转义" },
	{ NULL, NULL }
};

/*
 * Returns the number of parts when s matches pattern p, "*" matching one or
 * more bytes (the shortest that lets the rest match), else -1; the parts go
 * to part[k...].
 */
static int
match(const char *p, const char *s, const char **part, size_t *plen, int k)
{
	const char *t;
	int n;

	for (; *p != '*'; p++, s++) {
		if (*p == '\0')
			return *s == '\0' ? k : -1;
		if (*p != *s)
			return -1;
	}
	if (k == MAX_PARTS)
		return -1;
	for (t = s + 1; t <= s + strlen(s); t++)
		if ((n = match(p + 1, t, part, plen, k + 1)) >= 0) {
			part[k] = s;
			plen[k] = (size_t)(t - s);
			return n;
		}
	return -1;
}

/*
 * Appends zh to b with its "*" replaced by the n parts, in order; a "*" past
 * them (a translation with more than its English) stays as it is, never a
 * part that match() did not set.
 */
static void
fill(struct buf *b, const char *zh, const char **part, const size_t *plen, int n)
{
	int k = 0;

	for (; *zh; zh++) {
		if (*zh == '*' && k < n) {
			buf_put(b, part[k], plen[k]);
			k++;
		} else
			buf_putc(b, *zh);
	}
}

/* Returns the Chinese of en by table t, or NULL. */
static const char *
lookup(struct arena *a, const struct msg *t, const char *prefix,
    const char *en)
{
	const char *part[MAX_PARTS];
	size_t plen[MAX_PARTS];
	struct buf b = {0};
	const char *out;
	int n;

	for (; t->en != NULL; t++) {
		if ((n = match(t->en, en, part, plen, 0)) < 0)
			continue;
		if (prefix != NULL)
			buf_printf(&b, "%s ", prefix);
		fill(&b, t->zh, part, plen, n);
		out = arena_strdup(a, b.p);
		buf_free(&b);
		return out;
	}
	return NULL;
}

const char *
message_zh(struct arena *a, const char *en, const char *name,
    const char *label)
{
	const char *zh, *sp;
	size_t n;

	if (en == NULL)
		return NULL;
	if ((zh = lookup(a, whole, NULL, en)) != NULL)
		return zh;
	/* "<name> <rest>": the name is the one recorded, else the first word. */
	if (name != NULL && strncmp(en, name, (n = strlen(name))) == 0 &&
	    en[n] == ' ')
		sp = en + n;
	else if ((sp = strchr(en, ' ')) == NULL)
		return en;
	if ((zh = lookup(a, field, label != NULL && name != NULL ? label :
	    arena_strndup(a, en, (size_t)(sp - en)), sp + 1)) != NULL)
		return zh;
	return en;	/* a message the table does not know: as it is */
}
