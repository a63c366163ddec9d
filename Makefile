# The two commands that do everything: `make run` and `make test`. See README.md.
SWIFT ?= swift
VENV ?= .venv
PYTHON := $(VENV)/bin/python
ABUSE := ../shared/abuse/abuse_cases.py
DAEMON_DEBUG := .build/debug/planning-rpcd
DAEMON_RELEASE := .build/release/planning-rpcd

.PHONY: run test deps venv build-tests test-swift test-interop test-postgres test-web test-otel test-abuse test-fuzz-replay \
	release clean \
	test-sanitizers soak bench-memory

run: deps
	$(SWIFT) build -c release --product planning-rpcd
	$(DAEMON_RELEASE) --host 127.0.0.1 --port 50051 --data-dir ./data --demo-data --enable-bench-service --simulated-model-latency-ms 50

# One debug build serves the Swift tests, the interop suite and the abuse battery.
test: deps venv build-tests test-swift test-interop test-postgres test-web test-otel test-abuse test-fuzz-replay

deps:
	@scripts/install-deps

venv: $(VENV)/.installed

$(VENV)/.installed: Tests/Interop/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r Tests/Interop/requirements.txt
	touch $@

build-tests:
	$(SWIFT) build --build-tests

# Under a throw-away PostgreSQL cluster, so that the store contract suites run against both stores.
test-swift:
	scripts/pg-test-cluster run -- $(SWIFT) test --skip-build

WEB_TESTS := test_web_protocols.py test_dashboard_browser.py

test-interop:
	cd Tests/Interop && PLANNING_RPCD=$(CURDIR)/$(DAEMON_DEBUG) PLANNING_RPC=$(CURDIR)/.build/debug/planning-rpc ../../$(PYTHON) -m pytest -q --ignore=$(PG_SCENARIO) $(addprefix --ignore=,$(WEB_TESTS)) --ignore=$(OTEL_TESTS)

# OpenTelemetry export: the daemon's spans as a small OTLP/HTTP collector on 127.0.0.1 receives them.
OTEL_TESTS := test_otel_export.py
test-otel:
	cd Tests/Interop && PLANNING_RPCD=$(CURDIR)/$(DAEMON_DEBUG) ../../$(PYTHON) -m pytest -q $(OTEL_TESTS)

# The two-instance scenario on a throw-away PostgreSQL cluster (scripts/pg-test-cluster): two daemons on one
# database, one killed mid-job.
PG_SCENARIO := test_postgres_scale_out.py
test-postgres:
	scripts/pg-test-cluster run -- sh -c 'cd Tests/Interop && PLANNING_RPCD=$(CURDIR)/$(DAEMON_DEBUG) \
		PLANNING_RPC=$(CURDIR)/.build/debug/planning-rpc ../../$(PYTHON) -m pytest -q $(PG_SCENARIO)'

# The web listener: gRPC-Web and Connect framing and errors, and the dashboard in headless Chromium (its screenshot
# is kept in Tests/Interop/artifacts/).
test-web:
	cd Tests/Interop && PLANNING_RPCD=$(CURDIR)/$(DAEMON_DEBUG) ../../$(PYTHON) -m pytest -q $(WEB_TESTS)

# The shared abuse battery runs whenever ../shared/abuse exists beside the checkout (as in CI).
test-abuse:
	@if [ -f $(ABUSE) ]; then scripts/run-abuse $(PYTHON) $(DAEMON_DEBUG) $(ABUSE); \
	else echo "test-abuse: $(ABUSE) not found; skipped (the interop suite covers our own limits)"; fi

# Every committed fuzz corpus input and fail case, replayed under AddressSanitizer (Fuzz/README.md).
test-fuzz-replay:
	scripts/fuzz-replay

# Not in `make test`: each rebuilds the package and its tests with a sanitizer, in its own scratch path (README
# has the times). Serial (--no-parallel): the suites' deadline and timing bounds do not hold with 260 tests at once
# under a sanitizer's slowdown. scripts/sanitizers/lsan.supp and tsan.supp say why each suppression is not ours.
# Both under a throw-away PostgreSQL cluster, as test-swift, so that the store contract suites run on PostgreSQL too.
test-sanitizers: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/sanitizers/lsan.supp scripts/pg-test-cluster run -- \
		$(SWIFT) test --sanitize=address --scratch-path .build-asan --no-parallel
	TSAN_OPTIONS="suppressions=$(CURDIR)/scripts/sanitizers/tsan.supp halt_on_error=1 $(TSAN_OPTIONS)" \
		scripts/pg-test-cluster run -- \
		$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --no-parallel

# The release daemon under a bounded mixed load, sampled; fails on growth or an unexpected status (README, "Soak").
SOAK_DURATION ?= 10m
soak: deps venv
	nice -n 15 scripts/soak --duration $(SOAK_DURATION)

# RSS per idle connection and per idle WatchJob stream, 10,000 of each (README, "Memory").
bench-memory: deps venv
	scripts/bench-memory

release:
	$(SWIFT) build -c release --product planning-rpcd

clean:
	rm -rf .build $(VENV)
