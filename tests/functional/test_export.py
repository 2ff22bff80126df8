"""Static export: `callreport export` writes a task's reports as a self-contained site."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import zipfile

import pytest

from conftest import CLI, CONF, OUT, query

PHONE = re.compile(rb"(?<![0-9A-Za-z.-])1[3-9][0-9]{9}(?![0-9A-Za-z-])")
LINK = re.compile(r'(?:href|src|action)="([^"]*)"')


def export(*args, check=True):
    env = dict(os.environ, CALLREPORT_CONF=CONF)
    p = subprocess.run([CLI, "export", *args], capture_output=True, text=True, env=env, timeout=600)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def scope(data, db):
    """A narrow, known selection of alpha's first task: numbers whose digits contain a keyword."""
    t = data["alpha"]
    task = t["tasks"][0]
    # A keyword that selects a few dozen numbers and at least a few call records.
    for kw in ("1381", "1391", "1861", "1331", "150", "186", "13"):
        n = query(db, "SELECT count(*) FROM numbers WHERE task_id = %s AND number LIKE %s", task, f"%{kw}%")[0][0]
        r = query(db, "SELECT count(*) FROM records WHERE task_id = %s AND callee LIKE %s", task, f"%{kw}%")[0][0]
        if 20 <= n <= 120 and r >= 3:
            break
    numbers = [x[0] for x in query(db, "SELECT id FROM numbers WHERE task_id = %s AND number LIKE %s ORDER BY id",
                                   task, f"%{kw}%")]
    records = [x[0] for x in query(db, "SELECT id::text FROM records WHERE task_id = %s AND callee LIKE %s",
                                   task, f"%{kw}%")]
    phones = {x[0] for x in query(db, "SELECT number FROM numbers WHERE user_id = %s", t["tenant_id"])}
    return {"task": task, "kw": kw, "numbers": numbers, "records": records, "phones": phones}


@pytest.fixture(scope="module")
def site(scope):
    out = os.path.join(OUT, "export-site")
    shutil.rmtree(out, ignore_errors=True)
    p = export("--user", "alpha", "--task", scope["task"], "--out", out, "--filter", f"keyword={scope['kw']}", "--zip")
    assert p.stdout.strip() == out
    return out


def html_files(root):
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                yield os.path.join(d, f)


def test_pages_present_and_counts_match(site, scope):
    names = set(os.listdir(site))
    assert {"index.html", "numbers-1.html", "records-1.html", "numbers.xlsx", "records.xlsx",
            "static", "json", "calls", "history"} <= names
    pages = -(-len(scope["numbers"]) // 15)
    assert {f"numbers-{i}.html" for i in range(1, pages + 1)} <= names
    assert f"numbers-{pages + 1}.html" not in names
    assert sorted(os.listdir(os.path.join(site, "calls"))) == sorted(f"{r}.html" for r in scope["records"])
    assert sorted(os.listdir(os.path.join(site, "history"))) == sorted(f"{n}.html" for n in scope["numbers"])
    assert sorted(os.listdir(os.path.join(site, "json", "record_info"))) == sorted(f"{r}.json" for r in scope["records"])
    import json
    doc = json.load(open(os.path.join(site, "json", "numbers-1.json")))
    assert doc["data"]["total"] == len(scope["numbers"])
    doc = json.load(open(os.path.join(site, "json", "records-1.json")))
    assert doc["total"] == len(scope["records"])
    assert os.path.exists(os.path.join(site, "static", "style.css"))
    assert os.path.exists(site + ".zip")
    with zipfile.ZipFile(site + ".zip") as z:
        assert "index.html" in z.namelist() and z.testzip() is None


def test_every_link_relative_and_resolving(site):
    checked = 0
    for path in html_files(site):
        text = open(path, encoding="utf-8").read()
        assert "http://" not in text and "https://" not in text, path
        for url in LINK.findall(text):
            assert not url.startswith("/"), (path, url)
            target = urllib.parse.unquote(url.split("#", 1)[0].split("?", 1)[0])
            if target == "":
                continue
            assert "?" not in url, (path, url)
            full = os.path.normpath(os.path.join(os.path.dirname(path), target))
            assert full.startswith(site) and os.path.isfile(full), (path, url)
            checked += 1
    assert checked > 50


def test_no_forms_or_scripts_in_export(site):
    for path in html_files(site):
        text = open(path, encoding="utf-8").read()
        assert "<form" not in text and "<script" not in text, path


def test_same_data_same_files(site, scope):
    again = os.path.join(OUT, "export-again")
    shutil.rmtree(again, ignore_errors=True)
    export("--user", "alpha", "--task", scope["task"], "--out", again, "--filter", f"keyword={scope['kw']}", "--quiet")
    different = []
    for d, _, files in os.walk(site):
        for f in files:
            a = os.path.join(d, f)
            b = os.path.join(again, os.path.relpath(a, site))
            if f.endswith(".xlsx"):
                continue  # a workbook carries the time it was made (its summary's 生成时间)
            if open(a, "rb").read() != open(b, "rb").read():
                different.append(os.path.relpath(a, site))
    assert different == []


def all_bytes(root):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if f.endswith(".xlsx") or f.endswith(".zip"):
                with zipfile.ZipFile(p) as z:
                    for n in z.namelist():
                        yield p + ":" + n, z.read(n)
            else:
                yield p, open(p, "rb").read()


def test_masked_export_has_no_number(scope, site):
    out = os.path.join(OUT, "export-masked")
    shutil.rmtree(out, ignore_errors=True)
    export("--user", "alpha", "--task", scope["task"], "--out", out, "--filter", f"keyword={scope['kw']}",
           "--mask-numbers", "--quiet", "--zip")
    seen_mask = False
    for name, data in all_bytes(out):
        for m in PHONE.findall(data):
            assert m.decode() not in scope["phones"], (name, m)
        seen_mask = seen_mask or re.search(rb"1[3-9][0-9]\*\*\*\*[0-9]{4}", data) is not None
    assert seen_mask
    # The unmasked site does show the numbers (the check above could not pass by accident).
    assert any(PHONE.search(data) for _, data in all_bytes(site))


def test_interrupted_export_leaves_nothing(data):
    parent = tempfile.mkdtemp(dir=OUT)
    out = os.path.join(parent, "site")
    env = dict(os.environ, CALLREPORT_CONF=CONF)
    p = subprocess.Popen([CLI, "export", "--user", "alpha", "--task", data["alpha"]["tasks"][1], "--out", out],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline and not any(n.startswith("site.tmp-") for n in os.listdir(parent)):
        time.sleep(0.05)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode != 0, err
    assert os.listdir(parent) == [], os.listdir(parent)


def test_existing_export_replaced_whole(scope, site):
    out = os.path.join(OUT, "export-replace")
    shutil.rmtree(out, ignore_errors=True)
    export("--user", "alpha", "--task", scope["task"], "--out", out, "--filter", f"keyword={scope['kw']}", "--quiet")
    marker = os.path.join(out, "stale-file")
    open(marker, "w").close()
    export("--user", "alpha", "--task", scope["task"], "--out", out, "--filter", f"keyword={scope['kw']}", "--quiet")
    assert not os.path.exists(marker) and os.path.exists(os.path.join(out, "index.html"))
    assert [n for n in os.listdir(OUT) if n.startswith("export-replace.")] == []


def test_foreign_task_is_refused(data):
    p = export("--user", "alpha", "--task", data["beta"]["tasks"][0], "--out", os.path.join(OUT, "x"), check=False)
    assert p.returncode != 0 and "404" in p.stderr
    assert not os.path.exists(os.path.join(OUT, "x"))


def test_export_opened_from_disk_in_chromium(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tempfile.mkdtemp()}"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        index = "file://" + os.path.join(site, "index.html")
        drv.get(index)
        links = [a.get_attribute("href") for a in drv.find_elements(By.CSS_SELECTOR, "a[href]")]
        links = [l for l in links if l.startswith("file://") and "#" not in l]
        assert len(links) >= 3
        for href in links:
            drv.get(href)
            assert drv.find_elements(By.TAG_NAME, "main"), href
            assert "出错了" not in drv.title, href
        drv.get("file://" + os.path.join(site, "records-1.html"))
        call = drv.find_elements(By.CSS_SELECTOR, "a[href*='calls/']")[0]
        call.click()
        assert "/calls/" in drv.current_url and drv.find_elements(By.TAG_NAME, "main")
        drv.save_screenshot(os.path.join(OUT, "export-transcript.png"))
    finally:
        drv.quit()
