/* demogen.c: deterministic demo data for "callreport import" (JSON Lines). */
/*
 * Everything comes from one 64-bit key, a hash of the tenant name and the
 * seed. Each number draws from its own generator, keyed by (task, index), so
 * the output streams number by number in constant memory, and the small tasks
 * come out the same whatever --numbers is.
 *
 * Ids: UUIDs are hashes of (key, kind, a, b). Integer ids live in a block of
 * ID_BLOCK ids at base = slot * ID_BLOCK, the slot a hash of the key, so two
 * tenants (or two seeds) use distinct blocks unless their slots collide
 * (1 in ID_SLOTS). Every id stays below 2^53, safe for JavaScript clients.
 * Regions are the same ids and content in every tenant's file (each tenant
 * keeps its own copy: schema.sql).
 *
 * Times are milliseconds since 2026-01-01 00:00:00 in the deployment's zone
 * (Asia/Shanghai, no daylight saving), written as "YYYY-MM-DD HH:MM:SS"
 * (truncated to the second). bill and duration are the exact millisecond
 * differences of the underlying instants, so they agree with the written
 * times to within a second, as on the hosted platform.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demogen.h"
#include "base/json.h"
#include "base/buf.h"
#include "base/hash.h"

typedef uint64_t u64;
typedef int64_t i64;

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

#define ID_BLOCK	10000000000LL	/* integer ids of one tenant */
#define ID_SLOTS	899999ULL	/* (ID_SLOTS + 1) * ID_BLOCK < 2^53 */
#define GROUP_OFF	1LL		/* script groups: base + 1 .. */
#define NUM_OFF		1000LL		/* numbers: base + 1001 .. */
#define HIST_OFF	5000000000LL	/* call histories: base + HIST_OFF + 1 .. */
#define BIG_DETAILS	2000		/* big task: transcripts of the first records only */

#define DAY_MS		86400000LL
#define HOUR_MS		3600000LL
#define MIN_MS		60000LL
#define OCT1		273		/* 2026-10-01, days since 2026-01-01 */
#define LAST_DAY	50		/* 2026-11-20, days since OCT1 */
#define T_DAY(d)	((i64)(OCT1 + (d)) * DAY_MS)
#define T_END		(T_DAY(LAST_DAY) + DAY_MS - 1000)

#define MAXT		7		/* customer turns of a call, at most */

/* Kinds of derived values; part of every hash, so kinds never share ids. */
enum uk {
	UK_LEVEL, UK_SCENE, UK_TGROUP, UK_TAG, UK_UTT, UK_CONTENT, UK_FILE,
	UK_TASK, UK_CALL, UK_RECORD, UK_DETAIL, UK_RNG, UK_PERM, UK_SLOT,
	UK_LINE, UK_CONF,
	UK__MAX
};

/* ---------------------------------------------------------------- */
/* Hashing and the generator (splitmix64).                          */

static u64
mix64(u64 z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Returns the hash of (key, kind, a, b). */
static u64
derive(u64 key, enum uk kind, u64 a, u64 b)
{
	u64	 h;

	h = mix64(key ^ ((u64)kind * 0xd1b54a32d192ed03ULL));
	h = mix64(h ^ a);
	return mix64(h ^ (b * 0x8cb92ba72f3d8dd7ULL));
}

struct rng {
	u64	 s;
};

static u64
rnext(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Returns a value in [lo, hi]. */
static i64
rrange(struct rng *r, i64 lo, i64 hi)
{
	u64	 span = (u64)(hi - lo) + 1;

	return lo + (i64)(((rnext(r) >> 32) * span) >> 32);
}

/* Returns 1 with probability permille / 1000. */
static int
rchance(struct rng *r, int permille)
{
	return rrange(r, 0, 999) < permille;
}

/* Returns an index into weights[0..n-1], drawn by weight. */
static int
rpick(struct rng *r, const int *weights, int n)
{
	int	 i, total = 0, x;

	for (i = 0; i < n; i++)
		total += weights[i];
	x = (int)rrange(r, 0, total - 1);
	for (i = 0; i < n - 1; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

/* ---------------------------------------------------------------- */
/* Output: a buffer in front of the FILE, and the JSON pieces.      */

/*
 * util.h's buffer, written out whenever it holds OB_FLUSH bytes: the
 * memory stays small whatever --numbers is.
 */
#define OB_FLUSH	(1 << 16)

struct ob {
	FILE		*f;
	struct buf	 b;
	int		 err;
};

static void
ob_flush(struct ob *o)
{
	if (o->b.len > 0 && !o->err && fwrite(o->b.p, 1, o->b.len, o->f) != o->b.len)
		o->err = 1;
	buf_reset(&o->b);
}

static void
ob_mem(struct ob *o, const char *s, size_t len)
{
	buf_put(&o->b, s, len);
	if (o->b.len >= OB_FLUSH)
		ob_flush(o);
}

static void
ob_s(struct ob *o, const char *s)
{
	ob_mem(o, s, strlen(s));
}

static void
ob_c(struct ob *o, char c)
{
	buf_putc(&o->b, c);
	if (o->b.len >= OB_FLUSH)
		ob_flush(o);
}

static void
ob_i(struct ob *o, i64 v)
{
	char	 t[24];
	size_t	 k = sizeof(t);
	u64	 u = v < 0 ? (u64)0 - (u64)v : (u64)v;

	do {
		t[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		t[--k] = '-';
	ob_mem(o, t + k, sizeof(t) - k);
}

/* Writes v / 10^dec with dec decimals (v >= 0). */
static void
ob_fixed(struct ob *o, i64 v, int dec)
{
	i64	 p = 1;
	int	 i;

	for (i = 0; i < dec; i++)
		p *= 10;
	ob_i(o, v / p);
	ob_c(o, '.');
	for (i = dec - 1; i >= 0; i--) {
		i64 q = 1;
		int j;

		for (j = 0; j < i; j++)
			q *= 10;
		ob_c(o, (char)('0' + (v / q) % 10));
	}
}

/* Writes the first len bytes of s as a JSON string, escaped as every JSON callreport writes. */
static void
ob_js_n(struct ob *o, const char *s, size_t len)
{
	ob_c(o, '"');
	json_escape(&o->b, s, len);
	ob_c(o, '"');
}

static void
ob_js(struct ob *o, const char *s)
{
	ob_js_n(o, s, strlen(s));
}

/* Starts a line: {"kind":"...". */
static void
l_begin(struct ob *o, const char *kind)
{
	ob_s(o, "{\"kind\":");
	ob_js(o, kind);
}

static void
l_end(struct ob *o)
{
	ob_s(o, "}\n");
}

static void
f_key(struct ob *o, const char *k)
{
	ob_s(o, ",\"");
	ob_s(o, k);
	ob_s(o, "\":");
}

/* A string field; NULL writes null. */
static void
f_str(struct ob *o, const char *k, const char *v)
{
	f_key(o, k);
	if (v == NULL)
		ob_s(o, "null");
	else
		ob_js(o, v);
}

static void
f_int(struct ob *o, const char *k, i64 v)
{
	f_key(o, k);
	ob_i(o, v);
}

static void
f_null(struct ob *o, const char *k)
{
	f_key(o, k);
	ob_s(o, "null");
}

static void
f_bool(struct ob *o, const char *k, int v)
{
	f_key(o, k);
	ob_s(o, v ? "true" : "false");
}

/* Formats a time as "YYYY-MM-DD HH:MM:SS" into b (20 bytes). */
static void
fmt_time(char *b, i64 ms)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	i64	 s = ms / 1000;
	int	 days = (int)(s / 86400), sod = (int)(s % 86400);
	int	 y = 2026, m, ml, leap, v[6], w[6] = { 4, 2, 2, 2, 2, 2 }, i, j;
	char	*p = b;

	for (;;) {
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (days < 365 + leap)
			break;
		days -= 365 + leap;
		y++;
	}
	for (m = 0; m < 11; m++) {
		ml = mdays[m] + (m == 1 && leap);
		if (days < ml)
			break;
		days -= ml;
	}
	v[0] = y;
	v[1] = m + 1;
	v[2] = days + 1;
	v[3] = sod / 3600;
	v[4] = sod / 60 % 60;
	v[5] = sod % 60;
	for (i = 0; i < 6; i++) {
		for (j = w[i] - 1; j >= 0; j--) {
			p[j] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		}
		p += w[i];
		*p++ = "-- ::"[i < 5 ? i : 0];
	}
	b[19] = '\0';
}

/* A time field; a negative time writes null. */
static void
f_time(struct ob *o, const char *k, i64 ms)
{
	char	 b[20];

	if (ms < 0) {
		f_null(o, k);
		return;
	}
	fmt_time(b, ms);
	f_str(o, k, b);
}

/* Formats a version 4 style UUID from (key, kind, a, b) into out (37 bytes). */
static void
mkuuid(char *out, u64 key, enum uk kind, u64 a, u64 b)
{
	static const char hex[] = "0123456789abcdef";
	u64	 hi, lo;
	int	 i, k = 0;

	hi = derive(key, kind, a, b);
	lo = mix64(hi ^ 0x5851f42d4c957f2dULL);
	hi = (hi & ~0xf000ULL) | 0x4000ULL;
	lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
	for (i = 0; i < 32; i++) {
		u64 w = i < 16 ? hi : lo;
		int sh = 60 - 4 * (i % 16);

		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[k++] = '-';
		out[k++] = hex[(w >> sh) & 15];
	}
	out[k] = '\0';
}

/* ---------------------------------------------------------------- */
/* Reference data: regions, levels, tags, scripts, tasks.           */

struct region {
	int		 id, pid;
	const char	*city, *area, *post;
};

/* Provinces 1..10, then their cities from 100 up. */
static const struct region regions[] = {
	{ 1, 0, "广东", "020", "510000" },
	{ 2, 0, "浙江", "0571", "310000" },
	{ 3, 0, "江苏", "025", "210000" },
	{ 4, 0, "山东", "0531", "250000" },
	{ 5, 0, "四川", "028", "610000" },
	{ 6, 0, "湖北", "027", "430000" },
	{ 7, 0, "河南", "0371", "450000" },
	{ 8, 0, "福建", "0591", "350000" },
	{ 9, 0, "湖南", "0731", "410000" },
	{ 10, 0, "安徽", "0551", "230000" },
	{ 100, 1, "广州", "020", "510000" },
	{ 101, 1, "深圳", "0755", "518000" },
	{ 102, 1, "东莞", "0769", "523000" },
	{ 103, 1, "佛山", "0757", "528000" },
	{ 104, 2, "杭州", "0571", "310000" },
	{ 105, 2, "宁波", "0574", "315000" },
	{ 106, 2, "温州", "0577", "325000" },
	{ 107, 3, "南京", "025", "210000" },
	{ 108, 3, "苏州", "0512", "215000" },
	{ 109, 3, "无锡", "0510", "214000" },
	{ 110, 3, "常州", "0519", "213000" },
	{ 111, 4, "济南", "0531", "250000" },
	{ 112, 4, "青岛", "0532", "266000" },
	{ 113, 4, "烟台", "0535", "264000" },
	{ 114, 5, "成都", "028", "610000" },
	{ 115, 5, "绵阳", "0816", "621000" },
	{ 116, 6, "武汉", "027", "430000" },
	{ 117, 6, "宜昌", "0717", "443000" },
	{ 118, 6, "襄阳", "0710", "441000" },
	{ 119, 7, "郑州", "0371", "450000" },
	{ 120, 7, "洛阳", "0379", "471000" },
	{ 121, 8, "福州", "0591", "350000" },
	{ 122, 8, "厦门", "0592", "361000" },
	{ 123, 8, "泉州", "0595", "362000" },
	{ 124, 9, "长沙", "0731", "410000" },
	{ 125, 9, "衡阳", "0734", "421000" },
	{ 126, 10, "合肥", "0551", "230000" },
	{ 127, 10, "芜湖", "0553", "241000" },
};
#define FIRST_CITY	10		/* index of the first city in regions[] */

struct level {
	const char	*name, *alias, *color;
	int		 min, max;
};

/* C级 holds 165 and is 可再次跟进, as in the vendor document's example. */
static const struct level levels[] = {
	{ "A级", "有意向", "#19be6b", 300, 1000 },
	{ "B级", "一般", "#2d8cf0", 200, 299 },
	{ "C级", "可再次跟进", "#ff9900", 50, 199 },
	{ "D级", "无意向", "#000", 0, 49 },
};

static const char *const scenes[] = { "教育行业", "金融行业" };

enum tgroup { GR_YES, GR_WEAK, GR_NO, GR_REVISIT, GR_COMPLAINT, GR__MAX };

static const struct {
	const char	*name;
	int		 scene;
} tgroups[GR__MAX] = {
	{ "有意向", 0 },	/* GR_YES */
	{ "弱意向", 0 },	/* GR_WEAK */
	{ "无意向", 0 },	/* GR_NO */
	{ "需回访", 1 },	/* GR_REVISIT */
	{ "投诉风险", 1 },	/* GR_COMPLAINT */
};

enum tagk {
	TG_PRICE, TG_WECHAT, TG_BOOK, TG_CONSIDER, TG_INFO, TG_DISCOUNT,
	TG_REFUSE, TG_HAVE, TG_WRONG, TG_BUSY, TG_HARASS, TG_DELETE, TG__MAX
};

static const struct {
	const char	*name, *desc, *color;
	int		 g1, g2;	/* tag groups; g2 -1 for none */
} tags[TG__MAX] = {
	{ "咨询价格", "客户询问价格或费用", "#2d8cf0", GR_YES, GR_REVISIT },
	{ "同意加微信", "客户同意添加微信", "#19be6b", GR_YES, -1 },
	{ "同意预约办理", "客户同意预约体验课或办理业务", "#19be6b", GR_YES, -1 },
	{ "考虑一下", "客户表示需要再考虑", "#ff9900", GR_WEAK, GR_REVISIT },
	{ "要求发资料", "客户要求先发送资料", "#ff9900", GR_WEAK, -1 },
	{ "询问优惠", "客户询问优惠活动", "#2db7f5", GR_WEAK, -1 },
	{ "明确拒绝", "客户明确表示不需要", "#808695", GR_NO, -1 },
	{ "已有同类产品", "客户已在其他机构报名或已有同类产品", "#808695", GR_NO, -1 },
	{ "非本人", "接听人不是目标客户", "#c5c8ce", GR_NO, -1 },
	{ "正在忙", "客户当前不方便接听", "#2d8cf0", GR_REVISIT, -1 },
	{ "骚扰投诉", "客户认为来电是骚扰", "#ed4014", GR_COMPLAINT, GR_NO },
	{ "要求删除号码", "客户要求不再来电", "#ed4014", GR_COMPLAINT, -1 },
};

/* Script groups; domain picks the customer replies that fit the script. */
enum domain { DOM_ENG, DOM_CODE, DOM_FIN, DOM__MAX };

static const struct {
	const char	*name;
	int		 scene, dflt;
} groups[DOM__MAX] = {
	{ "英语网课回访话术", 0, 1 },		/* DOM_ENG */
	{ "少儿编程体验课邀约话术", 0, 0 },	/* DOM_CODE */
	{ "信用卡账单分期营销话术", 1, 0 },	/* DOM_FIN */
};

/* Utterances of a group: 7 main flows (word_class 16), then 5 others (1). */
enum { U_MAIN = 7, U_BYE = 7, U_PRICE, U_SAVE, U_LATER, U_SORRY, U__MAX };

struct utt {
	const char	*name, *desc, *text;
};

static const struct utt utts[DOM__MAX][U__MAX] = {
	{	/* DOM_ENG */
		{ "流程1", "开场白", "您好，我是博学网校的课程顾问，看到您之前在我们平台领取过英语学习资料，想耽误您一分钟做个简单回访，请问现在方便吗？" },
		{ "流程2", "客户身份确认", "请问您是之前在我们平台登记过的学员或者家长本人吗？" },
		{ "流程3", "客户需求确认", "想了解一下，您学英语主要是为了考试提分、工作需要，还是日常口语交流呢？" },
		{ "流程4", "活动邀约", "我们本周六晚上有一节外教直播体验课，原价一百九十九元，现在可以免费预约，您看要不要帮您留个名额？" },
		{ "流程5", "上课准备", "好的，上课前需要下载博学网校App，用这个手机号登录就可以进入课堂，助教老师会提前跟您确认时间。" },
		{ "流程6", "添加微信", "稍后我们的班主任老师会添加您的微信，把上课链接和学习资料发给您，麻烦您通过一下好友申请。" },
		{ "流程7", "结束通知", "那今天就先不打扰您了，祝您学习顺利，再见。" },
		{ "普适结束语", "通用结束语", "感谢您的接听，我就不打扰您了，祝您生活愉快，再见。" },
		{ "价格咨询", "价格问题解答", "体验课是完全免费的，正式课程会根据您的水平定制方案，具体费用老师会在课后给您详细介绍。" },
		{ "挽回话术", "客户拒绝时挽回", "理解您，其实这节体验课不收任何费用，还能免费做一次水平测评，您可以先听听看，不合适也没关系。" },
		{ "稍后联系", "客户忙时结束", "好的，那就不打扰您了，我们换个时间再联系您，祝您生活愉快。" },
		{ "投诉安抚", "客户投诉时致歉", "非常抱歉打扰到您，我们会把您的号码设置为不再拨打，祝您生活愉快，再见。" },
	},
	{	/* DOM_CODE */
		{ "流程1", "开场白", "您好，我是码趣少儿编程的课程老师，之前您在我们公众号给孩子领取过编程体验礼包，想跟您简单沟通一下，现在方便吗？" },
		{ "流程2", "客户身份确认", "请问您是孩子的家长吗？" },
		{ "流程3", "客户需求确认", "想问一下，孩子现在上几年级了，之前有没有接触过编程或者机器人课程呢？" },
		{ "流程4", "活动邀约", "我们这周末有一节图形化编程体验课，孩子可以亲手做一个小游戏，现在可以免费预约，帮您给孩子报个名好吗？" },
		{ "流程5", "上课准备", "好的，上课需要一台带摄像头的电脑，提前十分钟进入教室就可以，老师会带着孩子一步一步操作。" },
		{ "流程6", "添加微信", "稍后我们的课程顾问会添加您的微信，把上课时间和教室链接发给您，请您留意一下。" },
		{ "流程7", "结束通知", "那就这样说定了，期待孩子的精彩表现，再见。" },
		{ "普适结束语", "通用结束语", "感谢您的接听，我就不打扰您了，祝您生活愉快，再见。" },
		{ "价格咨询", "价格问题解答", "体验课是免费的，正式课程按课时收费，老师会根据孩子的情况推荐合适的班型，到时候给您详细介绍。" },
		{ "挽回话术", "客户拒绝时挽回", "理解您，现在很多家长都会先让孩子免费体验一下，看看孩子喜不喜欢，不喜欢也没有任何费用。" },
		{ "稍后联系", "客户忙时结束", "好的，那就不打扰您了，我们换个时间再联系您，祝您生活愉快。" },
		{ "投诉安抚", "客户投诉时致歉", "非常抱歉打扰到您，我们会把您的号码设置为不再拨打，祝您生活愉快，再见。" },
	},
	{	/* DOM_FIN */
		{ "流程1", "开场白", "您好，我是汇通银行信用卡中心的客服专员，您的信用卡目前可以参加账单分期优惠活动，耽误您一分钟给您介绍一下，现在方便吗？" },
		{ "流程2", "客户身份确认", "为了保障您的信息安全，请问您是这张信用卡的持卡人本人吗？" },
		{ "流程3", "客户需求确认", "请问您近期有没有大额消费或者资金周转方面的需要呢？" },
		{ "流程4", "活动介绍", "现在办理账单分期，手续费可以享受七五折优惠，最长可以分二十四期，每月还款压力会小很多。" },
		{ "流程5", "办理说明", "办理很简单，您在汇通银行App里点击账单分期，选择期数确认就可以了，全程大概两分钟。" },
		{ "流程6", "短信通知", "稍后我们会给您发送一条短信，里面有办理入口和费率说明，请您留意查收。" },
		{ "流程7", "结束通知", "感谢您的耐心接听，祝您生活愉快，再见。" },
		{ "普适结束语", "通用结束语", "感谢您的接听，我就不打扰您了，祝您生活愉快，再见。" },
		{ "价格咨询", "手续费问题解答", "分期手续费按月收取，活动期间享受七五折，具体金额在App里选择期数时会显示，非常透明。" },
		{ "挽回话术", "客户拒绝时挽回", "理解您，分期办理与否完全由您决定，这个优惠只是给您多一个选择，有需要的时候随时可以使用。" },
		{ "稍后联系", "客户忙时结束", "好的，那不打扰您了，我们稍后再联系您，祝您生活愉快。" },
		{ "投诉安抚", "客户投诉时致歉", "非常抱歉打扰到您，我们已经记录您的意见，之后不会再致电打扰，再见。" },
	},
};

static const int utt_score[U__MAX] = { 0, 0, 0, 50, 50, 50, 100, 0, 0, 0, 0, 0 };

/*
 * What the customer says: the text, the hit word in it (or NULL), a tag.
 * The tables of replies below look alike to a search for repeated code;
 * they are data (what one answers at one step of one script), not logic.
 */
struct reply {
	const char	*q, *kw;
	int		 tag;
};

static const struct reply r_open_ok[] = {
	{ "嗯，你说", "你说", -1 },
	{ "方便，你说吧", "方便", -1 },
	{ "可以，什么事？", NULL, -1 },
	{ "嗯，好的", "好的", -1 },
	{ "喂，你好，有什么事吗", NULL, -1 },
};
static const struct reply r_open_who[] = {
	{ "喂？哪位？", "哪位", -1 },
	{ "你是哪里？", "哪里", -1 },
	{ "喂，你好", NULL, -1 },
	{ "你们是干什么的？", NULL, -1 },
};
static const struct reply r_ident_yes[] = {
	{ "对，是我", "是我", -1 },
	{ "是的，你说", "是的", -1 },
	{ "嗯，是我本人", "本人", -1 },
	{ "对的", NULL, -1 },
	{ "是我，怎么了？", "是我", -1 },
};
static const struct reply r_need_pos_eng[] = {
	{ "孩子英语成绩不太好，想提高一下", "提高", -1 },
	{ "主要是工作要用，口语比较差", "口语", -1 },
	{ "明年想考雅思，现在在准备", "雅思", -1 },
	{ "想考个六级，听力一直过不了", "六级", -1 },
};
static const struct reply r_need_pos_code[] = {
	{ "孩子对编程挺感兴趣的", "感兴趣", -1 },
	{ "想让孩子学学逻辑思维", "逻辑思维", -1 },
	{ "孩子今年三年级，能学吗？", "三年级", -1 },
	{ "以前学过一点乐高机器人", "机器人", -1 },
};
static const struct reply r_need_pos_fin[] = {
	{ "最近正好要装修，花销挺大的", "装修", -1 },
	{ "有时候资金周转不太开", "周转", -1 },
	{ "准备换个手机，想分期", "分期", -1 },
	{ "上个月刷了一笔大的，还没还", NULL, -1 },
};
static const struct reply r_need_vague[] = {
	{ "也没什么特别的需求，就随便看看", "随便看看", -1 },
	{ "暂时还没想好", "没想好", -1 },
	{ "看情况吧", NULL, -1 },
	{ "这个不好说", NULL, -1 },
};
static const struct reply r_invite_edu[] = {
	{ "好啊，那帮我留一个吧", "好啊", TG_BOOK },
	{ "可以，什么时候上课？", "上课", TG_BOOK },
	{ "行，那就试试吧", "试试", TG_BOOK },
	{ "免费的话可以听听", "免费", TG_BOOK },
};
static const struct reply r_invite_fin[] = {
	{ "听起来还行，怎么办理？", "办理", TG_BOOK },
	{ "七五折是吧，可以啊", "可以", TG_BOOK },
	{ "行，那我试试", "试试", TG_BOOK },
};
static const struct reply r_prep_edu[] = {
	{ "好的，知道了", "知道了", -1 },
	{ "需要提前下载吗？", "下载", -1 },
	{ "嗯嗯，明白", "明白", -1 },
	{ "行，我待会儿看一下", NULL, -1 },
};
static const struct reply r_prep_fin[] = {
	{ "好的，我回头在App上看看", "App", -1 },
	{ "嗯，明白了", "明白", -1 },
	{ "就在App里面点是吧", "App", -1 },
};
static const struct reply r_follow_edu[] = {
	{ "行，你加吧", NULL, TG_WECHAT },
	{ "好的，微信就是这个手机号", "微信", TG_WECHAT },
	{ "可以，加微信吧", "微信", TG_WECHAT },
};
static const struct reply r_follow_fin[] = {
	{ "好的，我留意一下短信", "短信", -1 },
	{ "行，收到短信我就办", "短信", TG_BOOK },
	{ "嗯，发过来吧", NULL, -1 },
};
static const struct reply r_price_edu[] = {
	{ "这个课要多少钱啊？", "多少钱", TG_PRICE },
	{ "收费吗？", "收费", TG_PRICE },
	{ "有没有什么优惠？", "优惠", TG_DISCOUNT },
};
static const struct reply r_price_fin[] = {
	{ "手续费怎么算的？", "手续费", TG_PRICE },
	{ "分期利息高不高？", "利息", TG_PRICE },
	{ "现在还有别的优惠吗？", "优惠", TG_DISCOUNT },
};
static const struct reply r_consider[] = {
	{ "我考虑一下吧", "考虑", TG_CONSIDER },
	{ "我再想想，回头再说", "再想想", TG_CONSIDER },
	{ "这个我得跟家里人商量一下", "商量", TG_CONSIDER },
};
static const struct reply r_send_info[] = {
	{ "你先发点资料给我看看", "资料", TG_INFO },
	{ "有没有介绍，发我看看", "介绍", TG_INFO },
};
static const struct reply r_meh[] = {
	{ "哦，那我再看看吧", NULL, -1 },
	{ "嗯，知道了", "知道了", -1 },
	{ "好吧，到时候再说", NULL, -1 },
};
static const struct reply r_refuse[] = {
	{ "不需要，谢谢", "不需要", TG_REFUSE },
	{ "不用了，我没兴趣", "没兴趣", TG_REFUSE },
	{ "不要不要", "不要", TG_REFUSE },
};
static const struct reply r_refuse2[] = {
	{ "真的不用了，再见", "再见", TG_REFUSE },
	{ "不需要，挂了啊", "挂了", -1 },
	{ "说了不需要了", "不需要", TG_REFUSE },
};
static const struct reply r_busy[] = {
	{ "我现在在开车，不方便", "不方便", TG_BUSY },
	{ "在开会呢，晚点再说", "晚点", TG_BUSY },
	{ "现在忙，你过会儿再打吧", "忙", TG_BUSY },
};
static const struct reply r_bye[] = {
	{ "好的，再见", "再见", -1 },
	{ "嗯嗯，拜拜", "拜拜", -1 },
	{ "行，谢谢啊", "谢谢", -1 },
};
static const struct reply r_annoy[] = {
	{ "你们怎么天天打电话？", "天天打", TG_HARASS },
	{ "我都说过好几次了，别再打了", "别再打", TG_DELETE },
};
static const struct reply r_angry[] = {
	{ "再打我就投诉你们了", "投诉", TG_HARASS },
	{ "把我的号码删掉", "删掉", TG_DELETE },
};
static const struct reply r_wrong[] = {
	{ "你打错了，我不是", "打错了", TG_WRONG },
	{ "不是我，你找错人了", "找错人", TG_WRONG },
	{ "这个号码我刚换的，不认识这个人", "不认识", TG_WRONG },
};
static const struct reply r_have_eng[] = {
	{ "孩子已经在别的机构报班了", "报班", TG_HAVE },
	{ "我自己在用别的App学", "App", TG_HAVE },
};
static const struct reply r_have_code[] = {
	{ "已经在学别的编程课了", "编程课", TG_HAVE },
	{ "孩子学校里就有编程课", "编程课", TG_HAVE },
};
static const struct reply r_have_fin[] = {
	{ "我已经办过分期了", "办过", TG_HAVE },
	{ "我不用信用卡分期", "不用", TG_REFUSE },
};

enum rs {
	RS_OPEN_OK, RS_OPEN_WHO, RS_IDENT, RS_NEED, RS_VAGUE, RS_INVITE,
	RS_PREP, RS_FOLLOW, RS_PRICE, RS_CONSIDER, RS_INFO, RS_MEH,
	RS_REFUSE, RS_REFUSE2, RS_BUSY, RS_BYE, RS_ANNOY, RS_ANGRY, RS_WRONG,
	RS_HAVE, RS__MAX
};

struct rset {
	const struct reply	*r;
	int			 n;
};

#define RS1(a)		{ { a, NELEM(a) }, { a, NELEM(a) }, { a, NELEM(a) } }
#define RS3(a, b, c)	{ { a, NELEM(a) }, { b, NELEM(b) }, { c, NELEM(c) } }

/* The replies of each set, by domain. */
static const struct rset rsets[RS__MAX][DOM__MAX] = {
	RS1(r_open_ok),						/* RS_OPEN_OK */
	RS1(r_open_who),					/* RS_OPEN_WHO */
	RS1(r_ident_yes),					/* RS_IDENT */
	RS3(r_need_pos_eng, r_need_pos_code, r_need_pos_fin),	/* RS_NEED */
	RS1(r_need_vague),					/* RS_VAGUE */
	RS3(r_invite_edu, r_invite_edu, r_invite_fin),		/* RS_INVITE */
	RS3(r_prep_edu, r_prep_edu, r_prep_fin),		/* RS_PREP */
	RS3(r_follow_edu, r_follow_edu, r_follow_fin),		/* RS_FOLLOW */
	RS3(r_price_edu, r_price_edu, r_price_fin),		/* RS_PRICE */
	RS1(r_consider),					/* RS_CONSIDER */
	RS1(r_send_info),					/* RS_INFO */
	RS1(r_meh),						/* RS_MEH */
	RS1(r_refuse),						/* RS_REFUSE */
	RS1(r_refuse2),						/* RS_REFUSE2 */
	RS1(r_busy),						/* RS_BUSY */
	RS1(r_bye),						/* RS_BYE */
	RS1(r_annoy),						/* RS_ANNOY */
	RS1(r_angry),						/* RS_ANGRY */
	RS1(r_wrong),						/* RS_WRONG */
	RS3(r_have_eng, r_have_code, r_have_fin),		/* RS_HAVE */
};

/* Intents: the level a call ends in, its share and its score range. */
enum intent { IN_A, IN_B, IN_C, IN_D, IN__MAX };

static const int intent_weight[IN__MAX] = { 15, 20, 30, 35 };
static const int intent_score[IN__MAX][2] =
    { { 300, 400 }, { 200, 299 }, { 50, 199 }, { 0, 49 } };

/* A dialogue: per customer turn, the reply set and the robot's answer. */
struct path {
	int	 intent;
	int	 cust_hangs;	/* the customer hangs up (hangup_disposition 2) */
	int	 n;
	struct {
		int	 set, utt;
	} s[MAXT];
};

static const struct path paths[] = {
	{ IN_A, 0, 6, { { RS_OPEN_OK, 1 }, { RS_IDENT, 2 }, { RS_NEED, 3 },
	    { RS_INVITE, 4 }, { RS_PREP, 5 }, { RS_FOLLOW, 6 } } },
	{ IN_A, 0, 7, { { RS_OPEN_OK, 1 }, { RS_IDENT, 2 }, { RS_NEED, 3 },
	    { RS_PRICE, U_PRICE }, { RS_INVITE, 4 }, { RS_PREP, 5 },
	    { RS_FOLLOW, 6 } } },
	{ IN_A, 0, 4, { { RS_OPEN_OK, 2 }, { RS_NEED, 3 }, { RS_INVITE, 5 },
	    { RS_FOLLOW, 6 } } },
	{ IN_B, 0, 6, { { RS_OPEN_OK, 1 }, { RS_IDENT, 2 }, { RS_VAGUE, 3 },
	    { RS_CONSIDER, U_SAVE }, { RS_INFO, 5 }, { RS_BYE, U_BYE } } },
	{ IN_B, 0, 5, { { RS_OPEN_OK, 1 }, { RS_IDENT, 2 }, { RS_NEED, 3 },
	    { RS_CONSIDER, U_SAVE }, { RS_FOLLOW, 6 } } },
	{ IN_B, 0, 6, { { RS_OPEN_WHO, 1 }, { RS_IDENT, 2 }, { RS_NEED, 3 },
	    { RS_PRICE, U_PRICE }, { RS_INFO, 5 }, { RS_BYE, 6 } } },
	{ IN_C, 0, 4, { { RS_OPEN_OK, 1 }, { RS_IDENT, 2 },
	    { RS_PRICE, U_PRICE }, { RS_MEH, U_BYE } } },
	{ IN_C, 0, 4, { { RS_OPEN_OK, 2 }, { RS_VAGUE, 3 }, { RS_INFO, 5 },
	    { RS_MEH, U_BYE } } },
	{ IN_C, 0, 4, { { RS_OPEN_WHO, 1 }, { RS_IDENT, 2 }, { RS_VAGUE, 3 },
	    { RS_CONSIDER, U_BYE } } },
	{ IN_D, 0, 3, { { RS_OPEN_WHO, 1 }, { RS_REFUSE, U_SAVE },
	    { RS_REFUSE2, U_BYE } } },
	{ IN_D, 1, 2, { { RS_OPEN_WHO, 1 }, { RS_BUSY, U_LATER } } },
	{ IN_D, 1, 2, { { RS_ANNOY, U_SAVE }, { RS_ANGRY, U_SORRY } } },
	{ IN_D, 0, 2, { { RS_OPEN_OK, 1 }, { RS_WRONG, U_BYE } } },
	{ IN_D, 0, 4, { { RS_OPEN_OK, 1 }, { RS_IDENT, 2 }, { RS_HAVE, U_SAVE },
	    { RS_REFUSE2, U_BYE } } },
	{ IN_D, 0, 2, { { RS_REFUSE, U_SAVE }, { RS_BYE, U_BYE } } },
};

/* Tasks: four small ones, then the big one if --numbers > 0. */
struct taskdef {
	const char	*name, *remark;
	int		 dom, start, first_day, last_day;
	unsigned long	 count;
	int		 maxcall, cps, wait_permille;
};

static const struct taskdef smalltasks[] = {
	{ "英语网课老学员回访（10月）", "10月老学员唤醒", DOM_ENG, 2, 0, 19,
	    3000, 10, 10, 20 },
	{ "少儿编程体验课邀约", NULL, DOM_CODE, 2, 7, 30, 3000, 10, 10, 20 },
	{ "信用卡账单分期推广", "华东地区存量客户", DOM_FIN, 1, 19, 50, 2500,
	    20, 10, 80 },
	{ "英语网课新线索首呼（11月）", NULL, DOM_ENG, 0, 31, 50, 2000, 5, 10,
	    250 },
};
#define NSMALL	NELEM(smalltasks)

static const struct taskdef bigtask = {
	"百万号码压测任务", "性能压测数据", DOM_ENG, 1, 0, 50, 0, 100, 50, 50
};

/* Number status: share (per mille of dialled numbers) and call outcome. */
static const struct {
	int		 weight;
	const char	*call_status, *cause, *code;
	int		 dur_lo, dur_hi;
} statuses[13] = {
	{ 0, NULL, NULL, NULL, 0, 0 },						/* 0 等待呼叫 */
	{ 280, "answer", "NORMAL_CLEARING", "200", 0, 0 },			/* 1 呼叫成功 */
	{ 30, "failed", "NETWORK_OUT_OF_ORDER", "502", 300, 2500 },		/* 2 线路故障 */
	{ 80, "rejected", "CALL_REJECTED", "603", 3000, 15000 },		/* 3 拒接 */
	{ 210, "no answer", "NO_ANSWER", "480", 25000, 60000 },			/* 4 无应答 */
	{ 50, "unallocated", "UNALLOCATED_NUMBER", "404", 2000, 9000 },		/* 5 空号 */
	{ 70, "power off", "NORMAL_CLEARING", NULL, 4000, 12000 },		/* 6 关机 */
	{ 40, "out of service", "NORMAL_CLEARING", NULL, 4000, 12000 },		/* 7 停机 */
	{ 110, "busy now", "USER_BUSY", "486", 5000, 16000 },			/* 8 占线 */
	{ 20, "call barred", "INCOMING_CALL_BARRED", "403", 2000, 8000 },	/* 9 呼入限制 */
	{ 20, "arrears", "NORMAL_CLEARING", NULL, 4000, 12000 },		/* 10 欠费 */
	{ 20, "blacklist", "OUTGOING_CALL_BARRED", NULL, 0, 0 },		/* 11 黑名单 */
	{ 40, "call loss", "NORMAL_TEMPORARY_FAILURE", "503", 500, 3000 },	/* 12 呼损 */
};

/* Failed attempts before a redial: 无应答, 占线, 拒接, 呼损. */
static const int redial_status[4] = { 4, 8, 3, 12 };
static const int redial_weight[4] = { 50, 30, 10, 10 };

/* Mobile prefixes by operator (1 移动, 2 联通, 3 电信). */
static const int pre_yd[] = { 134, 135, 136, 137, 138, 139, 150, 151, 152,
    157, 158, 159, 182, 183, 184, 187, 188 };
static const int pre_lt[] = { 130, 131, 132, 155, 156, 185, 186 };
static const int pre_dx[] = { 133, 153, 180, 181, 189 };
static const int op_weight[3] = { 55, 25, 20 };

static const int gender_weight[5] = { 10, 30, 30, 15, 15 };

/* ---------------------------------------------------------------- */
/* The generator's state and the per-number plan.                   */

struct gen {
	const char	*recordings;	/* NULL, or where the WAVs go */
	u64		 key;
	i64		 base;		/* integer id block of the tenant */
	i64		 next_number, next_hist;
	int		 play_ms[DOM__MAX][U__MAX];
	char		 lines[3][12];	/* caller lines (calling_number) */
	struct ob	 o;
};

struct turn {
	const struct reply	*rep;
	int			 utt, tag, score;
	int			 speak, asr, recms, vol, pbytes;
	i64			 prog_off, msg_off;
};

struct plan {
	int		 intent, disp, n, score, gender, ntags, tags[3];
	i64		 enter_off, bill;
	struct turn	 t[MAXT];
};

struct attempt {
	int		 status, line;
	i64		 id, call, answer, hangup, created;
	const char	*cause, *code;	/* hangup_cause, hangup_code */
	char		 callid[37];
};

struct num {
	i64		 id;
	int		 status, op, city, natt, task_no, dom;
	char		 phone[12], task[37];
	i64		 gid;
	struct attempt	 a[3];
};

/* Returns the count of code points of a UTF-8 string. */
static int
u8len(const char *s)
{
	int	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Returns the byte length of the first n code points of s. */
static int
u8prefix(const char *s, int n)
{
	int	 i = 0;

	while (s[i] != '\0') {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n-- == 0)
			break;
		i++;
	}
	return i;
}

/* Fills p with one answered call's dialogue, timing and score. */
static void
plan_build(struct gen *g, struct plan *p, struct rng *r, int dom)
{
	const struct path	*pa;
	int			 idx[NELEM(paths)], ni = 0, i, j, k, chars;
	i64			 t;

	memset(p, 0, sizeof(*p));
	p->intent = rpick(r, intent_weight, IN__MAX);
	for (i = 0; i < NELEM(paths); i++)
		if (paths[i].intent == p->intent)
			idx[ni++] = i;
	pa = &paths[idx[rrange(r, 0, ni - 1)]];
	p->n = pa->n;
	p->score = (int)rrange(r, intent_score[p->intent][0],
	    intent_score[p->intent][1]);
	p->gender = rpick(r, gender_weight, 5);
	p->disp = pa->cust_hangs || rchance(r, 100) ? 2 : 1;

	p->enter_off = rrange(r, 200, 900);
	t = g->play_ms[dom][0];
	for (k = 0; k < p->n; k++) {
		const struct rset *rs = &rsets[pa->s[k].set][dom];
		struct turn *tu = &p->t[k];

		tu->rep = &rs->r[rrange(r, 0, rs->n - 1)];
		tu->utt = pa->s[k].utt;
		tu->tag = -1;
		if (tu->rep->tag >= 0 && rchance(r, 850)) {
			for (j = 0; j < p->ntags; j++)
				if (p->tags[j] == tu->rep->tag)
					break;
			if (j < p->ntags)
				tu->tag = tu->rep->tag;
			else if (p->ntags < 3) {
				p->tags[p->ntags++] = tu->rep->tag;
				tu->tag = tu->rep->tag;
			}
		}
		chars = u8len(tu->rep->q);
		tu->speak = chars * 230 + (int)rrange(r, 200, 900);
		tu->asr = (int)rrange(r, 350, 1200);
		tu->recms = tu->speak + (int)rrange(r, 300, 900);
		tu->vol = (int)rrange(r, 3000000, 12000000);
		tu->pbytes = chars >= 4 && rchance(r, 600) ?
		    u8prefix(tu->rep->q, chars / 2) : (int)strlen(tu->rep->q);
		t += rrange(r, 300, 1500);
		tu->prog_off = t + tu->speak / 2;
		tu->msg_off = t + tu->speak + tu->asr;
		t = tu->msg_off + g->play_ms[dom][tu->utt];
		tu->score = p->score * (k + 1) / p->n - p->score * k / p->n;
	}
	if (p->disp == 2)	/* cut the robot's last sentence short */
		t = p->t[p->n - 1].msg_off +
		    rrange(r, 400, g->play_ms[dom][p->t[p->n - 1].utt]);
	else
		t += rrange(r, 300, 1500);
	p->bill = t;
}

/* Returns the i-th of 10^8 distinct 8-digit suffixes (a Feistel permutation). */
static u64
perm8(u64 tk, u64 i)
{
	u64	 l = i / 10000, rr = i % 10000, nl;
	int	 round;

	for (round = 0; round < 4; round++) {
		nl = rr;
		rr = (l + derive(tk, UK_PERM, (u64)round, rr) % 10000) % 10000;
		l = nl;
	}
	return l * 10000 + rr;
}

/* ---------------------------------------------------------------- */
/* Emitters.                                                        */

static void
emit_regions(struct gen *g)
{
	struct ob	*o = &g->o;
	int		 i;
	i64		 t = T_DAY(0) + 8 * HOUR_MS;

	for (i = 0; i < NELEM(regions); i++) {
		l_begin(o, "region");
		f_int(o, "id", regions[i].id);
		if (regions[i].pid == 0)
			f_null(o, "pid");
		else
			f_int(o, "pid", regions[i].pid);
		f_str(o, "city", regions[i].city);
		f_str(o, "area_code", regions[i].area);
		f_str(o, "post_code", regions[i].post);
		f_time(o, "created_at", t);
		f_time(o, "updated_at", t);
		l_end(o);
	}
}

/* Writes the tenant's levels, tag scenes, tag groups and tags. */
static void
emit_settings(struct gen *g)
{
	struct ob	*o = &g->o;
	char		 id[37], ref[37];
	int		 i;
	i64		 t = T_DAY(0) + 8 * HOUR_MS + 10 * MIN_MS;

	for (i = 0; i < NELEM(levels); i++) {
		mkuuid(id, g->key, UK_LEVEL, (u64)i, 0);
		l_begin(o, "level");
		f_str(o, "id", id);
		f_str(o, "name", levels[i].name);
		f_str(o, "alias", levels[i].alias);
		f_str(o, "color", levels[i].color);
		f_int(o, "score_min", levels[i].min);
		f_int(o, "score_max", levels[i].max);
		f_time(o, "created_at", t + i * 1000);
		f_time(o, "updated_at", t + i * 1000);
		l_end(o);
	}
	t += 5 * MIN_MS;
	for (i = 0; i < NELEM(scenes); i++) {
		mkuuid(id, g->key, UK_SCENE, (u64)i, 0);
		l_begin(o, "tag_scene");
		f_str(o, "id", id);
		f_str(o, "name", scenes[i]);
		f_time(o, "created_at", t + i * 7000);
		f_time(o, "updated_at", t + i * 7000);
		l_end(o);
	}
	t += 5 * MIN_MS;
	for (i = 0; i < GR__MAX; i++) {
		mkuuid(id, g->key, UK_TGROUP, (u64)i, 0);
		mkuuid(ref, g->key, UK_SCENE, (u64)tgroups[i].scene, 0);
		l_begin(o, "tag_group");
		f_str(o, "id", id);
		f_str(o, "name", tgroups[i].name);
		f_str(o, "tag_scene_id", ref);
		f_time(o, "created_at", t + i * 7000);
		f_time(o, "updated_at", t + i * 7000);
		l_end(o);
	}
	t += 5 * MIN_MS;
	for (i = 0; i < TG__MAX; i++) {
		mkuuid(id, g->key, UK_TAG, (u64)i, 0);
		l_begin(o, "tag");
		f_str(o, "id", id);
		f_str(o, "name", tags[i].name);
		f_str(o, "description", tags[i].desc);
		f_str(o, "color", tags[i].color);
		f_bool(o, "status", 1);
		f_time(o, "created_at", t + i * 13000);
		f_time(o, "updated_at", t + i * 13000 + (i % 3) * HOUR_MS);
		f_key(o, "tag_group_ids");
		mkuuid(ref, g->key, UK_TGROUP, (u64)tags[i].g1, 0);
		ob_c(o, '[');
		ob_js(o, ref);
		if (tags[i].g2 >= 0) {
			mkuuid(ref, g->key, UK_TGROUP, (u64)tags[i].g2, 0);
			ob_c(o, ',');
			ob_js(o, ref);
		}
		ob_c(o, ']');
		l_end(o);
	}
}

/* Writes the script groups and their utterances. */
static void
emit_scripts(struct gen *g)
{
	struct ob	*o = &g->o;
	char		 id[37];
	int		 d, u;
	i64		 t = T_DAY(0) + 8 * HOUR_MS + 30 * MIN_MS, gid;

	for (d = 0; d < DOM__MAX; d++) {
		gid = g->base + GROUP_OFF + d;
		mkuuid(id, g->key, UK_SCENE, (u64)groups[d].scene, 0);
		l_begin(o, "group");
		f_int(o, "id", gid);
		f_str(o, "name", groups[d].name);
		f_bool(o, "debug", 0);
		f_str(o, "tag_scene_id", id);
		f_str(o, "link_word_group_id", "1");
		f_bool(o, "default", groups[d].dflt);
		f_null(o, "deleted_at");
		f_time(o, "created_at", t + d * 11 * MIN_MS);
		f_time(o, "updated_at", t + d * 11 * MIN_MS + 2 * HOUR_MS);
		l_end(o);
	}
	for (d = 0; d < DOM__MAX; d++) {
		gid = g->base + GROUP_OFF + d;
		for (u = 0; u < U__MAX; u++) {
			i64 ut = t + d * 11 * MIN_MS + (u + 1) * 47000;

			mkuuid(id, g->key, UK_UTT, (u64)gid, (u64)u);
			l_begin(o, "utterance");
			f_str(o, "id", id);
			f_int(o, "group_id", gid);
			f_str(o, "name", utts[d][u].name);
			f_str(o, "description", utts[d][u].desc);
			f_null(o, "context_id");
			f_int(o, "priority", u < U_MAIN ? u + 1 : 0);
			f_null(o, "action");
			f_int(o, "word_class", u < U_MAIN ? 16 : 1);
			f_int(o, "wait", 4000);
			f_int(o, "retry", 0);
			f_int(o, "max_retry", 0);
			f_int(o, "score", utt_score[u]);
			f_int(o, "play_ms", u == 0 ? -1 : 3000);
			f_bool(o, "enquire", 1);
			f_null(o, "customer_service_id");
			f_int(o, "identify_type", 4);
			f_null(o, "background_file_id");
			f_int(o, "block_asr", 0);
			f_null(o, "deleted_at");
			f_time(o, "created_at", ut);
			f_time(o, "updated_at", ut);
			l_end(o);
		}
	}
}

static void
emit_task(struct gen *g, const struct taskdef *td, int task_no, int sort)
{
	struct ob	*o = &g->o;
	char		 id[37];
	i64		 gid = g->base + GROUP_OFF + td->dom;
	i64		 created, altered;

	created = T_DAY(td->first_day) + 8 * HOUR_MS +
	    (i64)(derive(g->key, UK_CONF, (u64)task_no, 1) % 3000) * 1000;
	altered = T_DAY(td->last_day) + 20 * HOUR_MS + 45 * MIN_MS +
	    (i64)(derive(g->key, UK_CONF, (u64)task_no, 2) % 3000) * 1000;
	mkuuid(id, g->key, UK_TASK, (u64)task_no, 0);
	l_begin(o, "task");
	f_str(o, "uuid", id);
	f_str(o, "name", td->name);
	f_int(o, "group_id", gid);
	f_time(o, "create_datetime", created);
	f_time(o, "alter_datetime", altered);
	f_int(o, "start", td->start);
	f_int(o, "maximumcall", td->maxcall);
	f_int(o, "call_per_second", td->cps);
	f_int(o, "recycle_limit", 2);
	f_int(o, "random_assignment_number", 0);
	f_null(o, "disable_dial_timegroup");
	f_int(o, "destination_extension", gid);
	f_str(o, "destination_dialplan", "XML");
	f_str(o, "destination_context", "default");
	f_null(o, "scheduling_policy_ratio");
	f_null(o, "scheduling_queue");
	f_str(o, "dial_format", "");
	f_null(o, "domain");
	f_str(o, "remark", td->remark);
	f_int(o, "sort", sort);
	f_str(o, "originate_variables", "{execute_on_media=start_da2}");
	f_int(o, "_originate_timeout", 60);
	f_str(o, "_origination_caller_id_number", "300708");
	f_null(o, "caller_line_id");
	f_null(o, "customer_service_id");
	f_str(o, "call_notify_url", "http://127.0.0.1:81/api/hangup_notify");
	f_int(o, "call_notify_type", 2);
	l_end(o);
}

/* Sets day ("2026-10-03") and name of an answered attempt's recording. */
static void
recname(char day[20], char name[64], const struct num *nu,
    const struct attempt *a)
{
	fmt_time(day, a->call);
	day[10] = '\0';
	snprintf(name, 64, "%s.%s.wav", nu->phone, a->callid);
}

/* Writes the recording path of an answered attempt (as a field). */
static void
f_recfile(struct ob *o, const char *k, const struct num *nu,
    const struct attempt *a)
{
	char	 day[20], name[64];

	recname(day, name, nu, a);
	f_key(o, k);
	ob_s(o, "\"/mnt/smartivr/recordings/");
	ob_s(o, day);
	ob_c(o, '/');
	ob_s(o, name);
	ob_c(o, '"');
}

int
demogen_recording_file(char *out, size_t n, const char *root,
    const char *day, const char *name)
{
	int	 len = snprintf(out, n, "%s/%s/%s", root, day, name);

	return len < 0 || (size_t)len >= n ? -1 : 0;
}

#define WAV_RATE	8000		/* samples a second: 8-bit mono, telephone quality */

/* Appends a little-endian 32-bit number. */
static void
le32(struct buf *b, u64 v)
{
	buf_putc(b, (char)(v & 0xff));
	buf_putc(b, (char)((v >> 8) & 0xff));
	buf_putc(b, (char)((v >> 16) & 0xff));
	buf_putc(b, (char)((v >> 24) & 0xff));
}

/*
 * Appends a WAV of the call: silence, then two tones (a triangle wave, its
 * ends faded), their pitches and lengths drawn from the call id, so that
 * no two calls sound alike; the call id is in its INFO comment, so that
 * no two files are alike. About half a second, 8 kHz, 8 bits.
 */
static void
wav(struct buf *b, const char *callid)
{
	u64	 h = mix64(hash_str(callid));
	int	 f[2], len[2], k, i, n, amp, gap = WAV_RATE / 10;
	size_t	 ilen = strlen(callid) + 1, ipad = ilen & 1, start, total;
	u64	 phase, step;

	f[0] = 300 + (int)(h % 700);
	f[1] = 300 + (int)((h >> 16) % 700);
	len[0] = WAV_RATE / 5 + (int)((h >> 32) % (WAV_RATE / 5));
	len[1] = WAV_RATE / 5 + (int)((h >> 44) % (WAV_RATE / 5));
	n = gap + len[0] + gap + len[1] + gap;
	total = 4 + (8 + 16) + (8 + 4 + 8 + ilen + ipad) + (8 + (size_t)n + (n & 1));
	buf_puts(b, "RIFF");
	le32(b, total);
	buf_puts(b, "WAVEfmt ");
	le32(b, 16);
	le32(b, 1 | (1 << 16));			/* PCM, mono */
	le32(b, WAV_RATE);
	le32(b, WAV_RATE);			/* bytes a second */
	le32(b, 1 | (8 << 16));			/* block of 1 byte, 8 bits */
	buf_puts(b, "LIST");
	le32(b, 4 + 8 + ilen + ipad);
	buf_puts(b, "INFOICMT");
	le32(b, ilen);
	buf_put(b, callid, ilen);		/* its NUL included */
	if (ipad)
		buf_putc(b, 0);
	buf_puts(b, "data");
	le32(b, (u64)n);
	start = b->len;
	for (i = 0; i < gap; i++)
		buf_putc(b, (char)128);
	for (k = 0; k < 2; k++) {
		phase = 0;
		step = ((u64)f[k] << 32) / WAV_RATE;	/* of a period, in 2^-32 */
		for (i = 0; i < len[k]; i++) {
			/* A triangle from -1 to 1, faded in and out over 20 ms. */
			u64 ph = phase >> 16 & 0xffff;
			int tri = ph < 0x8000 ? (int)ph * 2 - 0x8000 :
			    0x17fff - (int)ph * 2;

			amp = i < 160 ? i : len[k] - i < 160 ? len[k] - i : 160;
			buf_putc(b, (char)(128 + tri / 0x100 * amp / 160 * 3 / 5));
			phase += step;
		}
		for (i = 0; i < gap; i++)
			buf_putc(b, (char)128);
	}
	if ((b->len - start) & 1)
		buf_putc(b, 0);
}

/* Writes the recording of an answered attempt below g->recordings; returns 0 or -1 (errno). */
static int
write_recording(struct gen *g, const struct num *nu, const struct attempt *a)
{
	char	 day[20], name[64], path[4096];
	struct buf b = {0};
	FILE	*f;
	int	 rc = -1;

	recname(day, name, nu, a);
	if (demogen_recording_file(path, sizeof(path), g->recordings, day, name) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* The day's directory (the root is made when missing, as its parent). */
	*strrchr(path, '/') = '\0';
	if ((mkdir(g->recordings, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(path, 0755) != 0 && errno != EEXIST))
		return -1;
	path[strlen(path)] = '/';
	wav(&b, a->callid);
	if ((f = fopen(path, "wb")) != NULL) {
		if (fwrite(b.p, 1, b.len, f) == b.len)
			rc = 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	buf_free(&b);
	return rc;
}

static void
emit_number(struct gen *g, const struct num *nu)
{
	struct ob		*o = &g->o;
	const struct attempt	*a = nu->natt ? &nu->a[nu->natt - 1] : NULL;

	l_begin(o, "number");
	f_int(o, "id", nu->id);
	f_str(o, "task_id", nu->task);
	f_str(o, "number", nu->phone);
	f_int(o, "status", nu->status);
	f_int(o, "province_id", regions[nu->city].pid);
	f_int(o, "city_id", regions[nu->city].id);
	f_int(o, "operator", nu->op);
	f_bool(o, "is_blacklist", nu->status == 11);
	if (a == NULL) {
		f_null(o, "callid");
		f_null(o, "calldate");
		f_null(o, "bill");
		f_null(o, "duration");
		f_null(o, "hangupcause");
		f_null(o, "hangupdate");
		f_null(o, "answerdate");
	} else {
		f_str(o, "callid", a->callid);
		f_time(o, "calldate", a->call);
		f_int(o, "bill", a->answer < 0 ? 0 : a->hangup - a->answer);
		f_int(o, "duration", a->hangup - a->call);
		f_str(o, "hangupcause", a->cause);
		f_time(o, "hangupdate", a->hangup);
		f_time(o, "answerdate", a->answer);
	}
	l_end(o);
}

static void
emit_history(struct gen *g, const struct num *nu, const struct attempt *a)
{
	struct ob	*o = &g->o;

	l_begin(o, "call_history");
	f_int(o, "id", a->id);
	f_str(o, "task_id", nu->task);
	f_str(o, "call_id", a->callid);
	f_int(o, "number_id", nu->id);
	f_str(o, "number", nu->phone);
	f_time(o, "call_time", a->call);
	f_int(o, "duration", a->hangup - a->call);
	f_str(o, "hangup_cause", a->cause);
	f_str(o, "hangup_code", a->code);
	f_int(o, "bill", a->answer < 0 ? 0 : a->hangup - a->answer);
	f_str(o, "call_status", statuses[a->status].call_status);
	f_int(o, "status", a->status);
	if (a->answer < 0)
		f_null(o, "record_file");
	else
		f_recfile(o, "record_file", nu, a);
	f_str(o, "calling_number", g->lines[a->line]);
	f_int(o, "province_id", regions[nu->city].pid);
	f_int(o, "city_id", regions[nu->city].id);
	f_int(o, "operator", nu->op);
	f_time(o, "created_at", a->created);
	f_time(o, "updated_at", a->created);
	l_end(o);
}

static void
f_uuid_array(struct gen *g, const char *k, enum uk kind, const int *v, int n)
{
	char	 id[37];
	int	 i;

	f_key(&g->o, k);
	ob_c(&g->o, '[');
	for (i = 0; i < n; i++) {
		mkuuid(id, g->key, kind, (u64)v[i], 0);
		if (i > 0)
			ob_c(&g->o, ',');
		ob_js(&g->o, id);
	}
	ob_c(&g->o, ']');
}

static void
emit_record(struct gen *g, const struct num *nu, const struct plan *p,
    struct rng *r)
{
	struct ob		*o = &g->o;
	const struct attempt	*a = &nu->a[nu->natt - 1];
	char			 id[37];
	i64			 read_at = -1, updated;

	updated = a->hangup + rrange(r, 800, 3000);
	if (rchance(r, 600)) {
		read_at = a->hangup + rrange(r, 5 * MIN_MS, 72 * HOUR_MS);
		if (read_at > T_END)
			read_at = T_END;
		if (read_at > updated)
			updated = read_at;
	}
	mkuuid(id, g->key, UK_RECORD, (u64)nu->id, 0);
	l_begin(o, "record");
	f_str(o, "id", id);
	f_str(o, "task_id", nu->task);
	f_int(o, "group_id", nu->gid);
	f_str(o, "callid", a->callid);
	f_int(o, "score", p->score);
	f_str(o, "callee", nu->phone);
	f_str(o, "caller_number", g->lines[a->line]);
	f_int(o, "duration", a->hangup - a->call);
	f_int(o, "error_code", 0);
	f_int(o, "gender", p->gender);
	f_time(o, "calldate", a->call);
	f_int(o, "bill", a->hangup - a->answer);
	f_str(o, "hangupcause", a->cause);
	f_time(o, "hangupdate", a->hangup);
	f_time(o, "answerdate", a->answer);
	f_recfile(o, "recordfile", nu, a);
	f_null(o, "bridge_callid");
	f_null(o, "bridge_number");
	f_null(o, "bridge_calldate");
	f_null(o, "bridge_answerdate");
	f_int(o, "hangup_disposition", p->disp);
	f_time(o, "created_at", a->answer);
	f_time(o, "updated_at", updated);
	f_int(o, "rounds", p->n);
	f_null(o, "bredge_number");
	f_time(o, "read_at", read_at);
	f_int(o, "province_id", regions[nu->city].pid);
	f_int(o, "city_id", regions[nu->city].id);
	f_int(o, "operator", nu->op);
	f_uuid_array(g, "tag_ids", UK_TAG, p->tags, p->ntags);
	l_end(o);
}

/* Writes the contents array of utterance u of the number's group. */
static void
f_contents(struct gen *g, const struct num *nu, int u)
{
	struct ob	*o = &g->o;
	char		 id[37];

	f_key(o, "contents");
	ob_s(o, "[{\"id\":");
	mkuuid(id, g->key, UK_CONTENT, (u64)nu->gid, (u64)u);
	ob_js(o, id);
	ob_s(o, ",\"file_id\":");
	mkuuid(id, g->key, UK_FILE, (u64)nu->gid, (u64)u);
	ob_js(o, id);
	ob_s(o, ",\"sort\":0,\"status\":true,\"translate_text\":");
	ob_js(o, utts[nu->dom][u].text);
	ob_s(o, ",\"wav_second\":");
	ob_fixed(o, g->play_ms[nu->dom][u], 3);
	ob_s(o, "}]");
}

/* The fields every transcript row shares, up to "callee". */
static void
detail_head(struct gen *g, const struct num *nu, const char *rec_id, int seq,
    const char *notify, const char *asrtype)
{
	struct ob	*o = &g->o;
	char		 id[37];

	mkuuid(id, g->key, UK_DETAIL, (u64)nu->id, (u64)seq);
	l_begin(o, "record_detail");
	f_str(o, "id", id);
	f_str(o, "record_id", rec_id);
	f_str(o, "task_id", nu->task);
	f_str(o, "notify", notify);
	f_str(o, "callid", nu->a[nu->natt - 1].callid);
	f_int(o, "error_code", 0);
	f_str(o, "asrtype", asrtype);
	f_str(o, "callee", nu->phone);
}

/* The answer fields of a row where the robot speaks utterance u. */
static void
detail_answer(struct gen *g, const struct num *nu, int u)
{
	struct ob	*o = &g->o;
	char		 id[37];

	mkuuid(id, g->key, UK_UTT, (u64)nu->gid, (u64)u);
	f_str(o, "answer_id", id);
	f_str(o, "answer_text", utts[nu->dom][u].name);
	f_str(o, "word_class", u < U_MAIN ? "16" : "1");
}

static void
detail_tail(struct gen *g, int score, int seq, i64 at)
{
	struct ob	*o = &g->o;

	f_int(o, "score", score);
	f_int(o, "sequence", seq);
	f_time(o, "created_at", at);
	f_time(o, "updated_at", at);
	f_null(o, "bridge_status");
}

static void
emit_details(struct gen *g, const struct num *nu, const struct plan *p)
{
	struct ob		*o = &g->o;
	const struct attempt	*a = &nu->a[nu->natt - 1];
	const struct turn	*tu;
	char			 rec_id[37], id[37];
	int			 seq = 1, k;

	mkuuid(rec_id, g->key, UK_RECORD, (u64)nu->id, 0);

	detail_head(g, nu, rec_id, seq, "enter", NULL);
	f_null(o, "gender");
	f_null(o, "asr_elapse");
	f_null(o, "record_ms");
	f_null(o, "volume_gain");
	f_str(o, "question", "");
	f_int(o, "question_index", 0);
	f_int(o, "speak_ms", 0);
	f_int(o, "play_ms", 0);
	f_str(o, "keyword", "");
	detail_answer(g, nu, 0);
	detail_tail(g, 0, seq, a->answer + p->enter_off);
	f_str(o, "answer_content", utts[nu->dom][0].text);
	f_contents(g, nu, 0);
	f_key(o, "tag_ids");
	ob_s(o, "[]");
	l_end(o);

	for (k = 0; k < p->n; k++) {
		tu = &p->t[k];

		detail_head(g, nu, rec_id, ++seq, "asrprogress_notify",
		    "aliyun");
		f_int(o, "gender", p->gender);
		f_int(o, "asr_elapse", tu->asr);
		f_int(o, "record_ms", tu->recms);
		f_key(o, "volume_gain");
		ob_fixed(o, tu->vol, 6);
		f_key(o, "question");
		ob_js_n(o, tu->rep->q, (size_t)tu->pbytes);
		f_int(o, "question_index", k + 1);
		f_int(o, "speak_ms", 0);
		f_int(o, "play_ms", g->play_ms[nu->dom][tu->utt]);
		f_null(o, "keyword");
		f_null(o, "answer_id");
		f_null(o, "answer_text");
		f_null(o, "word_class");
		detail_tail(g, 0, seq, a->answer + tu->prog_off);
		f_null(o, "answer_content");
		f_key(o, "contents");
		ob_s(o, "[]");
		f_key(o, "tag_ids");
		ob_s(o, "[]");
		l_end(o);

		detail_head(g, nu, rec_id, ++seq, "asrmessage_notify", NULL);
		f_null(o, "gender");
		f_null(o, "asr_elapse");
		f_null(o, "record_ms");
		f_null(o, "volume_gain");
		f_str(o, "question", tu->rep->q);
		f_int(o, "question_index", k + 1);
		f_int(o, "speak_ms", tu->speak);
		f_int(o, "play_ms", g->play_ms[nu->dom][tu->utt]);
		f_str(o, "keyword", tu->rep->kw);
		detail_answer(g, nu, tu->utt);
		detail_tail(g, tu->score, seq, a->answer + tu->msg_off);
		f_str(o, "answer_content", utts[nu->dom][tu->utt].text);
		f_contents(g, nu, tu->utt);
		f_key(o, "tag_ids");
		ob_c(o, '[');
		if (tu->tag >= 0) {
			mkuuid(id, g->key, UK_TAG, (u64)tu->tag, 0);
			ob_js(o, id);
		}
		ob_c(o, ']');
		l_end(o);
	}
}

/* ---------------------------------------------------------------- */
/* One number: its attempts, its record and transcript.             */

/* Returns the status of number i of a task of count numbers. */
static int
pick_status(struct rng *r, const struct taskdef *td, u64 i, u64 count)
{
	int		 w[12], s;
	u64		 step = count / 13;

	/* Every status somewhere in every task of 13 numbers or more. */
	if (step > 0 && i % step == step / 2 && i / step < 13)
		return (int)(i / step);
	if (rchance(r, td->wait_permille))
		return 0;
	for (s = 1; s < 13; s++)
		w[s - 1] = statuses[s].weight;
	return 1 + rpick(r, w, 12);
}

/* Returns 1 when the number's record has a transcript written. */
static int
gen_number(struct gen *g, const struct taskdef *td, int task_no, u64 i,
    u64 count, int want_details)
{
	static const int	 natt_w[3] = { 55, 30, 15 };
	struct num		 nu;
	struct plan		 p;
	struct rng		 r;
	struct attempt		*a;
	const int		*pre;
	int			 npre, k, day, last_day;
	bool			 planned = false;

	r.s = derive(g->key, UK_RNG, (u64)task_no, i);
	memset(&nu, 0, sizeof(nu));
	nu.id = g->base + NUM_OFF + ++g->next_number;
	nu.task_no = task_no;
	nu.dom = td->dom;
	nu.gid = g->base + GROUP_OFF + td->dom;
	mkuuid(nu.task, g->key, UK_TASK, (u64)task_no, 0);
	nu.status = pick_status(&r, td, i, count);

	nu.op = 1 + rpick(&r, op_weight, 3);
	pre = nu.op == 1 ? pre_yd : nu.op == 2 ? pre_lt : pre_dx;
	npre = nu.op == 1 ? NELEM(pre_yd) : nu.op == 2 ? NELEM(pre_lt) :
	    NELEM(pre_dx);
	snprintf(nu.phone, sizeof(nu.phone), "%03d%08llu",
	    pre[rrange(&r, 0, npre - 1)], (unsigned long long)
	    perm8(derive(g->key, UK_PERM, (u64)task_no, 0), i));
	nu.city = FIRST_CITY + (int)rrange(&r, 0,
	    NELEM(regions) - FIRST_CITY - 1);

	if (nu.status == 0)
		nu.natt = 0;
	else if (nu.status == 5 || nu.status == 11)
		nu.natt = 1;
	else
		nu.natt = 1 + rpick(&r, natt_w, 3);

	last_day = td->last_day - 2 * (nu.natt > 0 ? nu.natt - 1 : 0);
	day = (int)rrange(&r, td->first_day, last_day);
	for (k = 0; k < nu.natt; k++) {
		a = &nu.a[k];
		if (k > 0)
			day += (int)rrange(&r, 1, 2);
		a->id = g->base + HIST_OFF + ++g->next_hist;
		a->status = k == nu.natt - 1 ? nu.status :
		    redial_status[rpick(&r, redial_weight, 4)];
		a->line = (int)rrange(&r, 0, 2);
		a->call = T_DAY(day) + 9 * HOUR_MS +
		    rrange(&r, 0, 11 * HOUR_MS + 30 * MIN_MS);
		mkuuid(a->callid, g->key, UK_CALL, (u64)nu.id, (u64)k);
		a->cause = statuses[a->status].cause;
		a->code = statuses[a->status].code;
		if (a->status == 1) {
			plan_build(g, &p, &r, td->dom);
			planned = true;
			a->answer = a->call + rrange(&r, 3000, 15000);
			a->hangup = a->answer + p.bill;
		} else {
			a->answer = -1;
			a->hangup = a->call + rrange(&r,
			    statuses[a->status].dur_lo,
			    statuses[a->status].dur_hi);
			/* Half of the busy signals come as the document shows. */
			if (a->status == 8 && rchance(&r, 500)) {
				a->cause = "NORMAL_CLEARING";
				a->code = NULL;
			}
		}
		a->created = a->hangup + rrange(&r, 800, 2500);
	}

	emit_number(g, &nu);
	for (k = 0; k < nu.natt; k++)
		emit_history(g, &nu, &nu.a[k]);
	/* Answered: its last attempt (of status nu.status) planned p. planned
	 * says so where the analyzer can see it (emit_history() may, for all it
	 * knows, change nu.status). */
	if (nu.status != 1 || !planned)
		return 0;
	emit_record(g, &nu, &p, &r);
	if (!want_details)
		return 0;
	emit_details(g, &nu, &p);
	if (g->recordings != NULL &&
	    write_recording(g, &nu, &nu.a[nu.natt - 1]) != 0)
		g->o.err = 1;
	return 1;
}

/* ---------------------------------------------------------------- */

static void
gen_init(struct gen *g, FILE *out, const struct demogen_opts *o)
{
	int	 d, u, k;

	memset(g, 0, sizeof(*g));
	g->o.f = out;
	g->recordings = o->recordings;
	g->key = mix64(hash_str(o->tenant != NULL ? o->tenant : "demo") ^
	    mix64((u64)o->seed));
	g->base = (i64)(1 + derive(g->key, UK_SLOT, 0, 0) % ID_SLOTS) *
	    ID_BLOCK;
	for (d = 0; d < DOM__MAX; d++)
		for (u = 0; u < U__MAX; u++)
			g->play_ms[d][u] = u8len(utts[d][u].text) * 220 + 600 +
			    (int)(mix64((u64)(d * 100 + u)) % 400);
	for (k = 0; k < 3; k++)
		snprintf(g->lines[k], sizeof(g->lines[k]), "1736%07llu",
		    (unsigned long long)(derive(g->key, UK_LINE, (u64)k, 0) %
		    10000000));
}

int
demogen_write(FILE *out, const struct demogen_opts *o)
{
	struct gen	*g;
	u64		 i;
	int		 t, rc = -1, details = 0;

	if (o == NULL || o->numbers > DEMOGEN_NUMBERS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if ((g = malloc(sizeof(*g))) == NULL)
		return -1;
	gen_init(g, out, o);

	emit_regions(g);
	emit_settings(g);
	emit_scripts(g);
	for (t = 0; t < NSMALL; t++)
		emit_task(g, &smalltasks[t], t, t + 1);
	if (o->numbers > 0)
		emit_task(g, &bigtask, NSMALL, NSMALL + 1);

	for (t = 0; t < NSMALL && !g->o.err; t++)
		for (i = 0; i < smalltasks[t].count && !g->o.err; i++)
			gen_number(g, &smalltasks[t], t, i,
			    smalltasks[t].count, 1);
	for (i = 0; i < o->numbers && !g->o.err; i++)
		details += gen_number(g, &bigtask, NSMALL, i, o->numbers,
		    details < BIG_DETAILS);

	ob_flush(&g->o);
	if (!g->o.err && fflush(out) == 0 && !ferror(out))
		rc = 0;
	buf_free(&g->o.b);
	free(g);
	return rc;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: demo-data [--tenant NAME] [--numbers N] "
	    "[--seed N] [--recordings DIR]\n"
	    "  Writes deterministic demo data (JSON Lines for "
	    "\"callreport import\") to stdout.\n"
	    "  --tenant NAME  seeds ids and content (default demo)\n"
	    "  --numbers N    numbers in an extra big task, 0..%lu "
	    "(default 0: none)\n"
	    "  --seed N       extra seed (default 1)\n"
	    "  --recordings DIR  also write a short recording (WAV) of each call\n"
	    "                 with a transcript below DIR (a recordings_root)\n",
	    DEMOGEN_NUMBERS_MAX);
}

/* Parses a decimal unsigned long; returns 0 or -1. */
static int
parse_ulong(const char *s, unsigned long *v)
{
	unsigned long	 n = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (n > (~0UL - (unsigned long)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	*v = n;
	return 0;
}

int
demogen_main(int argc, char **argv)
{
	struct demogen_opts	 o = { "demo", 0, 1, NULL };
	const char		*arg, *val;
	size_t			 len;
	int			 i;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strncmp(arg, "--tenant", 8) == 0)
			len = 8;
		else if (strncmp(arg, "--numbers", 9) == 0)
			len = 9;
		else if (strncmp(arg, "--seed", 6) == 0)
			len = 6;
		else if (strncmp(arg, "--recordings", 12) == 0)
			len = 12;
		else
			goto bad;
		if (arg[len] == '=')
			val = arg + len + 1;
		else if (arg[len] == '\0' && i + 1 < argc)
			val = argv[++i];
		else
			goto bad;
		if (len == 8) {
			if (*val == '\0')
				goto bad;
			o.tenant = val;
		} else if (len == 9) {
			if (parse_ulong(val, &o.numbers) == -1 ||
			    o.numbers > DEMOGEN_NUMBERS_MAX)
				goto bad;
		} else if (len == 12) {
			if (*val == '\0')
				goto bad;
			o.recordings = val;
		} else if (parse_ulong(val, &o.seed) == -1)
			goto bad;
	}
	if (demogen_write(stdout, &o) == -1) {
		fprintf(stderr, "demo-data: write error: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
bad:
	fprintf(stderr, "demo-data: bad argument: %s\n", argv[i]);
	usage(stderr);
	return 2;
}
