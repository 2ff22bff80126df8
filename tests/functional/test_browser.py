"""The pages in a real browser: headless Chromium driven through chromedriver (Debian's
chromium, chromium-driver and python3-selenium). Signs in with the form, opens every
view, applies filters with the forms, follows the links task -> records -> transcript ->
number history and back, checks the numbers shown against the database, loads the
recording in the audio player, signs out; the hostile values of the "xss" tenant stay
text in the browser too. Screenshots at a desktop and a phone width are kept in
tests/out/screens/ (not committed). The tests of this module run in order, in one browser.
"""
import os
import shutil
import tempfile
import time

import pytest

from conftest import BASE_URL, OUT, query
from html_lib import HOSTILE, XSS_NUMBER, XSS_RECORDS, XSS_TASK, place_recording
from html_lib import xss  # noqa: F401 (a fixture)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900", "--lang=zh-CN"]
SCREENS = os.path.join(OUT, "screens")
state = {}


@pytest.fixture(scope="module")
def b():
    if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)):
        pytest.skip("chromium and chromium-driver are not installed (scripts/deps.sh check)")
    profile = tempfile.mkdtemp(prefix="callreport-chromium-")
    o = Options()
    for f in FLAGS + ["--user-data-dir=" + profile]:
        o.add_argument(f)
    o.binary_location = CHROMIUM
    d = webdriver.Chrome(service=Service(DRIVER), options=o)
    d.set_page_load_timeout(60)
    d.implicitly_wait(5)
    os.makedirs(SCREENS, exist_ok=True)
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)


def go(b, path):
    b.get(BASE_URL + path)
    no_alert(b)


def follow(b, css):
    """Clicks a link or submit button and waits for the next page to be loaded.

    The old page is marked with a window property; the next page is there when the
    property is gone and the document is complete. chromedriver may answer any command
    sent while the navigation is under way with "Node with given id does not belong to
    the document" (or a similar transient error): such answers only mean "not yet"."""
    b.execute_script("window.__callreportOld = true")
    try:
        b.find_element(By.CSS_SELECTOR, css).click()
    except WebDriverException as e:
        # the click happened; the node went away with the navigation it started
        if "does not belong to the document" not in str(e):
            raise

    def arrived(d):
        try:
            return d.execute_script("return window.__callreportOld !== true"
                                    " && document.readyState === 'complete'")
        except WebDriverException:
            return False
    WebDriverWait(b, 60).until(arrived)
    no_alert(b)


def no_alert(b):
    try:
        text = b.switch_to.alert.text
    except NoAlertPresentException:
        return
    raise AssertionError("a script ran: alert(%r)" % text)


def shoot(b, name):
    """Full-page screenshots at a desktop width and at a phone's (390 CSS px, touch)."""
    h = b.execute_script("return document.documentElement.scrollHeight")
    b.set_window_size(1280, min(max(h, 600), 8000))
    b.save_screenshot(os.path.join(SCREENS, f"{name}-desktop.png"))
    b.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    h = b.execute_script("return document.documentElement.scrollHeight")
    b.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": min(max(h, 844), 8000), "deviceScaleFactor": 2, "mobile": True})
    # on a phone nothing is wider than the screen but what scrolls inside its own box
    wide = b.execute_script("return document.documentElement.scrollWidth")
    b.save_screenshot(os.path.join(SCREENS, f"{name}-phone.png"))
    b.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    b.set_window_size(1280, 900)
    assert wide <= 392, (name, wide)


def el(b, css):
    return b.find_element(By.CSS_SELECTOR, css)


def els(b, css):
    return b.find_elements(By.CSS_SELECTOR, css)


def text(b, css):
    return el(b, css).text.strip()


def path_of(b):
    return b.current_url[len(BASE_URL):]


def ids(b):
    return [r.get_attribute("data-id") for r in els(b, "#rows tbody tr[data-id]")]


def test_sign_in(b, data):
    go(b, "/tasks")
    assert el(b, "form input[name=next]").get_attribute("value") == "/tasks"  # the 401 page is the form
    shoot(b, "login")
    el(b, "#name").send_keys("alpha")
    el(b, "#password").send_keys(data["alpha"]["password"])
    follow(b, "section.login button[type=submit]")
    assert path_of(b) == "/tasks" and b.title.startswith("外呼任务")
    assert text(b, "header .user") == "alpha"
    assert "crsid" not in b.execute_script("return document.cookie")  # HttpOnly


def test_tasks_and_overview(b, data, db):
    rows = els(b, "#tasks tbody tr[data-id]")
    assert {r.get_attribute("data-id") for r in rows} >= set(data["alpha"]["tasks"])
    shoot(b, "tasks")
    task = data["alpha"]["tasks"][0]
    state["task"] = task
    follow(b, f'#tasks tr[data-id="{task}"] td a')
    assert path_of(b) == f"/tasks/{task}"
    total, dialled, connected = query(db, """SELECT count(*), count(*) FILTER (WHERE status <> 0),
        count(*) FILTER (WHERE status = 1) FROM numbers WHERE task_id = %s""", task)[0]
    assert (text(b, "#f-total"), text(b, "#f-dialled"), text(b, "#f-connected")) == \
        (str(total), str(dialled), str(connected))
    assert text(b, "#f-connect-rate") == str(round(100 * connected / max(dialled, 1), 1))
    # the charts are drawn: a segment per status that has numbers, 24 hour columns
    assert len(els(b, "#status svg.stack rect")) == len(query(
        db, "SELECT DISTINCT status FROM numbers WHERE task_id = %s", task))
    assert len(els(b, "#hours svg.hours rect.c1")) == 24
    bar = els(b, "#status svg.stack rect")[0].rect
    assert bar["width"] > 0 and bar["height"] > 10
    shoot(b, "overview")


def test_numbers_filters_and_pages(b, db):
    task = state["task"]
    follow(b, "#to-numbers")
    assert path_of(b) == f"/tasks/{task}/numbers"
    el(b, 'input[name="status[]"][value="1"]').click()
    el(b, 'input[name="type[]"][value="yd"]').click()
    Select(el(b, "#per_page")).select_by_value("30")
    follow(b, "#filters button[type=submit]")
    want = [str(r[0]) for r in query(db, "SELECT id FROM numbers WHERE task_id = %s AND status = 1 "
                                         "AND operator = 1 ORDER BY id", task)]
    assert text(b, "#total") == str(len(want)) and ids(b) == want[:30]
    shoot(b, "numbers")
    follow(b, "nav.pager a[rel=next]")
    assert ids(b) == want[30:60] and text(b, "#total") == str(len(want))
    assert el(b, 'input[name="status[]"][value="1"]').is_selected()
    assert el(b, 'input[name="type[]"][value="yd"]').is_selected()
    assert not el(b, 'input[name="status[]"][value="4"]').is_selected()
    # a click on a column head sorts by it, keeping the filters
    follow(b, "th[aria-sort] a[href*='sort=status']")
    assert text(b, "#total") == str(len(want))
    # a number's history, and back to the list
    first = ids(b)[0]
    follow(b, f'tr[data-id="{first}"] a[href$="/history"]')
    assert path_of(b) == f"/numbers/{first}/history"
    want_h = [str(r[0]) for r in query(db, "SELECT id FROM call_histories WHERE number_id = %s "
                                           "ORDER BY call_time DESC, id DESC", int(first))]
    assert ids(b) == want_h
    shoot(b, "number-history")
    follow(b, f'.crumbs a[href="/tasks/{task}/numbers"]')
    assert path_of(b) == f"/tasks/{task}/numbers"


def test_records_form_and_sort(b, data, db):
    task = state["task"]
    go(b, f"/tasks/{task}")
    follow(b, "#to-records")
    assert path_of(b) == f"/tasks/{task}/records"
    lo, hi = query(db, "SELECT score_min, score_max FROM levels WHERE user_id = %s ORDER BY score_min DESC "
                       "LIMIT 1", data["alpha"]["tenant_id"])[0]
    el(b, f'input[name="levels[]"][value="{lo},{hi}"]').click()
    el(b, "#bills_min").send_keys("30")
    el(b, "#rounds_max").send_keys("8")
    # a date-time picker: the value a browser submits ("2020-01-01T00:00:00")
    b.execute_script("document.getElementById('start_at').value = '2020-01-01T00:00:00'")
    Select(el(b, "#sort")).select_by_value("score")
    follow(b, "#filters button[type=submit]")
    want = [r[0] for r in query(db, """SELECT id::text FROM records WHERE task_id = %s
        AND score BETWEEN %s AND %s AND bill >= 30000 AND rounds <= 8 AND calldate >= '2020-01-01 00:00:00+08'
        ORDER BY score DESC, id DESC""", task, lo, hi)]
    assert len(want) > 15
    assert text(b, "#total") == str(len(want)) and ids(b) == want[:15]
    assert el(b, "#bills_min").get_attribute("value") == "30"
    assert el(b, "#bills_max").get_attribute("value") == ""
    assert el(b, "#start_at").get_attribute("value").startswith("2020-01-01T00:00")
    shoot(b, "records")
    follow(b, "nav.pager a[rel=next]")
    assert ids(b) == want[15:30]
    assert el(b, f'input[name="levels[]"][value="{lo},{hi}"]').is_selected()
    # the download link is for the same selection
    href = el(b, "#xlsx").get_attribute("href")
    assert "format=xlsx" in href and "bills" in href and "levels" in href and "sort" in href
    state["record"] = want[15]


def test_transcript_and_recording(b, db):
    task, rec = state["task"], state["record"]
    recordfile = query(db, "SELECT recordfile FROM records WHERE id = %s", rec)[0][0]
    place_recording(recordfile, "alpha", seconds=3.0)
    follow(b, f'tr[data-id="{rec}"] a.to-record')
    assert path_of(b).startswith(f"/records/{rec}?format=html&from=")
    turns = els(b, "#chat li.turn")
    n = sum((1 if q else 0) + (1 if a else 0) for q, a in query(
        db, "SELECT question, answer_content FROM record_details WHERE record_id = %s "
            "AND notify <> 'asrprogress_notify'", rec))
    assert len(turns) == n and els(b, "#chat li.robot") and els(b, "#chat li.customer")
    # robot on one side, customer on the other
    robot, customer = el(b, "#chat li.robot .bubble").rect, el(b, "#chat li.customer .bubble").rect
    assert robot["x"] < customer["x"]
    # the player reads the recording through callreport and can seek in it
    audio = el(b, "audio#recording")
    for _ in range(100):
        if b.execute_script("return arguments[0].readyState", audio) >= 1:
            break
        time.sleep(0.1)
    assert abs(b.execute_script("return arguments[0].duration", audio) - 3.0) < 0.1
    b.execute_script("arguments[0].currentTime = 2.5", audio)
    for _ in range(50):
        if not b.execute_script("return arguments[0].seeking", audio):
            break
        time.sleep(0.1)
    assert abs(b.execute_script("return arguments[0].currentTime", audio) - 2.5) < 0.1
    assert recordfile not in b.page_source
    shoot(b, "transcript")
    follow(b, "#to-history")
    assert "/history" in path_of(b)
    follow(b, "a.to-record")
    assert path_of(b) == f"/records/{rec}?format=html"
    follow(b, "#to-records")
    assert path_of(b) == f"/tasks/{task}/records"


def test_jump_a_call_its_next_and_back(b, db):
    """A filtered, sorted list; page 2 by the page jump; a call; 下一通; back: the filters and the page kept."""
    task = state["task"]
    go(b, f"/tasks/{task}/records?bills_min=1&sort=score&dir=asc")
    want = [r[0] for r in query(db, "SELECT id::text FROM records WHERE task_id = %s AND bill >= 1000 "
                                    "ORDER BY score, id", task)]
    assert ids(b) == want[:15]
    jump = el(b, "#jump-page")
    jump.clear()
    jump.send_keys("2")
    follow(b, "#jump button[type=submit]")
    assert ids(b) == want[15:30]
    follow(b, f'tr[data-id="{want[15]}"] a.to-record')
    assert path_of(b).startswith(f"/records/{want[15]}?")
    assert el(b, "#prev-call") and el(b, "#next-call")
    follow(b, "#next-call")
    assert path_of(b).startswith(f"/records/{want[16]}?")
    assert el(b, "#callee a").get_attribute("href").startswith("tel:")
    follow(b, "#to-records")
    assert path_of(b).startswith(f"/tasks/{task}/records?")
    assert ids(b) == want[15:30]
    assert el(b, "#bills_min").get_attribute("value") == "1"
    assert Select(el(b, "#sort")).first_selected_option.get_attribute("value") == "score"
    assert Select(el(b, "#dir")).first_selected_option.get_attribute("value") == "asc"
    assert el(b, "#jump-page").get_attribute("value") == "2"


def test_the_managers_morning_in_four_clicks(b, data, db):
    """Issue 16: from the start page to the worst task of the day (the lowest connect rate),
    its overview for that day, its D-level calls and one call's transcript: four clicks, and
    the period kept at every step. (The test data's calls are on fixed days: the busiest one
    stands for 今天, whose own link the chooser shows.)"""
    tid = data["alpha"]["tenant_id"]
    day = query(db, """SELECT to_char(calldate AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') d FROM records
        WHERE user_id = %s GROUP BY d ORDER BY count(*) DESC, d LIMIT 1""", tid)[0][0]
    start, end = f"{day} 00:00:00", f"{day} 23:59:59"

    def period_kept():
        q = path_of(b)
        return "start_at=" + start.replace(" ", "%20").replace(":", "%3A") in q or \
            "start_at=" + start.replace(" ", "+").replace(":", "%3A") in q or \
            "start_at=" + start.replace(" ", "%20") in q

    go(b, f"/?start_at={start}&end_at={end}")
    assert el(b, '#periods a[data-period="today"]')
    rows = [r for r in els(b, "#rows tbody tr.task")]
    rates = {}
    for r in rows:
        cell = r.find_element(By.CSS_SELECTOR, "td.connect-rate").text.strip().rstrip("%")
        if cell:
            rates[r.get_attribute("data-id")] = float(cell)
    worst = min(rates, key=lambda k: (rates[k], k))
    want = query(db, """SELECT task_id::text, 100.0 * count(DISTINCT number_id) FILTER (WHERE status = 1)
        / count(DISTINCT number_id) FROM call_histories WHERE user_id = %s
        AND call_time >= %s::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND call_time < (%s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
        GROUP BY 1 ORDER BY 2, 1 LIMIT 1""", tid, start, day)[0][0]
    assert worst == want
    # 1: the task's overview for the same day
    follow(b, f'#rows tr[data-id="{worst}"] td a[href^="/tasks/{worst}"]')
    assert path_of(b).startswith(f"/tasks/{worst}?") and period_kept(), path_of(b)
    assert start in b.page_source and end in b.page_source
    # 2: its D-level calls of that day
    d_link = next(a for a in els(b, 'a[href*="/records?level%5B%5D="]') if a.text.strip().startswith("D"))
    b.execute_script("window.__callreportOld = true")
    d_link.click()
    WebDriverWait(b, 60).until(lambda d: d.execute_script(
        "return window.__callreportOld !== true && document.readyState === 'complete'"))
    assert path_of(b).startswith(f"/tasks/{worst}/records?") and period_kept(), path_of(b)
    level = query(db, "SELECT id FROM levels WHERE user_id = %s AND name LIKE 'D%%'", tid)[0][0]
    calls = [r[0] for r in query(db, """SELECT id::text FROM records WHERE task_id = %s AND level_id = %s
        AND calldate >= %s::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND calldate < (%s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
        ORDER BY calldate DESC, id DESC""", worst, level, start, day)]
    assert calls and ids(b) == calls[:15]
    # 3: one call's transcript; the way back keeps the period
    follow(b, f'tr[data-id="{calls[0]}"] a.to-record')
    assert path_of(b).startswith(f"/records/{calls[0]}")
    back = el(b, "#to-records").get_attribute("href")
    assert "start_at=" in back and day in back.replace("%20", " ").replace("+", " "), back
    assert els(b, "#turns li, .turns li, .turn") or "通话详情" in b.title


def test_sign_out(b):
    follow(b, "header form[action='/logout'] button")
    assert path_of(b) == "/login"
    go(b, "/tasks")
    assert els(b, "#password") and not els(b, "header .user")


def test_hostile_values_stay_text_in_the_browser(b, xss):
    go(b, "/login")
    el(b, "#name").send_keys("xss")
    el(b, "#password").send_keys(xss["password"])
    follow(b, "section.login button[type=submit]")
    no_alert(b)
    pages = ["/tasks", f"/tasks/{XSS_TASK}", f"/tasks/{XSS_TASK}/numbers", f"/tasks/{XSS_TASK}/records",
             f"/records/{XSS_RECORDS[0]}", f"/numbers/{XSS_NUMBER}/history",
             f"/v1/record/{XSS_RECORDS[0]}?format=html", "/v1/tag/usable_tags?format=html",
             "/v1/setting/record_level?format=html"]
    shown = ""
    for p in pages:
        go(b, p)
        injected = b.execute_script(
            "return document.querySelectorAll('script, img, iframe, textarea, [onerror], [onload], "
            "[onclick], [onmouseover]').length")
        assert injected == 0, p
        hrefs = b.execute_script("return [...document.querySelectorAll('[href],[src]')]"
                                 ".map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], p
        shown += b.execute_script("return document.body.innerText")
    for h in HOSTILE:
        assert h in shown, h
    go(b, f"/records/{XSS_RECORDS[0]}")
    shoot(b, "xss-transcript")
    follow(b, "header form[action='/logout'] button")
