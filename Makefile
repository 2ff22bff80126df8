# callreport: report generator for AI outbound-call platforms.
# make            build bin/callreport and bin/callreport.fcgi
# make demo       install what is missing, build, start PostgreSQL + lighttpd on :8080 with demo data
# make stop       stop the demo servers
# make check      install what is missing, build, run every test suite
# make bench      the benchmarks (see bench/)
# V=1 shows the commands; Makefile.local may override anything below.

PREFIX	?= /usr/local
DATADIR	?= $(CURDIR)
SCALE	?= 0
PKGS	 = libpq json-c xlsxwriter libctemplate libcrypto fcgi
CC	?= cc
CXX	?= c++
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation \
	   -DDATADIR='"$(DATADIR)"' -Icgi -Ibuild
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -Werror -Icgi
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrypt

-include Makefile.local

ifeq ($(V),1)
Q =
else
Q = @
endif

CORE	= util json input valid config db auth overview_parts
WEB	= app http report reports render_json render_html render_xlsx pages overview
CLI	= cli import demogen export
CORE_O	= $(CORE:%=build/%.o) build/sqltext.o
WEB_O	= $(WEB:%=build/%.o) build/tpl.o
CLI_O	= $(CLI:%=build/%.o)
SQL	= sql/schema.sql $(wildcard sql/reports/*.sql)

all: bin/callreport bin/callreport.fcgi

build/sqltext.c build/sqltext.h: $(SQL) scripts/embed-sql.sh
	@mkdir -p build
	$(Q)scripts/embed-sql.sh build/sqltext.c build/sqltext.h $(SQL)

build/%.o: cgi/%.c build/sqltext.h $(wildcard cgi/*.h)
	@mkdir -p build
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/sqltext.o: build/sqltext.c
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

build/tpl.o: cgi/tpl.cc cgi/tpl.h cgi/util.h
	@mkdir -p build
	@[ -n "$(Q)" ] && echo "  CXX     $<" || true
	$(Q)$(CXX) $(CXXFLAGS) $(PKG_CFLAGS) -c -o $@ $<

bin/callreport.fcgi: $(WEB_O) $(CORE_O)
	@mkdir -p bin
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CXX) -o $@ $^ $(PKG_LIBS)

build/app_lib.o: cgi/app.c build/sqltext.h $(wildcard cgi/*.h)
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -DCR_NO_MAIN -c -o $@ $<

bin/callreport: $(CLI_O) $(CORE_O) build/app_lib.o $(filter-out build/app.o,$(WEB_O))
	@mkdir -p bin
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CXX) -o $@ $^ $(PKG_LIBS)

deps:
	$(Q)scripts/deps.sh build

demo:
	$(Q)scripts/deps.sh demo
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh start $(SCALE)

stop:
	$(Q)scripts/demo.sh stop

check:
	$(Q)scripts/deps.sh check
	$(Q)$(MAKE) --no-print-directory all tests/unit/run
	$(Q)tests/run.sh

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run.sh

# make bench-xlsx: the XLSX export against bare libxlsxwriter and Python (bench/xlsx.sh).
bench-xlsx:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all bench/xlsx_bare
	$(Q)bench/xlsx.sh

# It links the program's objects for its report table (reports[]) and SQL texts.
bench/xlsx_bare: bench/xlsx_bare.c $(filter-out build/app.o,$(WEB_O)) $(CORE_O)
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o build/xlsx_bare.o $<
	$(Q)$(CXX) -o $@ build/xlsx_bare.o $(filter-out $<,$^) $(PKG_LIBS)

UNIT	= $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
tests/unit/run: $(UNIT)
	@printf '#!/bin/sh\nset -e\nfor t in $(UNIT:tests/unit/%=%); do "$$(dirname "$$0")/$$t"; done\n' > $@
	@chmod +x $@

tests/unit/test_%: tests/unit/test_%.c $(CORE_O) tests/unit/ctest.h
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ $< $(CORE_O) $(PKG_LIBS)

# test_xlsx includes the renderer for its static functions.
tests/unit/test_xlsx: cgi/render_xlsx.c

clean:
	rm -rf build bin tests/unit/run $(UNIT) bench/xlsx_bare

.PHONY: all deps demo stop check bench bench-xlsx clean
