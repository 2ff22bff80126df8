{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<section class="login">
<h1>登录</h1>
{{#MSG}}<p class="msg" role="alert">{{MESSAGE}}</p>{{/MSG}}
<form method="post" action="{{BASE}}/login">
<input type="hidden" name="next" value="{{NEXT}}">
<p><label for="name">用户名</label><input id="name" name="name" value="{{NAME}}" autocomplete="username" autocapitalize="none" spellcheck="false" required></p>
<p><label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">登录</button></p>
</form>
</section>
{{>FOOTER}}
