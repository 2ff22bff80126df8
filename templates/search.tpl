{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › 查找号码</p>
<h1>查找号码 <span class="nowrap" id="q-shown">{{f_q}}</span></h1>
<p class="note">所有任务中, 号码等于或以这些数字结尾的号码与每次呼叫, 最近的在前。</p>
<p class="actions"><span>共 <strong id="total">{{TOTAL}}</strong> 条</span>{{#LIVE}}<a href="{{PATH}}?{{XLSX_QUERY}}" id="xlsx">下载 XLSX</a>{{/LIVE}}</p>
<div class="scroll">
<table class="report stack-phone" id="rows">
<caption class="vh">查找结果, 第 {{PAGE}} 页</caption>
<thead><tr><th scope="col">呼叫时间</th><th scope="col">类型</th><th scope="col">号码</th><th scope="col">任务</th><th scope="col">状态</th><th scope="col" class="num">通话时长(秒)</th><th scope="col">挂断原因</th><th scope="col">查看</th></tr></thead>
<tbody>
{{#ROW}}<tr class="st{{status}} {{kind}}" data-number-id="{{number_id}}">
<td data-label="呼叫时间" class="nowrap">{{call_time}}</td>
<td data-label="类型" class="kind">{{kind_str}}</td>
<td data-label="号码" class="nowrap number">{{#LIVE}}<a href="tel:{{number}}" class="tel">{{number}}</a>{{/LIVE}}{{#EXPORT}}{{number}}{{/EXPORT}}</td>
<td data-label="任务" class="wrap"><a href="{{BASE}}/tasks/{{task_id}}">{{task_name}}</a></td>
<td data-label="状态" class="status">{{status_str}}</td>
<td data-label="通话时长(秒)" class="num">{{bill_text}}</td>
<td data-label="挂断原因" title="{{hangup_cause}}">{{hangup_cause_str}}</td>
<td data-label="查看" class="nowrap"><a href="{{BASE}}/numbers/{{number_id}}/history" class="to-history">呼叫历史</a>{{#record_id_set}} · <a href="{{BASE}}/records/{{record_id}}?format=html" class="to-record">通话详情</a>{{/record_id_set}}</td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="8">没有找到这个号码</td></tr>{{/EMPTY}}
</tbody>
</table>
</div>
{{>PAGER}}
{{>FOOTER}}
