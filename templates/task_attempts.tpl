{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/{{PERIOD_QUERY}}">概况</a> › <a href="{{BASE}}/tasks{{PERIOD_QUERY}}">任务</a> › <a href="{{BASE}}/tasks/{{TASK_ID}}{{PERIOD_QUERY}}">任务概览</a> › <a href="{{PATH}}?task_id={{TASK_ID}}{{PERIOD_AMP}}">号码列表</a> › 呼叫明细</p>
<h1>呼叫明细</h1>
<p>每次呼叫一行: 号码按 ID 排列, 同一号码的呼叫从早到晚编号; 未呼叫的号码占一行。</p>
{{#FORM_ERROR}}<p class="form-error" id="form-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</p>{{/FORM_ERROR}}
{{#LIVE}}<form method="get" action="{{PATH}}" class="filters">
<input type="hidden" name="task_id" value="{{f_task_id}}">
<input type="hidden" name="attempts" value="1">
<fieldset>
<legend>号码状态</legend>
<label><input type="checkbox" name="status[]" value="0" {{#status_0}}checked{{/status_0}}>等待呼叫</label>
<label><input type="checkbox" name="status[]" value="1" {{#status_1}}checked{{/status_1}}>呼叫成功</label>
<label><input type="checkbox" name="status[]" value="2" {{#status_2}}checked{{/status_2}}>线路故障</label>
<label><input type="checkbox" name="status[]" value="3" {{#status_3}}checked{{/status_3}}>拒接</label>
<label><input type="checkbox" name="status[]" value="4" {{#status_4}}checked{{/status_4}}>无应答、无人接听</label>
<label><input type="checkbox" name="status[]" value="5" {{#status_5}}checked{{/status_5}}>空号</label>
<label><input type="checkbox" name="status[]" value="6" {{#status_6}}checked{{/status_6}}>关机</label>
<label><input type="checkbox" name="status[]" value="7" {{#status_7}}checked{{/status_7}}>停机</label>
<label><input type="checkbox" name="status[]" value="8" {{#status_8}}checked{{/status_8}}>占线、用户正忙</label>
<label><input type="checkbox" name="status[]" value="9" {{#status_9}}checked{{/status_9}}>呼入限制</label>
<label><input type="checkbox" name="status[]" value="10" {{#status_10}}checked{{/status_10}}>欠费</label>
<label><input type="checkbox" name="status[]" value="11" {{#status_11}}checked{{/status_11}}>黑名单</label>
<label><input type="checkbox" name="status[]" value="12" {{#status_12}}checked{{/status_12}}>呼损</label>
{{#ERR_status}}<span class="field-error" id="status-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_status}}</fieldset>
<fieldset>
<legend>运营商</legend>
<label><input type="checkbox" name="type[]" value="yd" {{#type_yd}}checked{{/type_yd}}>移动</label>
<label><input type="checkbox" name="type[]" value="lt" {{#type_lt}}checked{{/type_lt}}>联通</label>
<label><input type="checkbox" name="type[]" value="dx" {{#type_dx}}checked{{/type_dx}}>电信</label>
{{#ERR_type}}<span class="field-error" id="type-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_type}}</fieldset>
<p><label for="keyword">被叫号码</label> <input id="keyword" name="keyword" inputmode="numeric" value="{{f_keyword}}"{{#ERR_keyword}} aria-invalid="true" aria-describedby="keyword-error"{{/ERR_keyword}}>{{#ERR_keyword}}<span class="field-error" id="keyword-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_keyword}}
<button type="submit">筛选</button> <a href="{{PATH}}?task_id={{TASK_ID}}&amp;attempts=1">清除</a></p>
</form>{{/LIVE}}
<p class="actions">共 {{TOTAL}} 行 · <a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<table class="report">
<thead><tr><th scope="col">被叫号码</th><th scope="col">号码ID</th><th scope="col">号码状态</th><th scope="col" class="num">呼叫次序</th><th scope="col">呼叫时间</th><th scope="col">本次结果</th><th scope="col" class="num">呼叫时长(秒)</th><th scope="col" class="num">通话时长(秒)</th><th scope="col">挂断原因</th><th scope="col">主叫号码</th><th scope="col">城市</th><th scope="col">省份</th><th scope="col">运营商</th></tr></thead>
<tbody>
{{#ROW}}<tr class="st{{status}}">{{#CELL}}<td{{#NUMERIC}} class="num"{{/NUMERIC}}>{{VALUE}}</td>{{/CELL}}</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="13">没有符合条件的号码</td></tr>{{/EMPTY}}
{{#BAD}}<tr><td colspan="13">筛选条件有误, 请改正后再查看</td></tr>{{/BAD}}
</tbody>
</table>
{{>PAGER}}
{{>FOOTER}}
