{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/{{PERIOD_QUERY}}">概况</a> › <a href="{{BASE}}/tasks{{PERIOD_QUERY}}">任务</a> › 任务概览{{#HAS_PERIOD}} <span class="period">{{PERIOD_WORDS}}</span>{{/HAS_PERIOD}}</p>
<h1>{{t_name}}{{#HAS_PERIOD}} <small class="meta"><span id="period">{{PERIOD_WORDS}}</span></small>{{/HAS_PERIOD}}</h1>
{{>PERIODS}}
{{#HAS_PERIOD}}<p class="note">已呼叫、接通、呼叫次数与通话记录为这一时段的: 这一时段有呼叫的号码、其中有一次接通的号码、这一时段的呼叫、呼叫时间在这一时段的通话记录; 号码总数与进度是整个任务的。{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}">全部时间</a>{{/LIVE}}</p>{{/HAS_PERIOD}}
<p class="meta">话术组: {{t_group_str}} · 状态: {{t_start_str}} · 创建时间: {{t_create_datetime}}</p>
<nav class="actions views" aria-label="查看">
<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers{{PERIOD_QUERY}}" id="to-numbers">号码列表</a>
<a href="{{BASE}}/tasks/{{TASK_ID}}/records{{PERIOD_QUERY}}" id="to-records">通话记录</a>
<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers?format=xlsx{{PERIOD_AMP}}">下载号码 XLSX</a>
<a href="{{BASE}}/tasks/{{TASK_ID}}/records?format=xlsx{{PERIOD_AMP}}">下载通话记录 XLSX</a>
</nav>

<div class="cards" id="figures">
<div class="card"><span class="k">号码总数</span> <strong class="v" id="f-total">{{t_total}}</strong></div>
<div class="card"><span class="k">已呼叫</span> <strong class="v"><span id="f-dialled">{{t_dialled}}</span> <small>{{t_progress}}%</small></strong></div>
<div class="card"><span class="k">接通</span> <strong class="v" id="f-connected">{{t_connected}}</strong></div>
<div class="card"><span class="k">接通率</span> <strong class="v"><span id="f-connect-rate">{{t_connect_rate}}</span>%</strong></div>
<div class="card"><span class="k">呼叫次数</span> <strong class="v" id="f-attempts">{{t_attempts}}</strong></div>
<div class="card"><span class="k">通话记录</span> <strong class="v" id="f-records">{{t_records}}</strong></div>
<div class="card"><span class="k">平均通话时长</span> <strong class="v">{{t_avg_bill}} <small>秒</small></strong></div>
<div class="card"><span class="k">平均交互轮数</span> <strong class="v">{{t_avg_rounds}}</strong></div>
<div class="card"><span class="k">平均得分</span> <strong class="v">{{t_avg_score}}</strong></div>
<div class="card"><span class="k">客户挂断 / 机器人挂断</span> <strong class="v">{{t_customer_hangups}} <small>/ {{t_robot_hangups}}</small></strong></div>
</div>

<div class="panels">
<section class="panel wide" id="status" aria-labelledby="h-status">
<h2 id="h-status">号码状态分布</h2>
{{#STATUS_ANY}}<svg class="stack" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="号码状态分布">{{#STATUS}}{{#NONZERO}}<rect x="{{sx}}" y="0" width="{{sw}}" height="6" class="st{{code}}"><title>{{label}}: {{count}} ({{pct}}%)</title></rect>{{/NONZERO}}{{/STATUS}}</svg>{{/STATUS_ANY}}
<div class="scroll">
<table class="report">
<thead><tr><th scope="col">状态</th><th scope="col" class="num">号码数</th><th scope="col" class="num">占比</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#STATUS}}<tr data-code="{{code}}">
<td data-label="状态"><svg class="sw" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" class="st{{code}}"></rect></svg>{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers?status%5B%5D={{code}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="号码数" class="num count">{{count}}</td>
<td data-label="占比" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10" class="st{{code}}"></rect></svg></td>
</tr>{{/STATUS}}
</tbody>
</table>
</div>
</section>

<section class="panel" id="levels" aria-labelledby="h-levels">
<h2 id="h-levels">意向等级分布</h2>
{{#LEVEL_NONE}}<p class="note">还没有通话记录。</p>{{/LEVEL_NONE}}
{{#LEVEL_ANY}}<svg class="stack" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="意向等级分布">{{#LEVEL}}{{#NONZERO}}{{#COLOR}}<rect x="{{sx}}" y="0" width="{{sw}}" height="6" fill="{{color}}"><title>{{label}}: {{count}} ({{pct}}%)</title></rect>{{/COLOR}}{{#NOCOLOR}}<rect x="{{sx}}" y="0" width="{{sw}}" height="6" class="lv"><title>{{label}}: {{count}} ({{pct}}%)</title></rect>{{/NOCOLOR}}{{/NONZERO}}{{/LEVEL}}</svg>
<table class="report">
<thead><tr><th scope="col">等级</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占比</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#LEVEL}}<tr>
<td data-label="等级">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?{{#LINK}}level%5B%5D={{link_q}}{{/LINK}}{{#NOLINK}}none%5B%5D=level{{/NOLINK}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占比" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">{{#COLOR}}<rect width="{{bar}}" height="10" fill="{{color}}"></rect>{{/COLOR}}{{#NOCOLOR}}<rect width="{{bar}}" height="10"></rect>{{/NOCOLOR}}</svg></td>
</tr>{{/LEVEL}}
</tbody>
</table>{{/LEVEL_ANY}}
</section>

<section class="panel" id="tags" aria-labelledby="h-tags">
<h2 id="h-tags">标签 (前 10)</h2>
{{#TAG_NONE}}<p class="note">通话记录上还没有标签。</p>{{/TAG_NONE}}
{{#TAG_ANY}}<table class="report">
<thead><tr><th scope="col">标签</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占通话</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#TAG}}<tr>
<td data-label="标签">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?tags%5B%5D={{id}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占通话" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10"></rect></svg></td>
</tr>{{/TAG}}
</tbody>
</table>{{/TAG_ANY}}
<h2>母标签</h2>
{{#TAG_GROUP_NONE}}<p class="note">没有。</p>{{/TAG_GROUP_NONE}}
{{#TAG_GROUP_ANY}}<table class="report" id="tag-groups">
<thead><tr><th scope="col">母标签</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占通话</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#TAG_GROUP}}<tr>
<td data-label="母标签">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?{{q}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占通话" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10"></rect></svg></td>
</tr>{{/TAG_GROUP}}
</tbody>
</table>{{/TAG_GROUP_ANY}}
</section>

<section class="panel" id="bills" aria-labelledby="h-bills">
<h2 id="h-bills">通话时长分布</h2>
{{#BILL_NONE}}<p class="note">还没有通话记录。</p>{{/BILL_NONE}}
{{#BILL_ANY}}<table class="report">
<thead><tr><th scope="col">通话时长</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占比</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#BILL}}<tr>
<td data-label="通话时长">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?bills%5B%5D={{lo}}&amp;bills%5B%5D={{hi}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占比" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10"></rect></svg></td>
</tr>{{/BILL}}
</tbody>
</table>{{/BILL_ANY}}
</section>

<section class="panel" id="rounds" aria-labelledby="h-rounds">
<h2 id="h-rounds">交互轮数分布</h2>
{{#ROUND_NONE}}<p class="note">还没有通话记录。</p>{{/ROUND_NONE}}
{{#ROUND_ANY}}<table class="report">
<thead><tr><th scope="col">轮数</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占比</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#ROUND}}<tr>
<td data-label="轮数">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?rounds%5B%5D={{lo}}&amp;rounds%5B%5D={{hi}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占比" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10"></rect></svg></td>
</tr>{{/ROUND}}
</tbody>
</table>{{/ROUND_ANY}}
</section>

<section class="panel" id="hangup" aria-labelledby="h-hangup">
<h2 id="h-hangup">客户在哪句话后挂断</h2>
<p class="note">客户挂断的通话, 按挂断前机器人说的最后一句话术统计。</p>
{{#HANGUP_NONE}}<p class="note">没有客户挂断的通话。</p>{{/HANGUP_NONE}}
{{#HANGUP_ANY}}<table class="report">
<thead><tr><th scope="col">最后一句话术</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占客户挂断</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#HANGUP}}<tr>
<td data-label="最后一句话术" class="wrap">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?dropoff={{link_q}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占客户挂断" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10"></rect></svg></td>
</tr>{{/HANGUP}}
</tbody>
</table>{{/HANGUP_ANY}}
</section>

<section class="panel wide" id="hours" aria-labelledby="h-hours">
<h2 id="h-hours">按小时的呼叫</h2>
{{#HOUR_NONE}}<p class="note">还没有呼叫。</p>{{/HOUR_NONE}}
{{#HOUR_ANY}}<p class="legend"><span><svg class="sw" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" class="c1"></rect></svg>呼叫次数</span><span><svg class="sw" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" class="c2"></rect></svg>接通次数</span></p>
<svg class="hours" viewBox="0 0 480 130" role="img" aria-label="按小时的呼叫次数与接通次数">
<line x1="0" y1="110.5" x2="480" y2="110.5" class="axis"></line>
{{#HOUR}}<rect class="c1" x="{{cx}}" y="{{cy}}" width="{{cw}}" height="{{ch}}"><title>{{label}} 呼叫 {{count}} 次, 接通 {{connected}} 次</title></rect><rect class="c2" x="{{cx}}" y="{{cy2}}" width="{{cw}}" height="{{ch2}}"><title>{{label}} 接通 {{connected}} 次</title></rect>{{#TICK}}<text x="{{lx}}" y="124" text-anchor="middle">{{label}}</text>{{/TICK}}
{{/HOUR}}</svg>
<details><summary>数据表</summary>
<table class="report">
<thead><tr><th scope="col">时段</th><th scope="col" class="num">呼叫次数</th><th scope="col" class="num">接通次数</th><th scope="col" class="num">占呼叫</th><th scope="col" class="num">接通率</th></tr></thead>
<tbody>
{{#HOUR}}<tr data-hour="{{hour}}"><td>{{#NONZERO}}{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers?attempts=1&amp;hour={{hour}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}{{/NONZERO}}{{#ZERO}}{{label}}{{/ZERO}}</td><td class="num count">{{count}}</td><td class="num">{{connected}}</td><td class="num">{{pct}}%</td><td class="num">{{rate}}{{#NONZERO}}%{{/NONZERO}}</td></tr>{{/HOUR}}
</tbody>
</table>
</details>{{/HOUR_ANY}}
</section>

<section class="panel wide" id="rates" aria-labelledby="h-rates">
<h2 id="h-rates">按小时的接通率</h2>
<p class="note">每小时 (0–23 时) 接通的呼叫占这一小时的呼叫。</p>
{{#HOUR_NONE}}<p class="note">还没有呼叫。</p>{{/HOUR_NONE}}
{{#HOUR_ANY}}<svg class="hours" viewBox="-30 0 510 130" role="img" aria-label="按小时的接通率">
<line x1="0" y1="110.5" x2="480" y2="110.5" class="axis"></line><line x1="0.5" y1="10" x2="0.5" y2="110" class="axis"></line>
<text x="-4" y="14" text-anchor="end">100%</text><text x="-4" y="64" text-anchor="end">50%</text><text x="-4" y="113" text-anchor="end">0</text>
{{#HOUR}}<rect class="c2" x="{{cx}}" y="{{ry}}" width="{{cw}}" height="{{rh}}"><title>{{label}} 接通率 {{rate}}%</title></rect>{{#TICK}}<text x="{{lx}}" y="124" text-anchor="middle">{{label}}</text>{{/TICK}}
{{/HOUR}}</svg>
<div class="scroll">
<table class="report" id="rate-table">
<thead><tr><th scope="col">时段</th><th scope="col" class="num">呼叫次数</th><th scope="col" class="num">接通次数</th><th scope="col" class="num">接通率</th></tr></thead>
<tbody>
{{#HOUR}}<tr data-hour="{{hour}}"><td>{{#NONZERO}}{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers?attempts=1&amp;hour={{hour}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}{{/NONZERO}}{{#ZERO}}{{label}}{{/ZERO}}</td><td class="num count">{{count}}</td><td class="num connected">{{connected}}</td><td class="num rate">{{rate}}</td></tr>{{/HOUR}}
</tbody>
</table>
</div>{{/HOUR_ANY}}
</section>

<section class="panel wide" id="trend" aria-labelledby="h-trend">
<h2 id="h-trend">通话趋势</h2>
<p class="note">每个时间点的通话记录数 (一天的时段按小时, 否则按天)。</p>
{{#TREND_NONE}}<p class="note">这一时段没有通话记录。</p>{{/TREND_NONE}}
{{#TREND_ANY}}<svg class="hours" viewBox="-30 0 510 130" role="img" aria-label="通话趋势">
<line x1="0" y1="110.5" x2="480" y2="110.5" class="axis"></line><line x1="0.5" y1="10" x2="0.5" y2="110" class="axis"></line>
<text x="-4" y="14" text-anchor="end">{{TREND_MAX}}</text><text x="-4" y="113" text-anchor="end">0</text>
{{#TREND}}<rect class="c1" x="{{cx}}" y="{{cy}}" width="{{cw}}" height="{{ch}}"><title>{{label}} 通话 {{count}}</title></rect>{{#VALUE}}<text x="{{lx}}" y="{{vy}}" text-anchor="middle" class="value">{{count}}</text>{{/VALUE}}{{#TICK}}<text x="{{lx}}" y="124" text-anchor="middle">{{label}}</text>{{/TICK}}
{{/TREND}}</svg>
<details><summary>数据表</summary>
<div class="scroll">
<table class="report" id="trend-table">
<thead><tr><th scope="col">时间</th><th scope="col" class="num">通话记录</th><th scope="col" class="num">呼叫次数</th><th scope="col" class="num">接通次数</th></tr></thead>
<tbody>
{{#TREND}}<tr><td>{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?{{q}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td><td class="num count">{{count}}</td><td class="num">{{attempts}}</td><td class="num">{{connected}}</td></tr>{{/TREND}}
</tbody>
</table>
</div>
</details>{{/TREND_ANY}}
</section>

<section class="panel" id="causes" aria-labelledby="h-causes">
<h2 id="h-causes">挂断原因</h2>
{{#CAUSE_NONE}}<p class="note">没有通话记录。</p>{{/CAUSE_NONE}}
{{#CAUSE_ANY}}<div class="scroll">
<table class="report">
<thead><tr><th scope="col">挂断原因</th><th scope="col">原因码</th><th scope="col" class="num">通话数</th><th scope="col" class="num">占比</th><th scope="col">分布</th></tr></thead>
<tbody>
{{#CAUSE}}<tr>
<td data-label="挂断原因">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?{{#LINK}}hangupcause={{link_q}}{{/LINK}}{{#NOLINK}}none%5B%5D=hangupcause{{/NOLINK}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="原因码">{{#LINK}}<code class="raw">{{code}}</code>{{/LINK}}</td>
<td data-label="通话数" class="num count">{{count}}</td>
<td data-label="占比" class="num">{{pct}}%</td>
<td class="barcell"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="{{bar}}" height="10"></rect></svg></td>
</tr>{{/CAUSE}}
</tbody>
</table>
</div>{{/CAUSE_ANY}}
</section>

<section class="panel" id="operators" aria-labelledby="h-operators">
<h2 id="h-operators">按运营商</h2>
<div class="scroll">
<table class="report stack-phone">
<thead><tr><th scope="col">运营商</th><th scope="col" class="num">号码</th><th scope="col" class="num">已呼叫</th><th scope="col" class="num">接通</th><th scope="col" class="num">接通率</th><th scope="col" class="num">通话记录</th></tr></thead>
<tbody>
{{#OPERATOR}}<tr>
<td data-label="运营商">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers?{{#LINK}}type%5B%5D={{link_q}}{{/LINK}}{{#NOLINK}}none%5B%5D=operator{{/NOLINK}}{{DIALLED_AMP}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="号码" class="num">{{total}}</td>
<td data-label="已呼叫" class="num count">{{count}}</td>
<td data-label="接通" class="num">{{connected}}</td>
<td data-label="接通率" class="num">{{rate}}%</td>
<td data-label="通话记录" class="num records">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?{{#LINK}}operator%5B%5D={{link_q}}{{/LINK}}{{#NOLINK}}none%5B%5D=operator{{/NOLINK}}{{PERIOD_AMP}}">{{records}}</a>{{/LIVE}}{{#EXPORT}}{{records}}{{/EXPORT}}</td>
</tr>{{/OPERATOR}}
{{#OPERATOR_NONE}}<tr><td colspan="6">还没有呼叫。</td></tr>{{/OPERATOR_NONE}}
</tbody>
</table>
</div>
</section>

<section class="panel" id="provinces" aria-labelledby="h-provinces">
<h2 id="h-provinces">按省份</h2>
<div class="scroll">
<table class="report stack-phone">
<thead><tr><th scope="col">省份</th><th scope="col" class="num">号码</th><th scope="col" class="num">已呼叫</th><th scope="col" class="num">接通</th><th scope="col" class="num">接通率</th><th scope="col" class="num">通话记录</th></tr></thead>
<tbody>
{{#PROVINCE}}<tr>
<td data-label="省份">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/numbers?{{#LINK}}province={{link_q}}{{/LINK}}{{#NOLINK}}none%5B%5D=province{{/NOLINK}}{{DIALLED_AMP}}{{PERIOD_AMP}}">{{label}}</a>{{/LIVE}}{{#EXPORT}}{{label}}{{/EXPORT}}</td>
<td data-label="号码" class="num">{{total}}</td>
<td data-label="已呼叫" class="num count">{{count}}</td>
<td data-label="接通" class="num">{{connected}}</td>
<td data-label="接通率" class="num">{{rate}}%</td>
<td data-label="通话记录" class="num records">{{#LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records?{{#LINK}}province%5B%5D={{link_q}}{{/LINK}}{{#NOLINK}}none%5B%5D=province{{/NOLINK}}{{PERIOD_AMP}}">{{records}}</a>{{/LIVE}}{{#EXPORT}}{{records}}{{/EXPORT}}</td>
</tr>{{/PROVINCE}}
{{#PROVINCE_NONE}}<tr><td colspan="6">还没有呼叫。</td></tr>{{/PROVINCE_NONE}}
</tbody>
</table>
</div>
</section>
</div>
{{>FOOTER}}
