{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/{{PERIOD_QUERY}}">概况</a> › <a href="{{BASE}}/tasks{{PERIOD_QUERY}}">任务</a> › <a href="{{BASE}}/tasks/{{TASK_ID}}{{PERIOD_QUERY}}">{{TASK_NAME}}</a> › 号码列表{{#HAS_PERIOD}} <span class="period">{{PERIOD_WORDS}}</span>{{/HAS_PERIOD}}</p>
{{>PERIODS}}
<h1>号码列表 <small class="meta">{{TASK_NAME}}</small></h1>
{{#FORM_ERROR}}<p class="form-error" id="form-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</p>{{/FORM_ERROR}}
{{#LIVE}}<form method="get" action="{{PATH}}" class="filters" id="filters">
<input type="hidden" name="task_id" value="{{TASK_ID}}">{{#HAS_PERIOD}}
<input type="hidden" name="start_at" value="{{PERIOD_START}}"><input type="hidden" name="end_at" value="{{PERIOD_END}}">{{/HAS_PERIOD}}
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
<div class="row">
<span><label for="keyword">被叫号码</label> <input id="keyword" name="keyword" type="text" inputmode="numeric" pattern="[0-9]{0,20}" maxlength="20" placeholder="号码中的数字" value="{{f_keyword}}"{{#ERR_keyword}} aria-invalid="true" aria-describedby="keyword-error"{{/ERR_keyword}}>{{#ERR_keyword}}<span class="field-error" id="keyword-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_keyword}}</span>
<span><label for="sort">排序</label> <select id="sort" name="sort"><option value="id" {{#sort_id}}selected{{/sort_id}}>号码ID</option><option value="status" {{#sort_status}}selected{{/sort_status}}>号码状态</option></select>
<label for="dir" class="vh">顺序</label><select id="dir" name="dir"><option value="asc" {{#dir_asc}}selected{{/dir_asc}}>升序</option><option value="desc" {{#dir_desc}}selected{{/dir_desc}}>降序</option></select></span>
<span><label for="per_page">每页</label> <select id="per_page" name="per_page"><option value="15" {{#pp_15}}selected{{/pp_15}}>15</option><option value="30" {{#pp_30}}selected{{/pp_30}}>30</option><option value="50" {{#pp_50}}selected{{/pp_50}}>50</option><option value="100" {{#pp_100}}selected{{/pp_100}}>100</option></select></span>
<button type="submit">筛选</button> <a href="{{PATH}}?task_id={{TASK_ID}}">清除</a>
</div>
</form>{{/LIVE}}
<p class="actions"><span>共 <strong id="total">{{TOTAL}}</strong> 个号码</span><a href="{{PATH}}?{{XLSX_QUERY}}" id="xlsx">下载 XLSX</a>{{#LIVE}}<a href="{{PATH}}?{{XLSX_QUERY}}&amp;attempts=1">下载 XLSX（每次呼叫一行）</a><a href="{{PATH}}?task_id={{TASK_ID}}&amp;attempts=1">呼叫明细</a>{{/LIVE}}<a href="{{BASE}}/tasks/{{TASK_ID}}/records{{PERIOD_QUERY}}">通话记录</a></p>
<div class="scroll">
<table class="report stack-phone" id="rows">
<caption class="vh">号码列表, 第 {{PAGE}} 页</caption>
<thead><tr>
<th scope="col">被叫号码</th>
<th scope="col">地区</th>
<th scope="col">运营商</th>
<th scope="col" aria-sort="{{aria_status}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=status&amp;dir={{sort_status_dir}}">状态{{#sorted_status_asc}} ▲{{/sorted_status_asc}}{{#sorted_status_desc}} ▼{{/sorted_status_desc}}</a>{{/LIVE}}{{#EXPORT}}状态{{/EXPORT}}</th>
<th scope="col" class="num">呼叫次数</th>
<th scope="col">最近呼叫</th>
<th scope="col" class="num">通话时长(秒)</th>
<th scope="col">黑名单</th>
<th scope="col" class="num" aria-sort="{{aria_id}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=id&amp;dir={{sort_id_dir}}">号码ID{{#sorted_id_asc}} ▲{{/sorted_id_asc}}{{#sorted_id_desc}} ▼{{/sorted_id_desc}}</a>{{/LIVE}}{{#EXPORT}}号码ID{{/EXPORT}}</th>
<th scope="col">历史</th>
</tr></thead>
<tbody>
{{#ROW}}<tr class="st{{status}}" data-id="{{id}}">
<td data-label="被叫号码" class="nowrap number">{{#LIVE}}<a href="tel:{{number}}" class="tel">{{number}}</a>{{/LIVE}}{{#EXPORT}}{{number}}{{/EXPORT}}</td>
<td data-label="地区">{{pro}} {{city}}</td>
<td data-label="运营商">{{mobile_type}}</td>
<td data-label="状态" class="status">{{status_str}}</td>
<td data-label="呼叫次数" class="num">{{attempts}}</td>
<td data-label="最近呼叫" class="nowrap">{{calldate}}</td>
<td data-label="通话时长(秒)" class="num">{{bill_text}}</td>
<td data-label="黑名单">{{is_blacklist_text}}</td>
<td data-label="号码ID" class="num">{{id}}</td>
<td data-label="历史"><a href="{{BASE}}/numbers/{{id}}/history">呼叫历史</a></td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="10">没有符合条件的号码</td></tr>{{/EMPTY}}
{{#BAD}}<tr><td colspan="10">筛选条件有误, 请改正后再查看</td></tr>{{/BAD}}
</tbody>
</table>
</div>
{{>PAGER}}
{{>FOOTER}}
