{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs">概况 › <a href="{{BASE}}/tasks{{PERIOD_QUERY}}">任务</a></p>
<h1>概况 <small class="meta">{{#HAS_PERIOD_NAME}}{{PERIOD_NAME}} · {{/HAS_PERIOD_NAME}}<span id="period">{{PERIOD_START}} 至 {{PERIOD_END}}</span></small></h1>
<p class="meta">对比上期: <span id="prev-period">{{PREV_START}} 至 {{PREV_END}}</span> (等长的前一时段)</p>
{{#FORM_ERROR}}<p class="form-error" id="form-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</p>{{/FORM_ERROR}}
{{>PERIODS}}
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}" id="xlsx">下载 XLSX</a><a href="{{BASE}}/callbacks{{PERIOD_QUERY}}" id="callbacks">这一时段的意向客户</a><a href="{{BASE}}/tasks{{PERIOD_QUERY}}">全部任务</a></p>
{{#TREND_ANY}}<section class="panel" id="trend" aria-labelledby="h-trend">
<h2 id="h-trend">趋势 <small class="meta">{{TREND_UNIT}}</small></h2>
<p class="legend">{{#LINE}}<span><svg class="sw" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" class="{{class}}"></rect></svg>{{name}}</span>{{/LINE}}</p>
<div class="scroll"><svg class="trend" id="trend-chart" viewBox="0 0 {{TREND_W}} {{TREND_H}}" role="img" aria-label="{{TREND_UNIT}}的拨打号码、接通号码与通话记录">
{{#YTICK}}<line class="grid" x1="{{TREND_X0}}" y1="{{y}}" x2="{{TREND_X1}}" y2="{{y}}"></line><text class="ytick" x="{{TREND_X0}}" dx="-6" y="{{ty}}" text-anchor="end">{{value}}</text>
{{/YTICK}}<line class="axis" x1="{{TREND_X0}}" y1="{{TREND_Y1}}" x2="{{TREND_X1}}" y2="{{TREND_Y1}}"></line><line class="axis" x1="{{TREND_X0}}" y1="{{TREND_Y0}}" x2="{{TREND_X0}}" y2="{{TREND_Y1}}"></line>
{{#POINT}}<rect class="band" x="{{bx}}" y="{{TREND_Y0}}" width="{{bw}}" height="{{TREND_PH}}"><title>{{title}}</title></rect>{{#TICK}}<text class="xtick" x="{{x}}" y="{{TREND_XY}}" text-anchor="middle">{{label}}</text>{{/TICK}}
{{/POINT}}{{#LINE}}<g class="{{class}}"><polyline points="{{points}}"></polyline>{{#DOT}}<circle cx="{{cx}}" cy="{{cy}}" r="2.5"><title>{{title}}</title></circle>{{#VALUE}}<text class="value" x="{{cx}}" y="{{vy}}" text-anchor="middle">{{value}}</text>{{/VALUE}}{{/DOT}}</g>
{{/LINE}}</svg></div>
<details><summary>数据表</summary>
<div class="scroll">
<table class="report" id="trend-table">
<caption class="vh">{{TREND_UNIT}}的趋势, 每行一个时间点</caption>
<thead><tr><th scope="col">时间</th><th scope="col" class="num">拨打号码</th><th scope="col" class="num">接通号码</th><th scope="col" class="num">接通率</th><th scope="col" class="num">通话记录</th><th scope="col" class="num">A类意向</th><th scope="col" class="num">B类意向</th></tr></thead>
<tbody>
{{#POINT}}<tr data-lo="{{lo}}" data-hi="{{hi}}"><td><a href="{{PATH}}?{{query}}">{{label}}</a></td><td class="num">{{dialled}}</td><td class="num">{{answered}}</td><td class="num">{{#connect_rate_set}}{{connect_rate}}%{{/connect_rate_set}}</td><td class="num">{{calls}}</td><td class="num">{{a_count}}</td><td class="num">{{b_count}}</td></tr>
{{/POINT}}</tbody>
</table>
</div>
</details>
</section>{{/TREND_ANY}}
{{#LIVE}}<form method="get" action="{{BASE}}/compare" id="compare-form">
<input type="hidden" name="start_at" value="{{PERIOD_START}}"><input type="hidden" name="end_at" value="{{PERIOD_END}}">
{{/LIVE}}<div class="scroll">
<table class="report stack-phone" id="rows">
<caption class="vh">这一时段有呼叫或通话的任务, 最后一行为合计</caption>
<thead><tr>
{{#LIVE}}<th scope="col"><span class="vh">对比</span></th>{{/LIVE}}
<th scope="col" aria-sort="{{aria_name}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=name&amp;dir={{sort_name_dir}}">任务名称{{#sorted_name_asc}} ▲{{/sorted_name_asc}}{{#sorted_name_desc}} ▼{{/sorted_name_desc}}</a>{{/LIVE}}{{#EXPORT}}任务名称{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_dialled}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=dialled&amp;dir={{sort_dialled_dir}}">呼叫号码{{#sorted_dialled_asc}} ▲{{/sorted_dialled_asc}}{{#sorted_dialled_desc}} ▼{{/sorted_dialled_desc}}</a>{{/LIVE}}{{#EXPORT}}呼叫号码{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_answered}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=answered&amp;dir={{sort_answered_dir}}">接通号码{{#sorted_answered_asc}} ▲{{/sorted_answered_asc}}{{#sorted_answered_desc}} ▼{{/sorted_answered_desc}}</a>{{/LIVE}}{{#EXPORT}}接通号码{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_connect_rate}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=connect_rate&amp;dir={{sort_connect_rate_dir}}">接通率{{#sorted_connect_rate_asc}} ▲{{/sorted_connect_rate_asc}}{{#sorted_connect_rate_desc}} ▼{{/sorted_connect_rate_desc}}</a>{{/LIVE}}{{#EXPORT}}接通率{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_connect_rate_change}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=connect_rate_change&amp;dir={{sort_connect_rate_change_dir}}">接通率较上期{{#sorted_connect_rate_change_asc}} ▲{{/sorted_connect_rate_change_asc}}{{#sorted_connect_rate_change_desc}} ▼{{/sorted_connect_rate_change_desc}}</a>{{/LIVE}}{{#EXPORT}}接通率较上期{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_calls}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=calls&amp;dir={{sort_calls_dir}}">通话数{{#sorted_calls_asc}} ▲{{/sorted_calls_asc}}{{#sorted_calls_desc}} ▼{{/sorted_calls_desc}}</a>{{/LIVE}}{{#EXPORT}}通话数{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_calls_change}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=calls_change&amp;dir={{sort_calls_change_dir}}">通话数较上期{{#sorted_calls_change_asc}} ▲{{/sorted_calls_change_asc}}{{#sorted_calls_change_desc}} ▼{{/sorted_calls_change_desc}}</a>{{/LIVE}}{{#EXPORT}}通话数较上期{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_a_count}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=a_count&amp;dir={{sort_a_count_dir}}">A类意向{{#sorted_a_count_asc}} ▲{{/sorted_a_count_asc}}{{#sorted_a_count_desc}} ▼{{/sorted_a_count_desc}}</a>{{/LIVE}}{{#EXPORT}}A类意向{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_a_rate}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=a_rate&amp;dir={{sort_a_rate_dir}}">A类占比{{#sorted_a_rate_asc}} ▲{{/sorted_a_rate_asc}}{{#sorted_a_rate_desc}} ▼{{/sorted_a_rate_desc}}</a>{{/LIVE}}{{#EXPORT}}A类占比{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_b_count}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=b_count&amp;dir={{sort_b_count_dir}}">B类意向{{#sorted_b_count_asc}} ▲{{/sorted_b_count_asc}}{{#sorted_b_count_desc}} ▼{{/sorted_b_count_desc}}</a>{{/LIVE}}{{#EXPORT}}B类意向{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_b_rate}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=b_rate&amp;dir={{sort_b_rate_dir}}">B类占比{{#sorted_b_rate_asc}} ▲{{/sorted_b_rate_asc}}{{#sorted_b_rate_desc}} ▼{{/sorted_b_rate_desc}}</a>{{/LIVE}}{{#EXPORT}}B类占比{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_avg_bill}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=avg_bill&amp;dir={{sort_avg_bill_dir}}">平均通话时长(秒){{#sorted_avg_bill_asc}} ▲{{/sorted_avg_bill_asc}}{{#sorted_avg_bill_desc}} ▼{{/sorted_avg_bill_desc}}</a>{{/LIVE}}{{#EXPORT}}平均通话时长(秒){{/EXPORT}}</th>
</tr></thead>
<tbody>
{{#ROW}}<tr class="{{row_kind}}" data-id="{{task_id}}">
{{#LIVE}}<td data-label="对比">{{#task_id_set}}<input type="checkbox" name="tasks[]" value="{{task_id}}" aria-label="对比 {{name}}">{{/task_id_set}}</td>{{/LIVE}}
<td data-label="任务名称" class="wrap">{{#task_id_set}}<a href="{{BASE}}/tasks/{{task_id}}{{PERIOD_QUERY}}">{{name}}</a>{{/task_id_set}}{{#total_label_set}}<strong>{{total_label}}</strong>{{/total_label_set}}</td>
<td data-label="呼叫号码" class="num dialled">{{dialled}}</td>
<td data-label="接通号码" class="num answered">{{answered}}</td>
<td data-label="接通率" class="num connect-rate{{#connect_rate_mark_set}} mark-{{connect_rate_mark}}{{/connect_rate_mark_set}}">{{#connect_rate_set}}{{connect_rate}}%{{/connect_rate_set}}</td>
<td data-label="接通率较上期" class="num trend {{connect_rate_trend}}">{{connect_rate_vs}}</td>
<td data-label="通话数" class="num calls{{#calls_mark_set}} mark-{{calls_mark}}{{/calls_mark_set}}">{{#task_id_set}}<a href="{{BASE}}/tasks/{{task_id}}/records{{PERIOD_QUERY}}">{{calls}}</a>{{/task_id_set}}{{#total_label_set}}{{calls}}{{/total_label_set}}</td>
<td data-label="通话数较上期" class="num trend {{calls_trend}}">{{calls_vs}}</td>
<td data-label="A类意向" class="num a-count">{{a_count}}</td>
<td data-label="A类占比" class="num a-rate{{#a_rate_mark_set}} mark-{{a_rate_mark}}{{/a_rate_mark_set}}">{{#a_rate_set}}{{a_rate}}%{{/a_rate_set}}</td>
<td data-label="B类意向" class="num b-count">{{b_count}}</td>
<td data-label="B类占比" class="num b-rate{{#b_rate_mark_set}} mark-{{b_rate_mark}}{{/b_rate_mark_set}}">{{#b_rate_set}}{{b_rate}}%{{/b_rate_set}}</td>
<td data-label="平均通话时长(秒)" class="num avg-bill{{#avg_bill_mark_set}} mark-{{avg_bill_mark}}{{/avg_bill_mark_set}}">{{avg_bill}}</td>
</tr>{{/ROW}}
{{#BAD}}<tr><td colspan="12">筛选条件有误, 请改正后再查看</td></tr>{{/BAD}}
</tbody>
</table>
</div>
{{#LIVE}}<p class="actions"><button type="submit">对比所选任务 (2 至 6 个)</button></p>
</form>{{/LIVE}}
<p class="note"><span class="mark-low">红色</span>: 低于阈值, <span class="mark-high">绿色</span>: 高于阈值 (与该任务上期相比; 默认: 接通率低于上期的 80%)。接通率 = 接通号码 / 呼叫号码; A类、B类: 等级名称以 A、B 开头的通话, 占比为占通话数; 较上期: 接通率以百分点计。</p>
{{>FOOTER}}
