"""The rule for SQL kept for older workers (docs/deploy.md, "Upgrades and SQL
kept for older workers"): an object that the workers of the previous minor
version still call is kept, marked on a line of its own in sql/ with

    -- kept for workers before X.Y: remove in X.(Y+1)

and is gone by version X.(Y+1). This fails once CALLREPORT_VERSION
(cgi/base/version.h) has reached the removal version of a marker that is still
there, and on a marker that is not in that form. Reads files only: no server,
no database."""
import glob
import os
import re

from conftest import ROOT, VERSION

MARKER = re.compile(r"-- kept for workers before (\d+)\.(\d+): remove in (\d+)\.(\d+)")
# A line that means to be a marker: a misspelt one must not escape the rule.
MENTION = re.compile(r"\bkept\b.*\bworkers?\b", re.I)


def problems(version, files):
    """version: (major, minor, patch); files: {name: text}. Returns a message for
    every marker that breaks the rule, [] when none does."""
    out = []
    for name, text in sorted(files.items()):
        for n, line in enumerate(text.splitlines(), 1):
            if not MENTION.search(line):
                continue
            m = MARKER.fullmatch(line.strip())
            if m is None:
                out.append(f"{name}:{n}: not a marker of the form "
                           f"'-- kept for workers before X.Y: remove in X.(Y+1)': {line.strip()}")
                continue
            before = (int(m[1]), int(m[2]))
            remove = (int(m[3]), int(m[4]))
            if remove != (before[0], before[1] + 1):
                out.append(f"{name}:{n}: kept for workers before {m[1]}.{m[2]} is removed in "
                           f"{m[1]}.{before[1] + 1}, the next minor version, not {m[3]}.{m[4]}")
            elif tuple(version[:2]) >= remove:
                out.append(f"{name}:{n}: version {'.'.join(map(str, version))} has reached "
                           f"{m[3]}.{m[4]}: drop what this marks (DROP ... IF EXISTS, so that "
                           f"migrate drops it from existing databases) and the marker")
    return out


def sql_files():
    files = {}
    for p in sorted(glob.glob(os.path.join(ROOT, "sql", "**", "*.sql"), recursive=True)):
        with open(p, encoding="utf-8") as f:
            files[os.path.relpath(p, ROOT)] = f.read()
    return files


def test_version_constant():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)


def test_sql_kept_for_older_workers_is_removed_in_time():
    files = sql_files()
    assert "sql/schema.sql" in files
    found = problems(tuple(map(int, VERSION.split("."))), files)
    assert not found, "\n".join(found)


def test_the_rule_fails_when_due():
    """The check itself, on made-up files: it must be able to fail."""
    kept = {"sql/schema.sql": "CREATE TABLE t (i int);\n"
            "-- kept for workers before 0.9: remove in 0.10\n"
            "CREATE OR REPLACE FUNCTION old_f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"}
    assert problems((0, 9, 0), kept) == []
    assert problems((0, 9, 7), kept) == []
    assert [p.split(": ")[0] for p in problems((0, 10, 0), kept)] == ["sql/schema.sql:2"]
    assert "has reached 0.10" in problems((0, 10, 0), kept)[0]
    assert len(problems((1, 0, 0), kept)) == 1
    # the removal is the next minor version, nothing later
    late = {"a.sql": "-- kept for workers before 0.9: remove in 0.11\n"}
    assert "the next minor version" in problems((0, 9, 0), late)[0]
    assert "the next minor version" in problems((0, 9, 0), {"a.sql": "-- kept for workers before 1.0: remove in 2.0\n"})[0]
    # a marker not in the form is an error, not a line the check skips
    for bad in ("-- Kept for workers before 0.9, remove in 0.10",
                "-- kept for older workers before 0.9: remove in 0.10",
                "-- kept for workers before 0.9: remove in 0.10 (callreport_x)",
                "SELECT 1; -- kept for workers before 0.9: remove in 0.10"):
        assert "not a marker" in problems((0, 9, 0), {"a.sql": bad + "\n"})[0], bad
    assert problems((0, 10, 0), {"a.sql": "-- kept one release for the workers of 0.8\n"})
