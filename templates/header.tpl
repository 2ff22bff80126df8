{{%AUTOESCAPE context="HTML"}}<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
{{#REFRESH}}<meta http-equiv="refresh" content="{{SECS}}">
{{/REFRESH}}<title>{{TITLE}} - callreport</title>
<link rel="stylesheet" href="{{STATIC}}/style.css">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header class="top">
<a class="brand" href="{{BASE}}/">callreport</a>
{{#LIVE}}{{#SIGNED_IN}}<form method="get" action="{{BASE}}/search" class="search" role="search">
<label for="q" class="vh">查找号码</label><input id="q" name="q" type="search" inputmode="numeric" maxlength="20" placeholder="号码或后4位以上" value="{{Q}}"{{#Q_ERROR}} aria-invalid="true" aria-describedby="q-error"{{/Q_ERROR}}>
<button type="submit">查找</button>{{#Q_ERROR}}
<span class="field-error" id="q-error" role="alert">{{MESSAGE}}</span>{{/Q_ERROR}}
</form>{{/SIGNED_IN}}
<nav aria-label="账户">
{{#SIGNED_IN}}<a href="{{BASE}}/">概况</a>
<a href="{{BASE}}/callbacks">意向客户</a>
<a href="{{BASE}}/tasks">任务</a>
<a href="{{BASE}}/exports">导出</a>
<span class="user">{{USER}}</span>
{{#CAN_SIGN_OUT}}<form method="post" action="{{BASE}}/logout" class="inline"><button type="submit">退出</button></form>{{/CAN_SIGN_OUT}}{{/SIGNED_IN}}
</nav>{{/LIVE}}{{#EXPORT}}<span class="user">静态导出</span>{{/EXPORT}}
</header>
<main id="main">
