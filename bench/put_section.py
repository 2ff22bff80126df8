#!/usr/bin/python3
"""put_section.py TITLE SECTION: puts SECTION into bench/results.md in place of the section
whose heading starts with TITLE (an earlier run's), else before the XLSX export's section
(bench/xlsx.sh keeps what comes before its own), else at the end."""
import re
import sys

title, section = sys.argv[1], sys.argv[2]
path = "bench/results.md"
old = open(path).read()
old = re.sub(re.escape(title) + r".*?(?=^## |\Z)", "", old, flags=re.S | re.M)
sec = section.rstrip() + "\n\n"
i = old.find("## XLSX export")
open(path, "w").write(old + "\n" + sec if i < 0 else old[:i] + sec + old[i:])
