{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>外呼任务{{#HAS_PERIOD}} <small class="meta">{{#HAS_PERIOD_NAME}}{{PERIOD_NAME}} · {{/HAS_PERIOD_NAME}}<span id="period">{{PERIOD_START}} 至 {{PERIOD_END}}</span></small>{{/HAS_PERIOD}}</h1>
{{#FORM_ERROR}}<p class="form-error" id="form-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</p>{{/FORM_ERROR}}
{{>PERIODS}}
{{#HAS_PERIOD}}<p class="note">已呼叫、接通与通话记录为这一时段的: 这一时段有呼叫的号码、其中接通的号码、呼叫时间在这一时段的通话记录。<a href="{{PATH}}">全部时间</a></p>{{/HAS_PERIOD}}
<p class="actions"><span>共 {{TOTAL}} 个任务</span><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<div class="scroll">
<table class="report stack-phone" id="tasks">
<caption class="vh">外呼任务: 进度、接通率与查看链接</caption>
<thead><tr><th scope="col">任务名称</th><th scope="col">话术组</th><th scope="col">状态</th><th scope="col">创建时间</th><th scope="col" class="num">已呼叫 / 总数</th><th scope="col">进度</th><th scope="col" class="num">接通</th><th scope="col" class="num">接通率</th><th scope="col" class="num">通话记录</th><th scope="col">查看</th></tr></thead>
<tbody>
{{#ROW}}<tr data-id="{{uuid}}">
<td data-label="任务名称" class="wrap"><a href="{{BASE}}/tasks/{{uuid}}">{{name}}</a></td>
<td data-label="话术组" class="wrap">{{group_str}}</td>
<td data-label="状态">{{start_str}}</td>
<td data-label="创建时间" class="nowrap">{{create_datetime}}</td>
<td data-label="已呼叫 / 总数" class="num"><span class="dialled">{{dialled}}</span> / <span class="total">{{total}}</span></td>
<td data-label="进度" class="barcell"><meter min="0" max="100" value="{{progress}}">{{progress}}%</meter> <span class="progress">{{progress}}%</span></td>
<td data-label="接通" class="num">{{connected}}</td>
<td data-label="接通率" class="num connect-rate">{{connect_rate}}%</td>
<td data-label="通话记录" class="num">{{records}}</td>
<td data-label="查看" class="nowrap"><a href="{{BASE}}/tasks/{{uuid}}{{PERIOD_QUERY}}">概览</a> · <a href="{{BASE}}/tasks/{{uuid}}/numbers{{PERIOD_QUERY}}">号码</a> · <a href="{{BASE}}/tasks/{{uuid}}/records{{PERIOD_QUERY}}">通话记录</a></td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="10">没有任务</td></tr>{{/EMPTY}}
{{#BAD}}<tr><td colspan="10">筛选条件有误, 请改正后再查看</td></tr>{{/BAD}}
</tbody>
</table>
</div>
{{>PAGER}}
{{>FOOTER}}
