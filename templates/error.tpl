{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="error">
<h1>{{CODE}} {{TITLE}}</h1>
{{#MSG}}<p class="msg" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</p>{{/MSG}}
<p><a href="{{BASE}}/tasks">返回任务列表</a></p>
</section>
{{>FOOTER}}
