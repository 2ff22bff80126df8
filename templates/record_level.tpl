{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › 评分等级</p>
<h1>评分等级</h1>
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<div class="scroll">
<table class="report stack-phone">
<thead><tr><th scope="col">等级</th><th scope="col">别名</th><th scope="col" class="num">最低分</th><th scope="col" class="num">最高分</th></tr></thead>
<tbody>
{{#ROW}}<tr><td data-label="等级">{{#color_color}}<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="{{color}}"></rect></svg>{{/color_color}}{{name}}</td><td data-label="别名">{{alias}}</td><td data-label="最低分" class="num">{{score_min}}</td><td data-label="最高分" class="num">{{score_max}}</td></tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="4">没有评分等级</td></tr>{{/EMPTY}}
</tbody>
</table>
</div>
{{>FOOTER}}
