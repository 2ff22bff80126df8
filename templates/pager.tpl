{{%AUTOESCAPE context="HTML"}}<nav class="pager" aria-label="分页">
{{#FIRST}}<a href="{{PATH}}?{{QUERY}}" rel="first">« 首页</a>{{/FIRST}}
{{#PREV}}<a href="{{PATH}}?{{QUERY}}" rel="prev">‹ 上一页</a>{{/PREV}}
<span>第 {{PAGE}} / {{LAST_PAGE}} 页, 共 {{TOTAL}} 条</span>
{{#NEXT}}<a href="{{PATH}}?{{QUERY}}" rel="next">下一页 ›</a>{{/NEXT}}
{{#LAST}}<a href="{{PATH}}?{{QUERY}}" rel="last">末页 »</a>{{/LAST}}
{{#JUMP}}<form method="get" action="{{PATH}}" class="jump" id="jump">{{#HIDDEN}}<input type="hidden" name="{{name}}" value="{{value}}">{{/HIDDEN}}<label for="jump-page">跳到第</label> <input type="number" id="jump-page" name="page" min="1" max="{{LAST_PAGE}}" step="1" required value="{{PAGE}}"> 页 <button type="submit">跳转</button></form>{{/JUMP}}
</nav>
