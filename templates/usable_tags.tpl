{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › 可用标签</p>
<h1>可用标签</h1>
<p class="actions"><a href="{{PATH}}?{{XLSX_QUERY}}">下载 XLSX</a></p>
<div class="scroll">
<table class="report stack-phone">
<thead><tr><th scope="col">标签</th><th scope="col">描述</th><th scope="col">母标签</th><th scope="col">业务场景</th><th scope="col">创建时间</th></tr></thead>
<tbody>
{{#ROW}}<tr><td data-label="标签">{{#color_color}}<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="{{color}}"></rect></svg>{{/color_color}}{{name}}</td><td data-label="描述" class="wrap">{{description}}</td><td data-label="母标签">{{tag_group_text}}</td><td data-label="业务场景">{{tag_scene_text}}</td><td data-label="创建时间" class="nowrap">{{created_at}}</td></tr>{{/ROW}}
{{#EMPTY}}<tr><td colspan="5">没有可用标签</td></tr>{{/EMPTY}}
</tbody>
</table>
</div>
{{>FOOTER}}
