{{%AUTOESCAPE context="HTML"}}{{>HEADER}}
<p class="crumbs"><a href="{{BASE}}/tasks">任务</a> › <a href="{{BASE}}/tasks/{{call_task_id}}">{{call_task_name}}</a> › <a href="{{BASE}}/tasks/{{call_task_id}}/records">通话记录</a> › 通话详情</p>
<h1>通话详情 <span class="nowrap" id="callee">{{#LIVE}}<a href="tel:{{call_callee}}" class="tel">{{call_callee}}</a>{{/LIVE}}{{#EXPORT}}{{call_callee}}{{/EXPORT}}</span></h1>
{{#LIVE}}{{#IN_LIST}}<nav class="callnav" aria-label="同一列表中的通话">{{#PREV_CALL}}<a href="{{BASE}}/records/{{id}}?from={{from}}" rel="prev" id="prev-call">‹ 上一通</a>{{/PREV_CALL}}{{#NEXT_CALL}}<a href="{{BASE}}/records/{{id}}?from={{from}}" rel="next" id="next-call">下一通 ›</a>{{/NEXT_CALL}}<span class="note">列表中第 {{pos}} 通</span></nav>{{/IN_LIST}}{{/LIVE}}
<dl class="facts" id="facts">
<dt>呼叫时间</dt><dd id="fact-calldate">{{call_calldate}}</dd>
<dt>意向等级</dt><dd id="fact-level">{{#HAS_LEVEL}}{{call_level_name}}{{/HAS_LEVEL}}</dd>
<dt>得分</dt><dd id="fact-score">{{call_record_score}}</dd>
<dt>交互轮数</dt><dd id="fact-rounds">{{call_rounds}}</dd>
<dt>通话时长</dt><dd id="fact-bill">{{call_bill_s}} 秒</dd>
<dt>挂断方</dt><dd id="fact-hangup">{{call_hangup_disposition_str}}</dd>
<dt>性别</dt><dd>{{call_gender_str}}</dd>
</dl>
<nav class="actions" aria-label="相关">
{{#HAS_NUMBER}}<a href="{{BASE}}/numbers/{{call_number_id}}/history" id="to-history">这个号码的呼叫历史</a>{{/HAS_NUMBER}}
{{#BACK}}<a href="{{back}}" id="to-records">返回通话记录</a>{{/BACK}}{{#NO_BACK}}<a href="{{BASE}}/tasks/{{call_task_id}}/records" id="to-records">返回通话记录</a>{{/NO_BACK}}
{{#LIVE}}<a href="{{PATH}}?format=xlsx">下载 XLSX</a>{{/LIVE}}
</nav>
{{#LIVE}}<section class="player" aria-label="录音">
{{#AUDIO}}<audio controls preload="metadata" id="recording"><source src="{{src}}" type="{{type}}"><a href="{{src}}">下载录音</a></audio>{{/AUDIO}}
{{#AUDIO_MISSING}}<p class="note">这通电话的录音文件不在录音目录中。</p>{{/AUDIO_MISSING}}
{{#AUDIO_OFF}}<p class="note">未配置录音目录 (recordings_root)。</p>{{/AUDIO_OFF}}
</section>{{/LIVE}}
<h2>对话 <small class="meta">{{TURNS}} 句</small></h2>
{{#NO_TURNS}}<p class="note">这通电话没有对话内容。</p>{{/NO_TURNS}}
<ol class="chat" id="chat">
{{#TURN}}<li class="turn {{side}}" data-sequence="{{sequence}}">
<p class="who">{{speaker}}{{#HAS_ANSWER}} · 话术: {{answer_text}}{{/HAS_ANSWER}}</p>
<p class="bubble">{{#SEG}}{{#PLAIN}}{{t}}{{/PLAIN}}{{#HIT}}<mark>{{t}}</mark>{{/HIT}}{{/SEG}}</p>
{{#HAS_KEYWORD}}<p class="extra">关键词: <span class="kw">{{keyword}}</span>{{#HAS_SCORE}} · 得分 {{score}}{{/HAS_SCORE}}</p>{{/HAS_KEYWORD}}
{{#HAS_TAGS}}<p class="extra tags">{{#TAG}}<span class="tag">{{name}}</span>{{/TAG}}</p>{{/HAS_TAGS}}
</li>
{{/TURN}}</ol>
{{>FOOTER}}
