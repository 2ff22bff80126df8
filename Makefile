# callreport: report generator for AI outbound-call platforms.
# make            build bin/callreport and bin/callreport.fcgi
# make demo       install what is missing, build, start PostgreSQL + lighttpd on :8080 with demo data
# make stop       stop the demo servers
# make check      install what is missing, build, run every test suite (the fuzz harnesses
#                 briefly; the analyzer, and the sanitized build on the unit tests and the
#                 suites of every format: tests/sanitize/run.sh quick)
# make fuzz       run every fuzz harness FUZZ_SECONDS (60) each (tests/fuzz/, docs/security.md)
# make check-sanitize  the static analyzer, then both programs built with ASan+UBSan
#                 (build/san/) through the unit tests and the whole functional suite,
#                 and valgrind on the import and export of demo data (tests/sanitize/)
# make bench      the benchmarks (see bench/)
# make install    the programs into $(DESTDIR)$(PREFIX)/bin, templates/ static/ sql/ and
#                 the sample configuration into $(DESTDIR)$(PREFIX)/share/callreport
# make uninstall  removes what install installed
# V=1 shows the commands; Makefile.local may override anything below.

PREFIX	?= /usr/local
NPROC	?= $(shell nproc 2>/dev/null || echo 2)
# Where the programs look for templates/ and static/ unless the configuration
# says otherwise: the checkout for bin/ (the demo and the tests run from it),
# INSTALL_DATADIR for the installed programs (make install builds its own).
DATADIR	?= $(CURDIR)
INSTALL_DATADIR ?= $(PREFIX)/share/callreport
SCALE	?= 0
PKGS	 = libpq json-c xlsxwriter libctemplate libcrypto fcgi
CC	?= cc
CXX	?= c++
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation \
	   -Icgi -Ibuild
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -Werror -Icgi
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrypt -lm
# libcurl: the command-line tool's alone (callreport sync, cgi/cli/upstream.c).
PKG_CFLAGS += $(shell pkg-config --cflags libcurl 2>/dev/null)
CLI_LIBS   = $(shell pkg-config --libs libcurl 2>/dev/null)

-include Makefile.local

ifeq ($(V),1)
Q =
else
Q = @
endif

# The C sources, one folder a layer (docs/architecture.md): an object a source,
# build/LAYER/NAME.o, with its header dependencies found by the compiler (-MMD).
LAYERS	= base store input report render web cli
SRC	= $(foreach l,$(LAYERS),$(wildcard cgi/$(l)/*.c))
OBJ	= $(patsubst cgi/%.c,build/%.o,$(SRC)) build/render/tpl.o build/sqltext.o
# The program's objects: everything but the command-line tool and the FastCGI main.
CORE_O	= $(filter-out build/cli/% build/web/main.o,$(OBJ))
CLI_O	= $(filter build/cli/%,$(OBJ))
SQL	= sql/schema.sql $(wildcard sql/reports/*.sql)

all: bin/callreport bin/callreport.fcgi

# One rule makes both files (a grouped target: run once, even under make -j).
build/sqltext.c build/sqltext.h &: $(SQL) scripts/embed-sql.sh
	@mkdir -p build
	$(Q)scripts/embed-sql.sh build/sqltext.c build/sqltext.h $(SQL)

# sqltext.h is made before any object (order-only); -MMD records who includes it.
build/%.o: cgi/%.c | build/sqltext.h
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# DATADIR is compiled into config.o alone (the defaults of template_dir and
# static_dir): build/datadir holds the value it was compiled with and changes
# only with it, so that "make DATADIR=..." rebuilds config.o and nothing else.
# The installed programs link build/install/base/config.o instead, compiled
# with INSTALL_DATADIR; every other object is shared.
build/base/config.o: cgi/base/config.c build/datadir | build/sqltext.h
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  CC      $< (DATADIR=$(DATADIR))" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -DDATADIR='"$(DATADIR)"' -MMD -MP -c -o $@ $<

build/install/base/config.o: cgi/base/config.c build/install/datadir | build/sqltext.h
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  CC      $< (DATADIR=$(INSTALL_DATADIR))" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -DDATADIR='"$(INSTALL_DATADIR)"' -MMD -MP -c -o $@ $<

# A file whose content is $(1), rewritten only when that changes.
define stamp
	@mkdir -p $(@D)
	@echo '$(1)' | cmp -s - $@ || echo '$(1)' > $@
endef

build/datadir: FORCE
	$(call stamp,$(DATADIR))

build/install/datadir: FORCE
	$(call stamp,$(INSTALL_DATADIR))

build/sqltext.o: build/sqltext.c
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

build/render/tpl.o: cgi/render/tpl.cc
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  CXX     $<" || true
	$(Q)$(CXX) $(CXXFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

bin/callreport.fcgi: $(CORE_O) build/web/main.o
	@mkdir -p bin
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CXX) -o $@ $^ $(PKG_LIBS)

bin/callreport: $(CLI_O) $(CORE_O)
	@mkdir -p bin
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CXX) -o $@ $^ $(PKG_LIBS) $(CLI_LIBS)

INSTALL_O = $(filter-out build/base/config.o,$(CORE_O)) build/install/base/config.o

build/install/callreport.fcgi: $(INSTALL_O) build/web/main.o
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CXX) -o $@ $^ $(PKG_LIBS)

build/install/callreport: $(CLI_O) $(INSTALL_O)
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(CXX) -o $@ $^ $(PKG_LIBS) $(CLI_LIBS)

-include $(OBJ:.o=.d) build/install/base/config.d

deps:
	$(Q)scripts/deps.sh build

demo:
	$(Q)scripts/deps.sh demo
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)scripts/demo.sh start $(SCALE)

stop:
	$(Q)scripts/demo.sh stop

check:
	$(Q)scripts/deps.sh check
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all tests/unit/run fuzz-build san-build
	$(Q)tests/fuzz/run.sh check
	$(Q)tests/sanitize/run.sh quick
	$(Q)tests/run.sh

# The sanitized programs against the whole suite (tests/sanitize/run.sh; README, "Tests").
check-sanitize:
	$(Q)scripts/deps.sh check
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all san-build
	$(Q)tests/sanitize/run.sh full

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)bench/run.sh

# make bench-xlsx: the XLSX export against bare libxlsxwriter and Python (bench/xlsx.sh).
bench-xlsx:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all bench/xlsx_bare
	$(Q)bench/xlsx.sh

# It links the program's objects for its report table (reports[]) and SQL texts.
bench/xlsx_bare: bench/xlsx_bare.c $(CORE_O)
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o build/xlsx_bare.o $<
	$(Q)$(CXX) -o $@ build/xlsx_bare.o $(filter-out $<,$^) $(PKG_LIBS)

UNIT	= $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
tests/unit/run: $(UNIT)
	@printf '#!/bin/sh\nset -e\nfor t in $(UNIT:tests/unit/%=%); do "$$(dirname "$$0")/$$t"; done\n' > $@
	@chmod +x $@

# A unit test links the lower layers' objects (base, store, input, the overview
# parts, the SQL texts) and the LINK_test_NAME ones it needs besides; one that
# includes a source whole for its static functions stubs what that one calls.
# Its dependency file names the test (-MT), not its .o, which no rule makes: a
# change to a header or to a source it includes whole rebuilds it.
UNIT_O	= $(filter build/base/% build/store/% build/input/% build/report/overview.o build/sqltext.o,$(OBJ))
# A test's LINK_ objects are its prerequisites too (below): built first under
# make -j, relinked when changed.
LINK_test_import   = build/cli/tenant.o
LINK_test_zip      = build/cli/zip.o
LINK_test_route    = build/web/route.o
LINK_test_form     = build/web/form.o
LINK_test_envelope = build/render/envelope.o
LINK_test_csv      = build/render/file.o
LINK_test_xlsx     = build/render/file.o
LINK_test_message  = build/render/message.o
LINK_test_report   = $(filter-out $(UNIT_O),$(filter build/report/% build/render/%,$(OBJ)))
tests/unit/test_%: tests/unit/test_%.c $(UNIT_O) tests/unit/ctest.h
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -MMD -MP -MT $@ -c -o $@.o $<
	$(Q)$(CXX) -o $@ $@.o $(UNIT_O) $(LINK_$(@F)) $(PKG_LIBS)
# A test's LINK_ objects are its prerequisites too: built first, relinked when changed.
$(foreach t,$(UNIT),$(eval $(t): $(LINK_$(notdir $(t)))))

-include $(UNIT:=.d)

# The fuzz harnesses (tests/fuzz/fuzz_NAME.c; docs/security.md, "Fuzzing"): libFuzzer
# with AddressSanitizer and UBSan (any report is fatal), linked against the program's
# sources compiled with the same flags into build/fuzz/ (never the gcc objects of
# build/). The sources are one archive, so a harness links only what it uses; the
# command-line tool's are not in it (fuzz_import includes cli/import.c whole), but
# for what import.c calls of it (cli/tenant.c).
FUZZ_CC	 ?= clang
FUZZ_CXX ?= clang++
FUZZ_SAN  = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -std=c11 -D_GNU_SOURCE \
	   -Wall -Wextra -Werror -Wno-unused-parameter -DDATADIR='"$(DATADIR)"' -Icgi -Ibuild
FUZZ_CXXFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -std=c++17 -Wall -Wextra -Werror -Icgi
FUZZ_SECONDS ?= 60
FUZZ	= $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_O	= $(patsubst cgi/%.c,build/fuzz/obj/%.o,$(filter-out cgi/cli/% cgi/web/main.c,$(SRC)) \
	  cgi/cli/tenant.c) \
	  build/fuzz/obj/render/tpl.o build/fuzz/obj/sqltext.o

# $(call variant,DIR,TAG,CC,CXX,CFLAGS,CXXFLAGS): the rules that compile the program's
# sources into DIR/LAYER/NAME.o with other compilers and flags (the fuzz, sanitized
# and analyzed builds), never into build/ itself.
define variant
$(1)/%.o: cgi/%.c | build/sqltext.h
	@mkdir -p $$(@D)
	@[ -n "$$(Q)" ] && echo "  $(2)CC  $$<" || true
	$$(Q)$(3) $(5) $$(PKG_CFLAGS) -MMD -MP -c -o $$@ $$<

$(1)/render/tpl.o: cgi/render/tpl.cc
	@mkdir -p $$(@D)
	@[ -n "$$(Q)" ] && echo "  $(2)CXX $$<" || true
	$$(Q)$(4) $(6) $$(PKG_CFLAGS) -MMD -MP -c -o $$@ $$<

$(1)/sqltext.o: build/sqltext.c
	@mkdir -p $$(@D)
	$$(Q)$(3) $(5) -c -o $$@ $$<
endef
$(eval $(call variant,build/fuzz/obj,FUZZ,$$(FUZZ_CC),$$(FUZZ_CXX),$$(FUZZ_CFLAGS),$$(FUZZ_CXXFLAGS)))

build/fuzz/libcallreport.a: $(FUZZ_O)
	$(Q)rm -f $@ && ar rcs $@ $^

# The route table the program routes with, read from cgi/web/app.c.
build/fuzz/routes.h: cgi/web/app.c tests/fuzz/routes.sh
	@mkdir -p $(@D)
	$(Q)tests/fuzz/routes.sh cgi/web/app.c $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libcallreport.a build/fuzz/routes.h
	@[ -n "$(Q)" ] && echo "  FUZZ    $@" || true
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -Itests/fuzz -Ibuild/fuzz \
	    -MMD -MP -MT $@ -MF build/fuzz/obj/$(@F).d -c -o build/fuzz/obj/$(@F).o $<
	$(Q)$(FUZZ_CXX) $(FUZZ_SAN) -o $@ build/fuzz/obj/$(@F).o build/fuzz/libcallreport.a $(PKG_LIBS)

-include $(FUZZ_O:.o=.d) $(FUZZ:build/fuzz/%=build/fuzz/obj/%.d)

fuzz-build: $(FUZZ)

# The sanitized build (tests/sanitize/run.sh; README, "Tests"): both programs and the
# unit tests with AddressSanitizer and UBSan (any UB is fatal: -fno-sanitize-recover),
# in build/san/ (bin/ the programs, unit/ the tests, obj/ the objects). Each program
# links tests/sanitize/options.c, the sanitizers' defaults: reports to files
# SAN_LOG/PROGRAM.PID (tests/sanitize/run.sh fails on any), leaks looked for in the
# command-line tool and the unit tests, not in the FastCGI program (the file says why).
SAN_CC	 ?= clang
SAN_CXX	 ?= clang++
SAN	  = -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LOG	 ?= $(CURDIR)/var/san
SAN_CFLAGS = -O1 -g -fno-omit-frame-pointer $(SAN) -std=c11 -D_GNU_SOURCE \
	   -Wall -Wextra -Werror -Wno-unused-parameter -DDATADIR='"$(DATADIR)"' -Icgi -Ibuild
SAN_CXXFLAGS = -O1 -g -fno-omit-frame-pointer $(SAN) -std=c++17 -Wall -Wextra -Werror -Icgi
san	  = $(patsubst build/%,build/san/obj/%,$(1))
SAN_UNIT  = $(UNIT:tests/unit/%=build/san/unit/%)
$(eval $(call variant,build/san/obj,SAN,$$(SAN_CC),$$(SAN_CXX),$$(SAN_CFLAGS),$$(SAN_CXXFLAGS)))

build/san/obj/options-%.o: tests/sanitize/options.c build/san/log
	@mkdir -p $(@D)
	$(Q)$(SAN_CC) $(SAN_CFLAGS) -DSAN_LOG='"$(SAN_LOG)"' -DSAN_PROG='"$*"' \
	    -DSAN_LEAKS=$(if $(filter fcgi,$*),0,1) -c -o $@ $<

build/san/log: FORCE
	$(call stamp,$(SAN_LOG))

build/san/bin/callreport: $(call san,$(CLI_O) $(CORE_O)) build/san/obj/options-cli.o
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(SAN_CXX) $(SAN) -o $@ $^ $(PKG_LIBS) $(CLI_LIBS)

build/san/bin/callreport.fcgi: $(call san,$(CORE_O) build/web/main.o) build/san/obj/options-fcgi.o
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  LINK    $@" || true
	$(Q)$(SAN_CXX) $(SAN) -o $@ $^ $(PKG_LIBS)

build/san/unit/test_%: tests/unit/test_%.c $(call san,$(UNIT_O)) build/san/obj/options-unit.o tests/unit/ctest.h
	@mkdir -p $(@D)
	@[ -n "$(Q)" ] && echo "  SANCC   $<" || true
	$(Q)$(SAN_CC) $(SAN_CFLAGS) $(PKG_CFLAGS) -Itests/unit -MMD -MP -MT $@ -c -o $@.o $<
	$(Q)$(SAN_CXX) $(SAN) -o $@ $@.o $(call san,$(UNIT_O) $(LINK_$(@F))) \
	    build/san/obj/options-unit.o $(PKG_LIBS)
$(foreach t,$(SAN_UNIT),$(eval $(t): $(call san,$(LINK_$(notdir $(t))))))

build/san/unit/run: $(SAN_UNIT)
	@printf '#!/bin/sh\nset -e\nfor t in $(UNIT:tests/unit/%=%); do "$$(dirname "$$0")/$$t"; done\n' > $@
	@chmod +x $@

-include $(call san,$(OBJ:.o=.d)) $(SAN_UNIT:=.d)

san-build: build/san/bin/callreport build/san/bin/callreport.fcgi build/san/unit/run \
	build/san/obj/options-unit.o

# The static analyzer's build (tests/sanitize/run.sh scan, under scan-build, which
# sets CC and CXX to its own compilers): every source compiled afresh into build/scan/.
SCAN_CFLAGS = $(CFLAGS) -DDATADIR='"$(DATADIR)"'
$(eval $(call variant,build/scan/obj,SCAN,$$(CC),$$(CXX),$$(SCAN_CFLAGS),$$(CXXFLAGS)))
scan-objs: $(patsubst build/%,build/scan/obj/%,$(OBJ))

# make fuzz [FUZZ_SECONDS=1800] [FUZZ_ONLY="json form"]: new inputs go to
# build/fuzz/corpus/NAME/, findings to build/fuzz/crashes/NAME/.
fuzz:
	$(Q)scripts/deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_ONLY)

clean:
	rm -rf build bin tests/unit/run $(UNIT) $(UNIT:=.o) $(UNIT:=.d) bench/xlsx_bare

# The data directory is the project's own: what an earlier install put in
# templates/, static/ and sql/ goes first, so no removed template lingers (the
# program reads every *.tpl of template_dir). The sample configuration goes
# there too, never to /etc: an installed /etc/callreport.conf is the operator's.
SHARE	= $(DESTDIR)$(INSTALL_DATADIR)
install: build/install/callreport build/install/callreport.fcgi
	@[ -n "$(Q)" ] && echo "  INSTALL $(DESTDIR)$(PREFIX)/bin, $(SHARE)" || true
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)
	$(Q)install -m 755 build/install/callreport build/install/callreport.fcgi $(DESTDIR)$(PREFIX)/bin/
	$(Q)for d in templates static sql; do \
		rm -rf "$(SHARE)/$$d" && \
		find "$$d" -type f | while read -r f; do \
			install -D -m 644 "$$f" "$(SHARE)/$$f" || exit 1; \
		done || exit 1; \
	done
	$(Q)install -m 644 conf/callreport.conf.example $(SHARE)/

uninstall:
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/callreport $(DESTDIR)$(PREFIX)/bin/callreport.fcgi
	$(Q)rm -rf $(SHARE)/templates $(SHARE)/static $(SHARE)/sql
	$(Q)rm -f $(SHARE)/callreport.conf.example
	$(Q)rmdir $(SHARE) 2>/dev/null || true

FORCE:

.PHONY: all deps demo stop check check-sanitize bench bench-xlsx fuzz fuzz-build san-build scan-objs \
	clean install uninstall FORCE
