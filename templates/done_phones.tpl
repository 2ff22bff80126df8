{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/{{PERIOD_QUERY}}">概况</a> › <a href="{{BASE}}/tasks{{PERIOD_QUERY}}">任务</a> › <a href="{{BASE}}/tasks/{{TASK_ID}}{{PERIOD_QUERY}}">{{TASK_NAME}}</a> › 通话记录{{#HAS_PERIOD}} <span class="period">{{PERIOD_WORDS}}</span>{{/HAS_PERIOD}}</p>
{{>PERIODS}}
<h1>通话记录 <small class="meta">{{TASK_NAME}}</small></h1>
{{#FORM_ERROR}}<p class="form-error" id="form-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</p>{{/FORM_ERROR}}
{{#LIVE}}<form method="get" action="{{PATH}}" class="filters" id="filters">
<fieldset>
<legend>意向等级</legend>
{{#LEVEL}}<label><input type="checkbox" name="levels[]" value="{{lo}},{{hi}}" {{#CHECKED}}checked{{/CHECKED}}>{{#COLOR}}<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="{{color}}"></rect></svg>{{/COLOR}}{{name}}({{alias}}) <span class="note">{{lo}}–{{hi}} 分</span></label>
{{/LEVEL}}{{#LEVEL_OTHER}}<label><input type="checkbox" name="levels[]" value="{{lo}},{{hi}}" checked>评分 {{lo}}–{{hi}}</label>
{{/LEVEL_OTHER}}<span class="nowrap"><label for="levels_min">或评分从</label> <input type="number" id="levels_min" name="levels_min" step="1"> <label for="levels_max">到</label> <input type="number" id="levels_max" name="levels_max" step="1"></span>
{{#ERR_levels}}<span class="field-error" id="levels-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_levels}}</fieldset>
<fieldset>
<legend>标签 (任一)</legend>
{{#TAG}}<label><input type="checkbox" name="tags[]" value="{{id}}" {{#CHECKED}}checked{{/CHECKED}}>{{#COLOR}}<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="{{color}}"></rect></svg>{{/COLOR}}{{name}}</label>
{{/TAG}}{{#ERR_tags}}<span class="field-error" id="tags-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_tags}}</fieldset>
<div class="row">
<span><label for="keyword">被叫号码</label> <input id="keyword" name="keyword" type="text" inputmode="numeric" pattern="[0-9]{0,20}" maxlength="20" placeholder="号码中的数字" value="{{f_keyword}}"{{#ERR_keyword}} aria-invalid="true" aria-describedby="keyword-error"{{/ERR_keyword}}>{{#ERR_keyword}}<span class="field-error" id="keyword-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_keyword}}</span>
<span><label for="bills_min">通话时长(秒)从</label> <input type="number" id="bills_min" name="bills_min" min="0" step="1" value="{{f_bills_min}}"> <label for="bills_max">到</label> <input type="number" id="bills_max" name="bills_max" min="0" step="1" value="{{f_bills_max}}">{{#ERR_bills}}<span class="field-error" id="bills-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_bills}}</span>
<span><label for="rounds_min">交互轮数从</label> <input type="number" id="rounds_min" name="rounds_min" min="0" step="1" value="{{f_rounds_min}}"> <label for="rounds_max">到</label> <input type="number" id="rounds_max" name="rounds_max" min="0" step="1" value="{{f_rounds_max}}">{{#ERR_rounds}}<span class="field-error" id="rounds-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_rounds}}</span>
</div>
<div class="row">
<span><label for="start_at">呼叫时间从</label> <input type="datetime-local" id="start_at" name="start_at" step="1" value="{{f_start_at}}"{{#ERR_start_at}} aria-invalid="true" aria-describedby="start_at-error"{{/ERR_start_at}}>{{#ERR_start_at}}<span class="field-error" id="start_at-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_start_at}}</span>
<span><label for="end_at">到</label> <input type="datetime-local" id="end_at" name="end_at" step="1" value="{{f_end_at}}"{{#ERR_end_at}} aria-invalid="true" aria-describedby="end_at-error"{{/ERR_end_at}}>{{#ERR_end_at}}<span class="field-error" id="end_at-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_end_at}}</span>
<span><label for="id">通话记录ID</label> <input type="text" id="id" name="id" pattern="[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}" placeholder="UUID" value="{{f_id}}"{{#ERR_id}} aria-invalid="true" aria-describedby="id-error"{{/ERR_id}}>{{#ERR_id}}<span class="field-error" id="id-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_id}}</span>
</div>
<div class="row">
<span><label for="sort">排序</label> <select id="sort" name="sort"><option value="calldate" {{#sort_calldate}}selected{{/sort_calldate}}>呼叫时间</option><option value="score" {{#sort_score}}selected{{/sort_score}}>得分</option><option value="bill" {{#sort_bill}}selected{{/sort_bill}}>通话时长</option><option value="rounds" {{#sort_rounds}}selected{{/sort_rounds}}>交互轮数</option></select>
<label for="dir" class="vh">顺序</label><select id="dir" name="dir"><option value="desc" {{#dir_desc}}selected{{/dir_desc}}>降序</option><option value="asc" {{#dir_asc}}selected{{/dir_asc}}>升序</option></select></span>
<span><label for="per_page">每页</label> <select id="per_page" name="per_page"><option value="15" {{#pp_15}}selected{{/pp_15}}>15</option><option value="30" {{#pp_30}}selected{{/pp_30}}>30</option><option value="50" {{#pp_50}}selected{{/pp_50}}>50</option><option value="100" {{#pp_100}}selected{{/pp_100}}>100</option></select></span>
<button type="submit">筛选</button> <a href="{{PATH}}">清除</a>
</div>
</form>{{/LIVE}}
<p class="actions"><span>共 <strong id="total">{{TOTAL}}</strong> 条</span><a href="{{PATH}}?{{XLSX_QUERY}}" id="xlsx">下载 XLSX</a><a href="{{BASE}}/tasks/{{TASK_ID}}/numbers{{PERIOD_QUERY}}">号码列表</a></p>
<div class="scroll">
<table class="report stack-phone" id="rows">
<caption class="vh">通话记录, 第 {{PAGE}} 页</caption>
<thead><tr>
<th scope="col" aria-sort="{{aria_calldate}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=calldate&amp;dir={{sort_calldate_dir}}">呼叫时间{{#sorted_calldate_asc}} ▲{{/sorted_calldate_asc}}{{#sorted_calldate_desc}} ▼{{/sorted_calldate_desc}}</a>{{/LIVE}}{{#EXPORT}}呼叫时间{{/EXPORT}}</th>
<th scope="col">被叫号码</th>
<th scope="col">意向等级</th>
<th scope="col" class="num" aria-sort="{{aria_score}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=score&amp;dir={{sort_score_dir}}">得分{{#sorted_score_asc}} ▲{{/sorted_score_asc}}{{#sorted_score_desc}} ▼{{/sorted_score_desc}}</a>{{/LIVE}}{{#EXPORT}}得分{{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_bill}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=bill&amp;dir={{sort_bill_dir}}">通话时长(秒){{#sorted_bill_asc}} ▲{{/sorted_bill_asc}}{{#sorted_bill_desc}} ▼{{/sorted_bill_desc}}</a>{{/LIVE}}{{#EXPORT}}通话时长(秒){{/EXPORT}}</th>
<th scope="col" class="num" aria-sort="{{aria_rounds}}">{{#LIVE}}<a href="{{PATH}}?{{SORT_QUERY}}&amp;sort=rounds&amp;dir={{sort_rounds_dir}}">轮数{{#sorted_rounds_asc}} ▲{{/sorted_rounds_asc}}{{#sorted_rounds_desc}} ▼{{/sorted_rounds_desc}}</a>{{/LIVE}}{{#EXPORT}}轮数{{/EXPORT}}</th>
<th scope="col">挂断方</th>
<th scope="col">标签</th>
<th scope="col">地区</th>
<th scope="col">详情</th>
</tr></thead>
<tbody>
{{#ROW}}<tr data-id="{{id}}">
<td data-label="呼叫时间" class="nowrap">{{calldate}}</td>
<td data-label="被叫号码" class="nowrap callee">{{#LIVE}}<a href="tel:{{callee}}" class="tel">{{callee}}</a>{{/LIVE}}{{#EXPORT}}{{callee}}{{/EXPORT}}</td>
<td data-label="意向等级">{{level_name}}</td>
<td data-label="得分" class="num score">{{score}}</td>
<td data-label="通话时长(秒)" class="num">{{bill_text}}</td>
<td data-label="轮数" class="num">{{rounds}}</td>
<td data-label="挂断方">{{hangup_disposition_str}}</td>
<td data-label="标签" class="wrap">{{tags_text}}</td>
<td data-label="地区">{{province_name}} {{city_name}} {{operator_name}}</td>
<td data-label="详情"><a href="{{BASE}}/records/{{id}}?format=html{{#LIVE}}&amp;from={{FROM}}{{/LIVE}}" class="to-record">通话详情</a></td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="10">没有符合条件的通话记录</td></tr>{{/EMPTY}}
{{#BAD}}<tr><td colspan="10">筛选条件有误, 请改正后再查看</td></tr>{{/BAD}}
</tbody>
</table>
</div>
{{>PAGER}}
{{>FOOTER}}
