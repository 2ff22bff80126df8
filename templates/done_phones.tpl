{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › 通话记录</p>
<h1>通话记录</h1>
<p class="actions">共 {{TOTAL}} 条 · <a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<table class="report">
<thead><tr>{{#HEAD}}<th scope="col">{{LABEL}}</th>{{/HEAD}}<th scope="col">详情</th></tr></thead>
<tbody>
{{#ROW}}<tr>{{#CELL}}<td{{#NUMERIC}} class="num"{{/NUMERIC}}>{{VALUE}}</td>{{/CELL}}<td><a href="{{BASE}}/v1/task/record_info/{{task_id}}/{{id}}?format=html">通话详情</a></td></tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="20">没有符合条件的通话记录</td></tr>{{/EMPTY}}
</tbody>
</table>
{{>PAGER}}
{{>FOOTER}}
