{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<h1>导出</h1>
<p class="note">行数较多的 XLSX 和 CSV 文件在后台生成, 完成后在此下载 (保留一段时间后删除)。</p>
{{#NONE}}<p>没有导出任务。</p>
{{/NONE}}<table class="report" id="jobs">
<thead><tr><th>内容</th><th>格式</th><th>创建时间</th><th>状态</th><th>行数</th><th>大小</th><th></th></tr></thead>
<tbody>
{{#JOB}}<tr data-id="{{ID}}" data-state="{{STATE}}"><td><a href="{{URL}}">{{WHAT}}</a></td><td>{{FORMAT}}</td><td>{{CREATED}}</td><td>{{STATE_LABEL}}{{#ERROR}}: {{ERROR}}{{/ERROR}}</td><td>{{ROWS}} / {{TOTAL}}</td><td>{{SIZE}}</td><td>{{#DONE}}<a href="{{URL}}/file">下载</a>{{/DONE}}</td></tr>
{{/JOB}}</tbody>
</table>
{{>FOOTER}}
