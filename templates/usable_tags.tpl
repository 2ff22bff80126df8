{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>可用标签</h1>
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<table class="report">
<thead><tr>{{#HEAD}}<th scope="col">{{LABEL}}</th>{{/HEAD}}</tr></thead>
<tbody>
{{#ROW}}<tr>{{#CELL}}<td{{#NUMERIC}} class="num"{{/NUMERIC}}>{{VALUE}}</td>{{/CELL}}</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="8">没有可用标签</td></tr>{{/EMPTY}}
</tbody>
</table>
{{>FOOTER}}
