{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › <a href="{{BASE}}/tasks/{{TASK_ID}}/records">通话记录</a> › 通话详情</p>
<h1>通话详情</h1>
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<table class="report">
<thead><tr>{{#HEAD}}<th scope="col">{{LABEL}}</th>{{/HEAD}}</tr></thead>
<tbody>
{{#ROW}}<tr>{{#CELL}}<td{{#NUMERIC}} class="num"{{/NUMERIC}}>{{VALUE}}</td>{{/CELL}}</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="7">没有通话内容</td></tr>{{/EMPTY}}
</tbody>
</table>
{{>FOOTER}}
