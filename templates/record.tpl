{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
{{#ROW}}<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › <a href="{{BASE}}/tasks/{{task_id}}">{{task_name}}</a> › <a href="{{BASE}}/tasks/{{task_id}}/records">通话记录</a> › 通话简要信息</p>
<h1>通话简要信息 <span class="nowrap">{{callee}}</span></h1>
<dl class="facts" id="facts">
<dt>呼叫时间</dt><dd>{{calldate}}</dd>
<dt>接听时间</dt><dd>{{answerdate}}</dd>
<dt>挂断时间</dt><dd>{{hangupdate}}</dd>
<dt>被叫号码</dt><dd>{{#LIVE}}<a href="tel:{{callee}}" class="tel">{{callee}}</a>{{/LIVE}}{{#EXPORT}}{{callee}}{{/EXPORT}}</dd>
<dt>主叫号码</dt><dd>{{#LIVE}}<a href="tel:{{caller_number}}" class="tel">{{caller_number}}</a>{{/LIVE}}{{#EXPORT}}{{caller_number}}{{/EXPORT}}</dd>
<dt>意向等级</dt><dd>{{level_name}}</dd>
<dt>得分</dt><dd>{{score}}</dd>
<dt>交互轮数</dt><dd>{{rounds}}</dd>
<dt>通话时长(秒)</dt><dd>{{bill_text}}</dd>
<dt>呼叫时长(秒)</dt><dd>{{duration_text}}</dd>
<dt>挂断方</dt><dd>{{hangup_disposition_str}}</dd>
<dt>挂断原因</dt><dd title="{{hangupcause}}">{{hangupcause_str}}</dd>
<dt>性别</dt><dd>{{gender_str}}</dd>
<dt>地区</dt><dd>{{province_name}} {{city_name}}</dd>
<dt>运营商</dt><dd>{{operator_name}}</dd>
<dt>标签</dt><dd>{{tags_text}}</dd>
<dt>查看时间</dt><dd>{{read_at}}</dd>
</dl>
<p class="actions"><a href="{{BASE}}/records/{{id}}">通话详情 (对话与录音)</a><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
{{/ROW}}
{{>FOOTER}}
