{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › <a href="{{BASE}}/tasks/{{num_task_id}}">{{num_task_name}}</a> › <a href="{{BASE}}/tasks/{{num_task_id}}/numbers">号码列表</a> › 呼叫历史</p>
<h1>号码 <span class="nowrap" id="number">{{#LIVE}}<a href="tel:{{num_number}}" class="tel">{{num_number}}</a>{{/LIVE}}{{#EXPORT}}{{num_number}}{{/EXPORT}}</span> 的呼叫历史</h1>
<dl class="facts" id="facts">
<dt>当前状态</dt><dd id="fact-status">{{num_status_str}}</dd>
<dt>呼叫次数</dt><dd id="fact-attempts">{{num_attempts}}</dd>
<dt>地区</dt><dd>{{num_province_name}} {{num_city_name}}</dd>
<dt>运营商</dt><dd>{{num_operator_name}}</dd>
<dt>黑名单</dt><dd>{{num_is_blacklist_text}}</dd>
<dt>号码ID</dt><dd>{{num_id}}</dd>
</dl>
{{#LIVE}}<p class="actions"><a href="{{BASE}}/tasks/{{num_task_id}}/numbers?keyword={{num_number}}">在号码列表中查看</a><a href="{{BASE}}/tasks/{{num_task_id}}/records?keyword={{num_number}}">这个号码的通话记录</a><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>{{/LIVE}}
<div class="scroll">
<table class="report stack-phone" id="rows">
<caption class="vh">每次呼叫, 最近的在前</caption>
<thead><tr><th scope="col">呼叫时间</th><th scope="col">结果</th><th scope="col" class="num">呼叫时长(秒)</th><th scope="col" class="num">通话时长(秒)</th><th scope="col">挂断原因</th><th scope="col">主叫号码</th><th scope="col">通话详情</th></tr></thead>
<tbody>
{{#ROW}}<tr data-id="{{id}}">
<td data-label="呼叫时间" class="nowrap">{{call_time}}</td>
<td data-label="结果" class="status">{{status_str}}</td>
<td data-label="呼叫时长(秒)" class="num">{{duration_text}}</td>
<td data-label="通话时长(秒)" class="num">{{bill_text}}</td>
<td data-label="挂断原因" title="{{hangup_cause}}">{{hangup_cause_str}}</td>
<td data-label="主叫号码" class="nowrap">{{#LIVE}}<a href="tel:{{calling_number}}" class="tel">{{calling_number}}</a>{{/LIVE}}{{#EXPORT}}{{calling_number}}{{/EXPORT}}</td>
<td data-label="通话详情">{{#record_id_set}}<a href="{{BASE}}/records/{{record_id}}?format=html" class="to-record">通话详情</a>{{/record_id_set}}</td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="7">这个号码还没有呼叫过</td></tr>{{/EMPTY}}
</tbody>
</table>
</div>
{{>PAGER}}
{{>FOOTER}}
