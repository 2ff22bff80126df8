{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>评分等级</h1>
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<table class="report">
<thead><tr>{{#HEAD}}<th scope="col">{{LABEL}}</th>{{/HEAD}}</tr></thead>
<tbody>
{{#ROW}}<tr>{{#CELL}}<td{{#NUMERIC}} class="num"{{/NUMERIC}}>{{VALUE}}</td>{{/CELL}}</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="6">没有评分等级</td></tr>{{/EMPTY}}
</tbody>
</table>
{{>FOOTER}}
