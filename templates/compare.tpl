{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/{{PERIOD_QUERY}}">概况</a> › 任务对比</p>
<h1>任务对比 <small class="meta">{{#HAS_PERIOD_NAME}}{{PERIOD_NAME}} · {{/HAS_PERIOD_NAME}}<span id="period">{{PERIOD_START}} 至 {{PERIOD_END}}</span></small></h1>
<p class="meta">对比上期: <span id="prev-period">{{PREV_START}} 至 {{PREV_END}}</span> (等长的前一时段)</p>
{{>PERIODS}}
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}" id="xlsx">下载 XLSX</a></p>
<div class="scroll">
<table class="report compare" id="compare">
<caption class="vh">所选任务在这一时段的指标, 每列一个任务</caption>
<thead><tr><th scope="col">指标</th>{{#TASK}}<th scope="col" data-id="{{task_id}}"><a href="{{BASE}}/tasks/{{task_id}}{{PERIOD_QUERY}}">{{name}}</a></th>{{/TASK}}</tr></thead>
<tbody>
{{#METRIC}}<tr class="{{kind}}"><th scope="row">{{label}}</th>{{#FIGURE}}<td class="num{{#mark_set}} mark-{{mark}}{{/mark_set}}">{{value}}</td>{{/FIGURE}}</tr>
{{/METRIC}}</tbody>
</table>
</div>
<p class="note"><span class="mark-low">红色</span>: 低于阈值, <span class="mark-high">绿色</span>: 高于阈值 (与该任务上期相比)。等级: 这一时段的通话记录按等级计 (占通话数); 呼叫结果: 这一时段的每次呼叫按结果计, 没有的结果不列出。</p>
{{>FOOTER}}
