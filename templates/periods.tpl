{{%AUTOESCAPE context="HTML"}}{{#LIVE}}<nav class="actions periods" aria-label="时间段" id="periods">
{{#PERIOD}}{{#CURRENT}}<a href="{{PATH}}?{{query}}" aria-current="page" class="current" data-period="{{code}}">{{name}}</a>{{/CURRENT}}{{#OTHER}}<a href="{{PATH}}?{{query}}" data-period="{{code}}">{{name}}</a>{{/OTHER}}
{{/PERIOD}}</nav>
{{#CUSTOM}}<form method="get" action="{{PATH}}" class="filters" id="filters">
<div class="row">
<span><label for="start_at">自定义: 从</label> <input type="datetime-local" id="start_at" name="start_at" step="1" required value="{{f_start_at}}"{{#ERR_start_at}} aria-invalid="true" aria-describedby="start_at-error"{{/ERR_start_at}}>{{#ERR_start_at}}<span class="field-error" id="start_at-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_start_at}}</span>
<span><label for="end_at">到</label> <input type="datetime-local" id="end_at" name="end_at" step="1" required value="{{f_end_at}}"{{#ERR_end_at}} aria-invalid="true" aria-describedby="end_at-error"{{/ERR_end_at}}>{{#ERR_end_at}}<span class="field-error" id="end_at-error" role="alert" title="{{MESSAGE_EN}}">{{MESSAGE}}</span>{{/ERR_end_at}}</span>
{{#KEEP}}<input type="hidden" name="{{name}}" value="{{value}}">{{/KEEP}}<button type="submit">查看</button>
</div>
</form>{{/CUSTOM}}{{/LIVE}}
