"""Hostile values stay text on every page: tests/fixtures/xss/xss.jsonl, imported with
`callreport import` into the tenant "xss", puts <script>, quotes, event handlers,
javascript: URLs and template markers into every text a page shows (task, script
group, levels, tags and tag groups, utterances, hang-up causes, caller numbers,
transcript turns, keywords)."""
import html

from conftest import get, request
from html_lib import (HOSTILE, XSS_NUMBER, XSS_RECORDS, XSS_TASK, check_page, doc, no_markup_injected,
                      page)
from html_lib import xss  # noqa: F401 (a fixture)

PAGES = ["/tasks", f"/tasks/{XSS_TASK}", f"/tasks/{XSS_TASK}/numbers", f"/tasks/{XSS_TASK}/numbers?attempts=1",
         f"/tasks/{XSS_TASK}/records", f"/records/{XSS_RECORDS[0]}", f"/records/{XSS_RECORDS[1]}",
         f"/v1/task/record_info/{XSS_TASK}/{XSS_RECORDS[0]}?format=html", f"/numbers/{XSS_NUMBER}/history",
         f"/v1/record/{XSS_RECORDS[0]}?format=html", "/v1/setting/record_level?format=html",
         "/v1/tag/usable_tags?format=html", f"/v1/task/number?task_id={XSS_TASK}&format=html"]


def fetch(path, sid):
    path, _, q = path.partition("?")
    return page(path, sid, raw_query=q)


def test_every_page_shows_hostile_values_as_text(xss):
    seen = {h: [] for h in HOSTILE}
    for path in PAGES:
        text = fetch(path, xss["sid"])
        d = check_page(text, path)
        no_markup_injected(d, path)
        shown = d.all_text()
        for h in HOSTILE:
            if h in shown:
                seen[h].append(path)
            # never as markup: the raw string is not in the source, only its escaped form
            assert h not in text, (path, h)
    assert all(seen.values()), {h: p for h, p in seen.items() if not p}
    # the pages where each kind of value lives show it
    assert HOSTILE[0] in doc(fetch(f"/tasks/{XSS_TASK}", xss["sid"])).all_text()  # task name
    assert HOSTILE[2] in doc(fetch("/tasks", xss["sid"])).all_text()  # script group
    turns = doc(fetch(f"/records/{XSS_RECORDS[0]}", xss["sid"]))
    assert HOSTILE[4] in turns.all_text() and HOSTILE[3] in turns.all_text()  # utterance, answer
    # a keyword that is itself markup is highlighted as text
    assert [m for m in turns.all("mark") if "".join(m["text"]) == "<script>"]


def test_filters_carrying_markup_are_escaped(xss):
    # values echoed back into the form: a keyword is digits only, so markup is refused (400);
    # the error page shows the message as text
    r = request("GET", f"/tasks/{XSS_TASK}/records", raw_query="keyword=%3Cscript%3E",
                headers={"Cookie": "crsid=" + xss["sid"]})
    assert r.status == 400 and "<script>" not in r.text
    no_markup_injected(check_page(r.text, "400"), "400")
    # the sign-in form echoes next and the name, escaped; next is never a foreign URL
    r = get("/login", raw_query="next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
    d = check_page(r.text, "login")
    no_markup_injected(d, "login")
    assert d.one("input", name="next")["attrs"]["value"] == ""
    r = get("/login", raw_query="next=/tasks%3F%22%3E%3Cscript%3E")
    d = check_page(r.text, "login")
    assert d.one("input", name="next")["attrs"]["value"] == '/tasks?"><script>'
    assert "<script>" not in r.text


def test_json_of_hostile_values_is_json(xss):
    # the API gives the same values back unchanged, as JSON strings
    r = get(f"/v1/task/record_info/{XSS_TASK}/{XSS_RECORDS[0]}", xss["token"])
    assert r.status == 200 and r.header("Content-Type").startswith("application/json")
    assert r.json()["info"]["task"]["name"] == "任务" + HOSTILE[0] + HOSTILE[1]
    assert html.escape(HOSTILE[0]) not in r.text
