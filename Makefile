# wfm: one non-recursive Makefile. Objects in $(BUILD)/ mirror src/.
# `make` builds the three programs; `make test` runs every test; see README.

PKGS	 = fcgi json-c libmariadb libjwt uuid libcurl inih libcrypto libpcre2-8
BUILD	?= build
CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla -Wcast-qual
CPPFLAGS += -Iinclude -D_GNU_SOURCE -MMD -MP \
	   $(shell pkg-config --cflags $(PKGS) cunit 2>/dev/null)
override CFLAGS += -std=c17 $(WARN) $(SAN)
LDFLAGS	+= $(SAN)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

PREFIX	?= /usr/local
DESTDIR	?=
# [http] base_path of the installed wfm.conf, for the console's config.json.
BASE_PATH ?= /api/v1

# Every source file except the three mains goes into one static library.
MAINS	 = src/http/http_main.c src/supervisor/sup_main.c src/ctl/ctl_main.c
LIBSRC	 = $(filter-out $(MAINS), $(wildcard src/*/*.c))
LIBOBJ	 = $(LIBSRC:src/%.c=$(BUILD)/obj/%.o)
LIB	 = $(BUILD)/libwfm.a
UNITSRC	 = $(wildcard tests/unit/*.c)
UNITOBJ	 = $(UNITSRC:tests/%.c=$(BUILD)/obj/tests/%.o)
E2ESRC	 = $(wildcard tests/e2e/*.c)
E2EOBJ	 = $(E2ESRC:tests/%.c=$(BUILD)/obj/tests/%.o)
BINS	 = $(BUILD)/bin/wfm-fcgi $(BUILD)/bin/wfm-supervisor $(BUILD)/bin/wfmctl

all: $(BINS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Tests (and fuzz drivers) reach the private headers of the module they test.
TEST_INC = -Isrc/http -Isrc/supervisor -Isrc/store

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_INC) $(CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(LIB): $(LIBOBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(BUILD)/bin/wfm-fcgi: $(BUILD)/obj/http/http_main.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/wfm-supervisor: $(BUILD)/obj/supervisor/sup_main.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# wfmctl migrate finds the installed sql/ by default.
$(BUILD)/obj/ctl/ctl_main.o: CPPFLAGS += \
	-DSQL_DIR_DEFAULT='"$(PREFIX)/share/wfm/sql"'

$(BUILD)/bin/wfmctl: $(BUILD)/obj/ctl/ctl_main.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNITOBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cunit)

$(BUILD)/e2e-tests: $(E2EOBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cunit) \
	    -lpthread

# The unit tests need no server; they find tests/ from the repo root.
check-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

check-valgrind: $(BUILD)/unit-tests
	WFM_UNDER_VALGRIND=1 valgrind -q --leak-check=full \
	    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=1 --trace-children=no $(BUILD)/unit-tests

# ASan + UBSan over the unit tests, then over the end-to-end tests with
# every program of the stack built the same way (any report aborts the
# process, which fails the tests). Leak checks run on the unit tests;
# the servers end with _exit in their children.
ASAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
check-asan:
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g" SAN="$(ASAN)" \
	    check-unit all build-asan/e2e-tests
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	    WFM_E2E_VAR=$(CURDIR)/var/test-asan WFM_E2E_PORT=18097 \
	    bash tests/e2e/run.sh build-asan

# Both compilers must stay warning-free.
check-clang:
	$(MAKE) BUILD=build-clang CC=clang all build-clang/unit-tests

# End-to-end: start a private stack (var/test, port 18080), run, stop.
check-e2e: all $(BUILD)/e2e-tests
	bash tests/e2e/run.sh $(BUILD)
	bash tests/e2e/fault_disk.sh $(BUILD)

# The web console in a real browser (chromium headless through nginx, a
# private stack under var/test-console, port 18090; screenshots in
# var/test/console/).
check-console: all
	bash tests/console/run.sh $(BUILD)

# Deployment recipes run for real (var/deploy, ports 18180-18182): systemd
# units, nginx and Apache (proxy_fcgi, fcgid, CGI) answering alike, and
# graceful reload and stop. Every script runs; any failure fails the target.
# The PHP client (clients/php): PHPUnit, its unit tests, then its
# integration tests against a private stack (var/test-php, port 18085).
check-php: all
	bash tests/php/run.sh $(BUILD)

check-deploy: all
	@rc=0; for t in systemd apache graceful tcp reload; do \
	    echo "== tests/deploy/$$t.sh"; \
	    bash tests/deploy/$$t.sh $(BUILD) || rc=1; done; exit $$rc

FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 5
# The library is built once with coverage instrumentation, then linked
# into each libFuzzer driver.
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="-O1 -g" \
	    SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" build-fuzz/libwfm.a
	@for t in $(FUZZ_TARGETS); do \
	    echo "clang $$t"; \
	    clang -std=c17 -g -O1 -Werror $(CPPFLAGS) $(TEST_INC) -fsanitize=fuzzer $(FUZZ_SAN) \
	    -o build-fuzz/$$t tests/fuzz/$$t.c build-fuzz/libwfm.a \
	    $(LDLIBS) || exit 1; done

# A short run of every target over its corpus (make test); make fuzz for long.
check-fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz: fuzz-build
	bash tests/fuzz/run.sh $${FUZZ_SECONDS:-600} $(FUZZ_TARGETS)

deps:
	bash deploy/local/deps.sh

up: deps all
	bash deploy/local/stack.sh up

down:
	bash deploy/local/stack.sh down

run: deps all
	bash deploy/local/stack.sh run

# The bench also installs its peers' packages (PHP-FPM, FastAPI): deps.sh
# --bench; `make deps`, `make test` and CI do not need them.
bench:
	bash deploy/local/deps.sh --bench
	$(MAKE) all
	$(MAKE) $(BUILD)/bench-schema
	bash tests/bench/run.sh $(BUILD)
	$(BUILD)/bench-schema

# Validation time of a 30-field Pydantic schema (tests/bench/bench_schema.c).
# The schema and its valid instance are in tests/bench/schema_order.json,
# which tests/bench/run.sh also reads (its execute (schema) load).
$(BUILD)/bench-schema: tests/bench/bench_schema.c tests/bench/schema_order.json $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) \
	    -DBENCH_SCHEMA_FILE='"$(CURDIR)/tests/bench/schema_order.json"' \
	    -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

bench-schema: $(BUILD)/bench-schema
	$(BUILD)/bench-schema

# Man pages (mdoc): mandoc must find nothing at warning level or above,
# and wfm.conf(5) must list the keys and defaults of config.c and of
# deploy/wfm.conf.example (tests/man/check_conf_keys.sh, with its test).
MAN5	 = docs/man/wfm.conf.5 docs/man/wfm-template.5
MAN8	 = docs/man/wfm-fcgi.8 docs/man/wfm-supervisor.8 docs/man/wfmctl.8
check-man:
	mandoc -Tlint -Wwarning $(MAN5) $(MAN8)
	bash tests/man/check_conf_keys.sh
	bash tests/man/check_conf_keys_test.sh

# The layer rules of docs/architecture.md ("Rules between folders"):
# the check's own test, then the check on src/ and include/.
check-layers:
	bash tests/check_layers_test.sh
	bash tests/check_layers.sh

# Commit subjects after c9284ae fit in 72 characters (skips without git).
check-commits:
	bash tests/check_commits.sh

# Chaos soak, not part of make test: about 10 minutes of load while
# supervisors, workers and MariaDB are killed or restarted at random
# (CHAOS_SECONDS=60 for a short run; figures in var/chaos/results.json).
check-chaos: all
	nice -n 10 bash tests/chaos/run.sh $(BUILD)

# Several hosts, a read replica and Galera for real on loopback
# (var/cluster-*, ports 19280-19287 and 19290-19323): three wfm-fcgi
# masters and supervisors behind one nginx under kills
# (tests/cluster/hosts.sh, CLUSTER_N executions, 300 by default), a
# primary with an async replica (tests/cluster/replica.sh), a 3-node
# Galera cluster with two hosts racing on two nodes and a kill -9 of the
# writer node (tests/cluster/galera.sh, about 50 s), and the full workload
# of the spec with 1,000 executions (tests/cluster/full.sh: three hosts on
# Galera, a supervisor, a master and the writer node killed).
check-cluster-short: all
	@rc=0; for t in hosts replica galera; do \
	    echo "== tests/cluster/$$t.sh"; \
	    bash tests/cluster/$$t.sh $(BUILD) || rc=1; done; \
	echo "== tests/cluster/full.sh (1,000 executions)"; \
	CLUSTER_N=1000 bash tests/cluster/full.sh $(BUILD) || rc=1; exit $$rc

# The full workload of the spec (10,000 executions, three hosts on a
# 3-node Galera cluster, three kills): not in make test (see docs/scaling.md).
check-cluster: all
	bash tests/cluster/full.sh $(BUILD)

# Schedules, the issue's long forms (not in make test; the e2e suite
# Sched has the short ones): two supervisors on one database firing 500
# schedules every 10 s for a minute, each fire exactly once (about 90 s);
# and the supervisor stopped for 3 minutes with one schedule per catch-up
# policy, the exact fires of each (about 4 minutes). A private stack as
# check-e2e's (WFM_E2E_VAR, WFM_E2E_PORT).
check-sched-soak: all $(BUILD)/e2e-tests
	WFM_E2E_LONG=1 bash tests/e2e/run.sh $(BUILD) SchedSoak
check-sched-downtime: all $(BUILD)/e2e-tests
	WFM_E2E_LONG=1 bash tests/e2e/run.sh $(BUILD) SchedDowntime

# make test: install what is missing, build with gcc and clang, then every
# test: unit (plain and under valgrind), sanitizers, e2e, fuzz.
test: deps
	$(MAKE) all
	$(MAKE) check-unit
	$(MAKE) check-layers
	$(MAKE) check-commits
	$(MAKE) check-cppcheck
	$(MAKE) check-tidy
	$(MAKE) check-clang
	$(MAKE) check-valgrind
	$(MAKE) check-asan
	$(MAKE) check-e2e
	$(MAKE) check-console
	$(MAKE) check-php
	$(MAKE) check-deploy
	$(MAKE) check-cluster-short
	$(MAKE) check-fuzz
	$(MAKE) check-man
	$(MAKE) check-deb

# Programs, schema, and the deployment files under $(PREFIX)/share/wfm
# (copied into /etc by the administrator: see README, "Production"), with
# the paths they name rewritten for PREFIX.
SHARE	 = $(DESTDIR)$(PREFIX)/share/wfm
INSTSED	 = sed -e 's|/usr/local/bin/|$(PREFIX)/bin/|g' \
	    -e 's|/usr/share/wfm/|$(PREFIX)/share/wfm/|g' \
	    -e 's|/usr/local/share/doc/wfm/|$(PREFIX)/share/doc/wfm/|g'
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/sql $(SHARE)/nginx \
	    $(SHARE)/nginx-errors $(SHARE)/apache $(SHARE)/systemd \
	    $(DESTDIR)$(PREFIX)/share/doc/wfm
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 sql/*.sql $(SHARE)/sql/
	install -m 0644 deploy/wfm.conf.example $(SHARE)/
	install -m 0644 deploy/nginx/errors/*.json $(SHARE)/nginx-errors/
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/wfm/
	for f in deploy/nginx/*.conf deploy/apache/* deploy/systemd/*; do \
	    d=$(SHARE)/$${f#deploy/}; $(INSTSED) $$f >$$d || exit 1; \
	    chmod 0644 $$d; done
	chmod 0755 $(SHARE)/apache/wfm.fcgi
	install -d $(SHARE)/console/css $(SHARE)/console/js \
	    $(SHARE)/console/vendor
	install -m 0644 console/index.html console/favicon.svg $(SHARE)/console/
	install -m 0644 console/css/*.css $(SHARE)/console/css/
	install -m 0644 console/js/*.js $(SHARE)/console/js/
	install -m 0644 console/vendor/README.md $(SHARE)/console/vendor/
	printf '{"base_path": "%s"}\n' '$(BASE_PATH)' >$(SHARE)/console/config.json
	chmod 0644 $(SHARE)/console/config.json
	install -d $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8
	for f in $(MAN5) $(MAN8); do \
	    d=$(DESTDIR)$(PREFIX)/share/man/man$${f##*.}/$${f##*/}; \
	    $(INSTSED) -e 's|/usr/local/share/wfm/|$(PREFIX)/share/wfm/|g' \
	    $$f >$$d || exit 1; chmod 0644 $$d; done

# make deb: the Debian package (debian/; README, "Install from the
# package"), built and checked by lintian in a copy of the tree under
# build-deb/, where the .deb lands: nothing is written to the tree or its
# parent. check-deb installs it here and takes it through its life
# (tests/deploy/deb.sh; as root, nginx on 127.0.0.1:18190).
DEB_DIR	 = build-deb
deb:
	bash deploy/local/deps.sh --deb
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/wfm
	git ls-files -z --cached --others --exclude-standard | \
	    tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_DIR)/wfm
	cd $(DEB_DIR)/wfm && dpkg-buildpackage -us -uc -J2
	lintian --fail-on error,warning --info $(DEB_DIR)/wfm_*.changes

check-deb:
	bash tests/deploy/deb.sh

clean:
	rm -rf build build-asan build-clang build-fuzz build-deb

.PHONY: all check-unit check-valgrind check-asan check-clang check-e2e \
	check-deploy fuzz-build check-fuzz fuzz deps up down run bench \
	bench-schema test check-chaos check-php check-cluster \
	install clean check-man check-console deb check-deb \
	check-sched-soak check-sched-downtime check-layers check-commits

MAINOBJ	 = $(MAINS:src/%.c=$(BUILD)/obj/%.o)
-include $(LIBOBJ:.o=.d) $(MAINOBJ:.o=.d) $(UNITOBJ:.o=.d) $(E2EOBJ:.o=.d)

# Static analysis of src/ (cppcheck 2.10, clang-tidy 14), without a
# compilation database: the flags are the build's own. Each must print
# nothing and exit 0; suppressions carry their reasons in
# tests/cppcheck.supp and .clang-tidy.
ANALYZE_CFLAGS = -std=c17 -Iinclude -D_GNU_SOURCE \
	   $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
# cppcheck cannot parse json-c's json_object_object_foreach (statement
# expressions): it gets this plain equivalent instead.
CPPCHECK_FOREACH = \#define json_object_object_foreach(obj, key, val) \
	char *key = NULL; struct json_object *val = NULL; \
	for (; (obj) != NULL && key != NULL && val != NULL;)
CPPCHECK_FLAGS = -q -j2 --std=c11 --library=posix --library=gnu \
	   --enable=warning,style,performance,portability \
	   -D_GNU_SOURCE -D__GNUC__ -Iinclude \
	   --include=$(BUILD)/cppcheck/json-c.h \
	   --cppcheck-build-dir=$(BUILD)/cppcheck \
	   --suppress=missingIncludeSystem \
	   --suppressions-list=tests/cppcheck.supp --inline-suppr \
	   --error-exitcode=1 \
	   --template='{file}:{line}: {severity}: {message} [{id}]'

check-cppcheck:
	@mkdir -p $(BUILD)/cppcheck
	@printf '%s\n' '$(CPPCHECK_FOREACH)' >$(BUILD)/cppcheck/json-c.h
	cppcheck $(CPPCHECK_FLAGS) src/

# Findings of clang-tidy known to be false, as file:check pairs dropped
# from the report (none today; http_exec.c's went with the typed list).
TIDY_KNOWN =
TIDY_SRC = $(wildcard src/*/*.c)

# One clang-tidy per file, two at a time, each into its own file; then
# every diagnostic not in TIDY_KNOWN is printed with its notes, and any
# such diagnostic (or a file that does not compile) fails the target.
check-tidy:
	@rm -rf $(BUILD)/tidy && mkdir -p $(BUILD)/tidy
	@echo "clang-tidy $(words $(TIDY_SRC)) files"
	@printf '%s\n' $(TIDY_SRC) | xargs -P 2 -I{} sh -c \
	    'clang-tidy --quiet {} -- $(ANALYZE_CFLAGS) \
	    >$(BUILD)/tidy/$$(echo {} | tr / _).out 2>&1; true'
	@cat $(BUILD)/tidy/*.out | awk -v root='$(CURDIR)/' \
	    -v known='$(TIDY_KNOWN)' ' \
	    BEGIN { n = split(known, k, " "); \
		for (i = 1; i <= n; i++) skip[k[i]] = 1 } \
	    /^[^ ]+:[0-9]+:[0-9]+: (warning|error): / { \
		f = $$0; sub(/:[0-9]+:[0-9]+: .*/, "", f); \
		if (index(f, root) == 1) f = substr(f, length(root) + 1); \
		c = $$0; sub(/.*\[/, "", c); sub(/[],].*/, "", c); \
		show = !((f ":" c) in skip); bad += show } \
	    /warnings? generated\.$$|^Suppressed |^Use -header-filter/ { \
		show = 0; next } \
	    show { print } \
	    END { if (bad) printf "clang-tidy: %d finding(s)\n", bad; \
		exit bad > 0 }'

.PHONY: check-cppcheck check-tidy
