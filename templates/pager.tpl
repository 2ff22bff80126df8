{{%AUTOESCAPE context="HTML"}}<nav class="pager" aria-label="分页">
{{#FIRST}}<a href="{{PATH}}?{{QUERY}}" rel="first">« 首页</a>{{/FIRST}}
{{#PREV}}<a href="{{PATH}}?{{QUERY}}" rel="prev">‹ 上一页</a>{{/PREV}}
<span>第 {{PAGE}} / {{LAST_PAGE}} 页, 共 {{TOTAL}} 条</span>
{{#NEXT}}<a href="{{PATH}}?{{QUERY}}" rel="next">下一页 ›</a>{{/NEXT}}
{{#LAST}}<a href="{{PATH}}?{{QUERY}}" rel="last">末页 »</a>{{/LAST}}
</nav>
