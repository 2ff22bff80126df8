{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/exports">导出</a> › {{WHAT}}</p>
<h1>导出 {{WHAT}} ({{FORMAT}})</h1>
<p id="job-state" data-state="{{STATE}}">状态: <strong>{{STATE_LABEL}}</strong></p>
<p><progress id="job-progress" max="{{TOTAL}}" value="{{ROWS}}">{{PERCENT}}%</progress> {{PERCENT}}%</p>
<dl class="facts" id="job-facts">
<dt>已写入行数</dt><dd id="job-rows">{{ROWS}} / {{TOTAL}}</dd>
<dt>已用时间</dt><dd>{{ELAPSED}}</dd>
{{#ETA}}<dt>预计剩余</dt><dd>{{ETA}}</dd>
{{/ETA}}<dt>创建时间</dt><dd>{{CREATED}}</dd>
{{#DONE}}<dt>文件大小</dt><dd>{{SIZE}}</dd>
<dt>保留至</dt><dd>{{EXPIRES}}</dd>
{{/DONE}}</dl>
{{#ERROR}}<p class="error" role="alert" id="job-error">{{ERROR}}</p>
{{/ERROR}}{{#DONE}}<p class="actions"><a id="job-file" href="{{URL}}/file">下载 {{FORMAT}} 文件</a></p>
{{/DONE}}{{#WAITING}}<p class="note">本页每几秒自动刷新; 关闭页面不会中断导出, 完成后可在 <a href="{{BASE}}/exports">导出</a> 列表下载。</p>
{{/WAITING}}{{#ACTIVE}}<form method="post" action="{{URL}}" class="inline"><button type="submit" id="job-cancel">取消导出</button></form>
{{/ACTIVE}}
{{>FOOTER}}
