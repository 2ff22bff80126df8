{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/">概况</a> › 意向客户</p>
<h1>意向客户 <small class="meta">{{#HAS_PERIOD_NAME}}{{PERIOD_NAME}} · {{/HAS_PERIOD_NAME}}<span id="period">{{PERIOD_START}} 至 {{PERIOD_END}}</span></small></h1>
<p class="note">每个号码一行: 这一时段内它最好的意向等级 (A 最好; 同等级取最近的一次通话), 其所有通话的标签, 最后一次呼叫时间和呼叫次数。</p>
{{>PERIODS}}
{{#LIVE}}<form method="get" action="{{PATH}}" class="filters" id="callback-filters">
<input type="hidden" name="start_at" value="{{f_start_at}}"><input type="hidden" name="end_at" value="{{f_end_at}}"><input type="hidden" name="period" value="{{f_period}}">
<fieldset>
<legend>意向等级</legend>
{{#LEVEL}}<label><input type="checkbox" name="levels[]" value="{{lo}},{{hi}}" {{#CHECKED}}checked{{/CHECKED}}>{{name}}({{alias}})</label>
{{/LEVEL}}{{#LEVEL_OTHER}}<label><input type="checkbox" name="levels[]" value="{{lo}},{{hi}}" checked>评分 {{lo}}–{{hi}}</label>
{{/LEVEL_OTHER}}</fieldset>
<fieldset>
<legend>标签 (任一)</legend>
{{#TAG}}<label><input type="checkbox" name="tags[]" value="{{id}}" {{#CHECKED}}checked{{/CHECKED}}>{{name}}</label>
{{/TAG}}</fieldset>
<div class="row">
<span><label for="tasks">任务</label> <select id="tasks" name="tasks[]" multiple size="4">{{#TASK}}<option value="{{id}}" {{#CHECKED}}selected{{/CHECKED}}>{{name}}</option>{{/TASK}}</select></span>
<span><label for="province">省份</label> <select id="province" name="province[]" multiple size="4">{{#PROVINCE}}<option value="{{id}}" {{#CHECKED}}selected{{/CHECKED}}>{{name}}</option>{{/PROVINCE}}</select></span>
<span>运营商 <label><input type="checkbox" name="operator[]" value="yd" {{#operator_yd}}checked{{/operator_yd}}>移动</label><label><input type="checkbox" name="operator[]" value="lt" {{#operator_lt}}checked{{/operator_lt}}>联通</label><label><input type="checkbox" name="operator[]" value="dx" {{#operator_dx}}checked{{/operator_dx}}>电信</label></span>
<span><label for="per_page">每页</label> <select id="per_page" name="per_page"><option value="15" {{#pp_15}}selected{{/pp_15}}>15</option><option value="30" {{#pp_30}}selected{{/pp_30}}>30</option><option value="50" {{#pp_50}}selected{{/pp_50}}>50</option><option value="100" {{#pp_100}}selected{{/pp_100}}>100</option></select></span>
<button type="submit">筛选</button> <a href="{{PATH}}{{PERIOD_QUERY}}">清除</a>
</div>
</form>{{/LIVE}}
<p class="actions"><span>共 <strong id="total">{{TOTAL}}</strong> 个号码</span><a href="{{PATH}}?{{XLSX_QUERY}}" id="xlsx">下载 XLSX</a></p>
<div class="scroll">
<table class="report stack-phone" id="rows">
<caption class="vh">意向客户, 第 {{PAGE}} 页</caption>
<thead><tr>
<th scope="col">号码</th>
<th scope="col">意向等级</th>
<th scope="col">标签</th>
<th scope="col" class="num">通话时长(秒)</th>
<th scope="col">最后呼叫时间</th>
<th scope="col" class="num">呼叫次数</th>
<th scope="col">省份</th>
<th scope="col">运营商</th>
<th scope="col">任务</th>
<th scope="col">详情</th>
</tr></thead>
<tbody>
{{#ROW}}<tr data-id="{{record_id}}">
<td data-label="号码" class="nowrap number">{{number}}</td>
<td data-label="意向等级" class="level">{{level_name}}</td>
<td data-label="标签" class="wrap tags">{{tags_text}}</td>
<td data-label="通话时长(秒)" class="num">{{bill_text}}</td>
<td data-label="最后呼叫时间" class="nowrap last-call">{{last_call}}</td>
<td data-label="呼叫次数" class="num calls">{{calls}}</td>
<td data-label="省份">{{province_name}}</td>
<td data-label="运营商">{{operator_name}}</td>
<td data-label="任务" class="wrap">{{#task_id_set}}<a href="{{BASE}}/tasks/{{task_id}}">{{task_name}}</a>{{/task_id_set}}</td>
<td data-label="详情"><a href="{{BASE}}/records/{{record_id}}?format=html" class="to-record">通话详情</a></td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="10">这一时段没有符合条件的号码</td></tr>{{/EMPTY}}
</tbody>
</table>
</div>
{{>PAGER}}
{{>FOOTER}}
