# Poise - build, run and test. `make run` and `make test` are the two
# commands of the README; both install missing Debian packages first.

CC ?= cc
BUILD := build
WARN := -Wall -Wextra -Werror -pedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2
BASE_CFLAGS := -std=c17 $(WARN) -D_GNU_SOURCE -fstack-protector-strong \
	-Isrc -I$(BUILD)/gen -I/usr/include/postgresql -MMD -MP
REL_CFLAGS := $(BASE_CFLAGS) -O2 -g
SAN_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
LIBS := -lmicrohttpd -ljansson -lsqlite3 -lpq -lsodium -lcurl -lhpdf -licui18n \
	-licuuc -lz -lpthread

# Node >= 20 runs two test files at once (one per core); older Node
# (Debian 12 ships 18) lacks the flag and runs them one by one.
NODE_TEST := node --test $(shell node -e \
	'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
	2>/dev/null && echo --test-concurrency=2)

SRCS := $(sort $(wildcard src/base/*.c src/core/*.c src/store/*.c \
	src/gateway/*.c src/financing/*.c src/app/*.c src/http/*.c src/jobs/*.c src/cli/*.c))
# Unit tests link everything but the CLI (which holds main).
LIB_SRCS := $(filter-out src/cli/%,$(SRCS))
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
GEN := $(BUILD)/gen/migrations.c
UNIT_SRCS := $(shell find tests/unit -name '*.c' 2>/dev/null | sort)

REL_OBJS := $(patsubst %.c,$(BUILD)/rel/%.o,$(SRCS) $(GEN))
SAN_OBJS := $(patsubst %.c,$(BUILD)/san/%.o,$(SRCS) $(GEN))
UNIT_OBJS := $(patsubst %.c,$(BUILD)/san/%.o,$(UNIT_SRCS) $(LIB_SRCS) $(GEN))
# The pricing engine's fuzz target needs only base and core.
FUZZ_LIB := $(filter src/base/% src/core/%,$(LIB_SRCS))
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/san/%.o,tests/fuzz/pricing_fuzz.c \
	tests/fuzz/driver.c $(FUZZ_LIB))

# The web app: web/ plus Preact and htm from the npm lockfile, copied as
# ES modules (the hooks module imports "preact" by name: point it at the
# file). Served by `poise serve` from memory; see src/http/static.c.
WEB_SRCS := $(shell find web -type f 2>/dev/null)
$(BUILD)/web/.built: $(WEB_SRCS) node_modules/.package-lock.json
	rm -rf $(BUILD)/web
	mkdir -p $(BUILD)/web/vendor
	cp -R web/. $(BUILD)/web/
	cp node_modules/preact/dist/preact.module.js $(BUILD)/web/vendor/preact.js
	sed 's#from"preact"#from"./preact.js"#g' \
		node_modules/preact/hooks/dist/hooks.module.js \
		> $(BUILD)/web/vendor/hooks.js
	cp node_modules/htm/dist/htm.module.js $(BUILD)/web/vendor/htm.js
	touch $@

web: $(BUILD)/web/.built

.PHONY: all run test deps web unit api api-sqlite api-pg checkstyle lint-openapi \
	bench bench-quick e2e crash crash-quick clean format fuzz fuzz-quick

all: $(BUILD)/poise

deps:
	@scripts/deps

$(GEN): tools/embed-migrations $(MIGRATIONS)
	@mkdir -p $(dir $@)
	tools/embed-migrations $@ $(MIGRATIONS)

# The generated migration table holds long string literals by design.
$(BUILD)/rel/$(BUILD)/gen/%.o $(BUILD)/san/$(BUILD)/gen/%.o: \
	EXTRA_CFLAGS := -Wno-overlength-strings

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(EXTRA_CFLAGS) -Itests/unit -c $< -o $@

$(BUILD)/poise: $(REL_OBJS)
	$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/poise-san: $(SAN_OBJS)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/unit_tests: $(UNIT_OBJS)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIBS)

# The pricing fuzz target with its plain driver (random inputs, corpus
# files), under ASan and UBSan: a short run is part of `make test`.
$(BUILD)/fuzz_pricing: $(FUZZ_OBJS)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIBS)

fuzz-quick: $(BUILD)/fuzz_pricing
	$(BUILD)/fuzz_pricing -runs=200000

# Coverage-guided fuzzing with libFuzzer (needs clang): make fuzz FUZZ_TIME=300
FUZZ_TIME ?= 60
fuzz:
	@mkdir -p $(BUILD)/fuzz-corpus
	clang -std=c17 -D_GNU_SOURCE -Isrc -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $(BUILD)/fuzz_pricing_lf \
		tests/fuzz/pricing_fuzz.c $(FUZZ_LIB) $(LIBS)
	$(BUILD)/fuzz_pricing_lf -max_total_time=$(FUZZ_TIME) $(BUILD)/fuzz-corpus

# The first of the two README commands: build, migrate, load the demo
# practice on first run, serve on http://127.0.0.1:8080.
run: deps $(BUILD)/poise web
	@mkdir -p var
	$(BUILD)/poise serve --db $${POISE_DB:-var/poise.db} --demo

# The second: build everything and run every test.
test:
	@scripts/deps
	@$(MAKE) --no-print-directory -j2 all web $(BUILD)/poise-san \
		$(BUILD)/unit_tests $(BUILD)/fuzz_pricing
	@$(MAKE) --no-print-directory unit fuzz-quick checkstyle lint-openapi api-sqlite \
		api-pg crash-quick e2e bench-quick
	@echo "make test: all passed"

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

checkstyle:
	tools/checkstyle

# build/unit_tests renders the receipt sample tests/api/receipts.test.js reads.
api-sqlite: $(BUILD)/poise-san $(BUILD)/unit_tests
	POISE_TEST_ENGINE=sqlite POISE_BIN=$(BUILD)/poise-san \
		$(NODE_TEST) tests/api/

# The PostgreSQL run: the store unit tests, then the whole API suite.
api-pg: $(BUILD)/poise-san $(BUILD)/unit_tests
	scripts/with-postgres sh -c '$(BUILD)/unit_tests ledger_store && \
		$(BUILD)/unit_tests sandbox && $(BUILD)/unit_tests jobs_ && \
		$(BUILD)/unit_tests financing && \
		POISE_TEST_ENGINE=postgres POISE_BIN=$(BUILD)/poise-san \
		$(NODE_TEST) tests/api/'

# Browser tests: Playwright driving Debian's chromium against a fresh demo.
e2e: $(BUILD)/poise web
	@scripts/deps --browser
	tests/e2e/run

bench-quick: $(BUILD)/poise
	bench/run --quick

# Crash storms while the server is killed with SIGKILL, on SQLite and on
# PostgreSQL: card payments (tests/crash/payments.js) and checkouts of
# invoices (tests/crash/checkout.js); each says what it checks.
CRASH_KILLS ?= 100
CHECKOUT_KILLS ?= 50
crash: $(BUILD)/poise
	node tests/crash/payments.js --kills $(CRASH_KILLS)
	node tests/crash/checkout.js --kills $(CHECKOUT_KILLS)
	scripts/with-postgres sh -c 'POISE_TEST_ENGINE=postgres \
		node tests/crash/payments.js --kills $(CRASH_KILLS) && \
		POISE_TEST_ENGINE=postgres \
		node tests/crash/checkout.js --kills $(CHECKOUT_KILLS)'

crash-quick:
	@$(MAKE) --no-print-directory crash CRASH_KILLS=20 CHECKOUT_KILLS=8

lint-openapi: node_modules/.package-lock.json
	npx --no-install redocly lint docs/openapi.yaml

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

bench: $(BUILD)/poise
	bench/run

format:
	clang-format -i $(SRCS) $(wildcard src/*/*.h) $(UNIT_SRCS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
