{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>外呼任务</h1>
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<table class="report">
<thead><tr><th scope="col">任务名称</th><th scope="col">话术组</th><th scope="col">状态</th><th scope="col">创建时间</th><th scope="col" class="num">已呼叫 / 总数</th><th scope="col" class="num">进度</th><th scope="col" class="num">接通率</th><th scope="col">查看</th></tr></thead>
<tbody>
{{#ROW}}<tr>
<td><a href="{{BASE}}/tasks/{{uuid}}">{{name}}</a></td>
<td>{{group_str}}</td>
<td>{{start_str}}</td>
<td>{{create_datetime}}</td>
<td class="num">{{dialled}} / {{total}}</td>
<td class="num"><meter min="0" max="100" value="{{progress}}">{{progress}}%</meter> {{progress}}%</td>
<td class="num">{{connect_rate}}%</td>
<td><a href="{{BASE}}/tasks/{{uuid}}/numbers">号码</a> · <a href="{{BASE}}/tasks/{{uuid}}/records">通话记录</a></td>
</tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="8">没有任务</td></tr>{{/EMPTY}}
</tbody>
</table>
{{>PAGER}}
{{>FOOTER}}
