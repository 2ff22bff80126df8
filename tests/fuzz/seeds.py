#!/usr/bin/python3
"""seeds.py: writes the seed corpora tests/fuzz/corpus/NAME/seed-* of the fuzz harnesses.

The seeds are real inputs: the query strings, bodies, headers, paths and files of the
functional tests (tests/functional/), the vendor document's examples and the import
fixtures (tests/fixtures/), the shipped configuration example. Run it again after
changing it; it replaces the seed-* files and leaves the regress-* ones (inputs of
findings, kept as regression cases) alone.
"""
import glob
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(ROOT, "tests", "fixtures")

TASK = "1bcecc13-e873-4910-913c-d9246a891280"      # the vendor example's task
RECORD = "80599bfe-7027-412f-adec-1f24075219ca"    # the vendor example's record
TAG = "ee109a20-6b98-4463-94fe-ea730e2188c7"
TOKEN = "crt_" + "0123456789abcdef" * 3
SID = "crs_" + "fedcba9876543210" * 3

# Query strings and form bodies: test_api_errors.py, test_html_pages.py,
# test_foundation.py, test_api_contract.py, test_deploy_prepare.py, README.md.
QUERIES = [
    f"task_id={TASK}&page=1&status[]=1",
    f"task_id={TASK}&per_page=5&page=2",
    f"task_id={TASK}&type[]=lt&type[]=dx&status=3&status=5&per_page=100",
    f"task_id={TASK}&keyword=138",
    "keyword=1&x=",
    "task_id=nope",
    "format=html&format=xlsx",
    "format=csv",
    "levels[0][]=0&levels[0][]=199",
    f"task_id={TASK}&levels[0][]=5&levels[0][]=1",
    f"task_id={TASK}&levels[]=5",
    f"task_id={TASK}&bills[]=1",
    f"task_id={TASK}&tags[]=nope",
    f"task_id={TASK}&page[]=1",
    f"task_id={TASK}&levels[x][]=1",
    f"task_id={TASK}&start_at=2020-01-01",
    f"task_id={TASK}&page=1&page=2",
    "task_id=%zz",
    "status[]=1&status[]=4&type[]=yd&type[]=dx&keyword=&per_page=30",
    f"levels[]=200,1000&levels_min=0&levels_max=49&tags[]={TAG}&keyword=&bills_min=30&bills_max="
    "&rounds_min=&rounds_max=6&start_at=2020-01-01T00:00&end_at=&id=&sort=score&dir=desc&per_page=15",
    "keyword=&bills_min=&bills_max=&rounds_min=&rounds_max=&levels_min=&levels_max=&start_at=&end_at="
    "&id=&sort=calldate&dir=desc&per_page=15",
    "bills_min=x", "rounds_min=5&rounds_max=1", "levels[]=9,1", "start_at=yesterday", "sort=callee",
    "start_at=2026-11-01+00%3A00%3A00&levels%5B0%5D%5B%5D=200&levels%5B0%5D%5B%5D=1000",
    "d=%E4%B8%AD+x&e&c%5B0%5D%5B%5D=5&c[0][]=6",
    "name=demo&password=demo-password&next=%2Ftasks",
    "name=demo&password=x&next=%2F%0b%2Fevil.example",
    "q=%27+OR+%271%27%3D%271&r=%3Cscript%3Ealert(1)%3C%2Fscript%3E&s=%C0%AF&t=%ED%A0%80",
    "attempts=1&call_history=1&sort=status&dir=asc",
]

# JSON bodies: test_api_filters.py, test_api_errors.py, test_deploy_prepare.py, README.md.
BODIES = [
    {"task_id": TASK, "page": 1, "levels": [[0, 100], [300, 1000]], "bills": [10, 60]},
    {"task_id": TASK, "levels": [[0, 100], [500, 501]], "bills": [0, 200], "rounds": [0, 8],
     "tags": [TAG], "keyword": "1", "start_at": "2020-03-06 00:00:00", "end_at": "2020-03-07 23:59:59"},
    {"task_id": TASK, "levels": [[1000, 1000], [-10, -1]]},
    {"task_id": TASK, "levels": [], "tags": "", "bills": None, "id": RECORD},
    {"task_id": TASK, "sort": "score", "dir": "asc", "per_page": 100, "page": 2},
    {"task_id": TASK, "foo": 1, "bar": [1, {"x": None}], "PAGE": "x", "levels ": "x", "format2": "pdf"},
    {"task_id": TASK, "levels": [[0, 1e20]], "page": 1.5, "per_page": "15"},
    {"task_id": TASK, "levels": [[0, 100], 5], "tags": [None], "keyword": True},
    {"task_id": ["00000000-0000-4000-8000-000000000001"], "page": {"a": 1}},
]
RAW_BODIES = [
    b"{", b'{"task_id": }', b"[1, 2]", b"null", b'"text"', b"{} x", b'{"a": 1,}', b"{'a': 1}",
    b'{"a": ' * 40 + b"1" + b"}" * 40, b"\xff\xfe", b'{"task_id": "\xff"}', b'{"task_id": "\\u0000"}',
    b'{"a":[1,2]} \n', b'{"a\'":"b\\"\'"}', b'{"page": 99999999999999999999, "x": -0.0e-5}',
    b'{"task_id": "1\\u0000x", "k": "\\ud800", "s": "\\ud83d\\ude00"}',
]

# Cookie headers: html_lib.py, security_lib.py, test_html_pages.py.
COOKIES = [
    f"crsid={SID}", f"a=1; crsid={SID}; b=2", f"crsid=; crsid={SID}", "crsid=",
    f"  ;; crsid={SID};", f"xcrsid=1; crsid2=2; crsid={SID}", "crsid",
    f"_ga=GA1.1.1; lang=zh-CN; crsid={SID}; theme=dark", "crsid=\r\nSet-Cookie: evil=1",
    f"c=1;c=2; crsid={SID}=x",
]

# Request URIs: every route of cgi/web/app.c, as the tests ask for them.
PATHS = [
    "/v1/task/number?task_id=" + TASK, "/v1/task/query_done_task_phones",
    f"/v1/record/{RECORD}", f"/v1/task/record_info/{TASK}/{RECORD}", "/v1/setting/record_level",
    "/v1/tag/usable_tags?format=xlsx", "/healthz", "/readyz", "/", "/login", "/logout", "/tasks",
    f"/tasks/{TASK}", f"/tasks/{TASK}/numbers?attempts=1", f"/tasks/{TASK}/records?bills_min=abc",
    f"/records/{RECORD}?format=html", f"/records/{RECORD}/recording", "/numbers/6600000000001001/history",
    "/reports/healthz", "/reports", "/no/such/page?format=html",
    "/v1/record/%7B00000000-0000-4000-8000-000000000000%7D", "/v1/record/", "/tasks//numbers",
    "/records/../../etc/passwd/recording", "/v1/task/record_info/x/y/z",
]
# The first byte: the method (its index in fuzz_route.c's methods[]), 0x80: base path /reports.
METHODS = {"GET": 0, "POST": 1, "HEAD": 2, "PUT": 3, "DELETE": 4}

# Range headers: test_html_pages.py, deploy.py; with the size of the file (a 4,000-byte wav).
RANGES = [
    (4000, "bytes=100-199"), (4000, "bytes=-10"), (4000, "bytes=3995-"), (4000, "bytes=0-8000"),
    (4000, "bytes=4000-"), (4000, "bytes=0-1,5-6"), (4000, "bytes=0-9"), (100000, "bytes=1000-1999"),
    (0, "bytes=0-"), (0, "bytes=-5"), (4000, "bytes=-0"), (4000, "bytes= 5-"), (4000, "items=0-5"),
    (4000, "bytes=99999999999999999999-"), (4000, "bytes=5-4"),
]

# Texts for the UTF-8 checks: security_2's corpus (invalid and overlong UTF-8, NUL,
# surrogates, emoji), the fixtures' Chinese.
TEXTS = [
    "中文 南京 脏话".encode(), "\U0001f600".encode() * 3, b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80",
    b"\xed\xb3\xbf\xed\xb3\xbe", b"\xf4\x90\x80\x80", b"\xf0\x9f\x98", b"\xe2\x80\xae\x00x", b"\xff\xfe",
    b"name=%E4%B8%AD&v[]=%C0%AF", b'{"k":"\xe4\xb8\xad","a":["\\ud83d\\ude00"]}', b"abc", b"",
]


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for f in glob.glob(os.path.join(d, "seed-*")):
        os.unlink(f)
    for i, s in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(s if isinstance(s, bytes) else s.encode())
    return len(seeds)


def lines(path):
    with open(path, "rb") as f:
        return [x for x in f.read().split(b"\n") if x.strip()]


def main():
    form = QUERIES
    js = [json.dumps(b, ensure_ascii=False).encode() for b in BODIES] + RAW_BODIES
    # The vendor document's examples are JSON objects too (the smaller ones whole).
    for f in ("task_number.json", "record.json", "query_done_task_phones.json"):
        with open(os.path.join(FIX, "vendor", f), "rb") as fh:
            js.append(fh.read())
    route = [bytes([METHODS["GET"]]) + p.encode() for p in PATHS]
    route += [bytes([METHODS["POST"]]) + b"/login", bytes([METHODS["HEAD"]]) + f"/records/{RECORD}/recording".encode(),
              bytes([METHODS["PUT"]]) + b"/v1/task/query_done_task_phones",
              bytes([0x80 | METHODS["GET"]]) + f"/reports/tasks/{TASK}/records?page=2".encode(),
              bytes([0x80 | METHODS["POST"]]) + b"/reports/logout"]
    # fuzz_range: 8 bytes of size (top bit set: taken whole), then the header.
    rng = [struct.pack(">Q", (1 << 63) | size) + h.encode() for size, h in RANGES] + [b"\x80" * 3]
    # The import: each fixture file whole when small, and single lines of each kind.
    imp = []
    for f in sorted(glob.glob(os.path.join(FIX, "import", "*.jsonl"))):
        with open(f, "rb") as fh:
            data = fh.read()
        if len(data) <= 4096:
            imp.append(data)
    seen = set()
    for f in (os.path.join(FIX, "import", "valid.jsonl"), os.path.join(FIX, "vendor", "vendor.jsonl"),
              os.path.join(FIX, "xss", "xss.jsonl")):
        for x in lines(f):
            kind = json.loads(x).get("kind")
            if (f, kind) not in seen:
                seen.add((f, kind))
                imp.append(x + b"\n")
    imp.append(b"\xef\xbb\xbf" + lines(os.path.join(FIX, "import", "valid.jsonl"))[0] + b"\r\n\r\n  \n")
    with open(os.path.join(ROOT, "conf", "callreport.conf.example"), "rb") as fh:
        conf = [fh.read()]
    conf += [
        b"db = dbname=x\nno_such_key = 1\n", b"db = dbname=x\nmax_requests = many\n",
        # what tests/run.sh and scripts/demo.sh write
        b"# generated by tests/run.sh\ndb = host=/tmp port=54355 dbname=callreport_test user=callreport_web\n"
        b"admin_db = host=/tmp port=54355 dbname=callreport_test user=callreport_admin\n"
        b"template_dir = /work/templates\nstatic_dir = /work/static\nrecordings_root = /work/tests/out/recordings\n"
        b"tmp_dir = /work/tests/out\nstatement_timeout = 5000\nmax_requests = 0\n",
        b"statement_timeout = 500\nsession_ttl = 1\nlogin_max_failures = 3\nbase_path = /reports\r\n",
        b"read_db = host=standby1,standby2,primary dbname=callreport target_session_attrs=prefer-standby\n"
        b"prepare = 0\nxlsx_rows_per_sheet = 10\ntrust_remote_user = 1\n",
        b"max_body = -1\n", b"= 5\n", b"justtext\n", b"max_body = 99999999999999999999\n",
        b"  # comment\n\n\tdb\t=\t\"quoted\"  \nmax_body=\x00 12\n",
    ]
    n = {
        "form": write("form", form),
        "json": write("json", js),
        "cookie": write("cookie", COOKIES),
        "route": write("route", route),
        "range": write("range", rng),
        "utf8": write("utf8", TEXTS + [q.encode() for q in QUERIES[-4:]]),
        "import": write("import", imp),
        "config": write("config", conf),
    }
    print(", ".join(f"{k}: {v}" for k, v in n.items()))


if __name__ == "__main__":
    main()
