# Two commands do everything: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
PG_BIN ?= $(shell ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
WASM_BINDGEN_VERSION := $(shell grep -A1 '^name = "wasm-bindgen"$$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')

# The private clusters' data. As root they run as the `postgres` user, which must be able to
# reach their directory: a clone in root's home (mode 700, the usual case on a new server or
# container) is out of its reach, so there the data lives in /var/lib/consultor/<a hash of
# this path> instead. "Reachable by nobody" stands for "reachable by postgres", whether or not
# PostgreSQL is installed yet.
PG_DATA := $(shell if [ "$$(id -u)" -eq 0 ] && ! runuser -u nobody -- test -x "$(CURDIR)" 2>/dev/null; \
  then echo "/var/lib/consultor/$$(printf %s "$(CURDIR)" | md5sum | cut -c1-12)"; \
  else echo "$(CURDIR)/.data"; fi)
DEV_PG_DIR := $(PG_DATA)/pg
DEV_PG_PORT ?= 54320
TEST_PG_DIR := $(PG_DATA)/pg-test
TEST_PG_PORT ?= 54321
E2E_PORT ?= 3100
# The test cluster is thrown away: durability only slows the tests down.
TEST_PG_OPTIONS := -c fsync=off -c full_page_writes=off -c synchronous_commit=off

BIN := target/debug/consultor
# SQL is checked at compile time against the query data committed in .sqlx/, so builds never
# need a database (nor reach one DATABASE_URL happens to name). After changing a query or a
# migration, refresh it with `make sqlx-prepare`.
export SQLX_OFFLINE := true
# Every time the app shows is São Paulo's: the time-zone database compiled in is cut down to
# that one zone (with all of them the browser's WebAssembly was 1 MB, ~60 KB compressed, bigger).
export CHRONO_TZ_TIMEZONE_FILTER := ^America/Sao_Paulo$$
# The server reads its Leptos settings from these (`target/site` is what `build` writes).
export LEPTOS_OUTPUT_NAME := consultor
export LEPTOS_SITE_ROOT := target/site
export LEPTOS_SITE_PKG_DIR := pkg

.PHONY: run test bench bench-pages bench-scheduler bench-image bench-smoke page-weight deps test-deps release-deps lint unit e2e build build-release db-up db-down test-db-up test-db-down sqlx-prepare

# Starts (initdb on first use) a private PostgreSQL cluster in $(1) on port $(2), with a
# superuser "consultor" and a database "consultor", reachable only on 127.0.0.1; $(3) adds
# server options.
define pg_up
	cd /; mkdir -p "$(1)"; \
	if [ "$$(id -u)" -eq 0 ]; then chown postgres: "$(1)"; AS="runuser -u postgres --"; else AS=""; fi; \
	if [ -n "$$AS" ] && ! $$AS test -w "$(1)"; then \
	  echo "The postgres user cannot write to $(1): set DATABASE_URL to a server of your own." >&2; exit 1; \
	fi; \
	if [ ! -s "$(1)/PG_VERSION" ]; then \
	  $$AS "$(PG_BIN)/initdb" -D "$(1)" -U consultor --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null; \
	fi; \
	if ! $$AS "$(PG_BIN)/pg_ctl" -D "$(1)" status >/dev/null 2>&1; then \
	  $$AS "$(PG_BIN)/pg_ctl" -D "$(1)" -l "$(1)/server.log" -w \
	    -o "-p $(2) -k $(1) -c listen_addresses=127.0.0.1 $(3)" start >/dev/null; \
	fi; \
	"$(PG_BIN)/psql" -h 127.0.0.1 -p $(2) -U consultor -d postgres -tAc \
	  "select 1 from pg_database where datname = 'consultor'" | grep -q 1 || \
	  "$(PG_BIN)/createdb" -h 127.0.0.1 -p $(2) -U consultor consultor
endef

define pg_down
	cd /; if [ -s "$(1)/PG_VERSION" ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then AS="runuser -u postgres --"; else AS=""; fi; \
	  $$AS "$(PG_BIN)/pg_ctl" -D "$(1)" -m fast stop >/dev/null 2>&1 || true; \
	fi
endef

## run: install what is missing, start Postgres (unless DATABASE_URL is set), migrate, seed, serve.
## It serves the optimised build (`build-release`); the tests use the debug one (`build`).
run: deps release-deps build-release
	@if [ -z "$${DATABASE_URL:-}" ]; then $(MAKE) --no-print-directory db-up; fi
	@export DATABASE_URL="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(DEV_PG_PORT)/consultor}" \
	  LEPTOS_SITE_ROOT=$(RELEASE_SITE) LEPTOS_HASH_FILES=true; \
	  if [ "$(PITR)" = 1 ]; then export BACKUP_STORE="$(PITR_STORE)"; fi; \
	  $(RELEASE_BIN) migrate && $(RELEASE_BIN) seed-demo && exec $(RELEASE_BIN) serve

## test: lints, unit and integration tests on a throwaway cluster, Playwright with JS on and off.
test: deps test-deps lint
	@$(MAKE) --no-print-directory test-db-up
	@trap '$(MAKE) --no-print-directory test-db-down' EXIT; \
	  export TEST_DATABASE_URL="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor}"; \
	  $(MAKE) --no-print-directory unit bench-smoke build e2e

# Leptos's debug builds erase component types (much faster to compile); the build, clippy
# and the tests all use the same flags, so they share one set of compiled dependencies.
LEPTOS_DEV_RUSTFLAGS := --cfg erase_components

## bench: webhook ack latency and end-to-end rate beside PostgreSQL's own insert rate.
bench: deps
	@$(MAKE) --no-print-directory test-db-up
	@trap '$(MAKE) --no-print-directory test-db-down' EXIT; \
	  BENCH_DATABASE_URL="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor}" \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo bench --bench webhooks

## bench-pages: page and export times at scale (seed-load dataset, kept in consultor_load).
bench-pages: deps
	@$(MAKE) --no-print-directory test-db-up
	@trap '$(MAKE) --no-print-directory test-db-down' EXIT; \
	  BENCH_DATABASE_URL="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor}" \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo bench --bench pages

## bench-scheduler: the follow-up scheduler's pass over 1,000,000 leads with 100,000 due,
## beside PostgreSQL's own time for the same selection.
bench-scheduler: deps
	@$(MAKE) --no-print-directory test-db-up
	@trap '$(MAKE) --no-print-directory test-db-down' EXIT; \
	  BENCH_DATABASE_URL="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor}" \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo bench --bench scheduler

## bench-image: the comparison image drawn (p50/p95) beside rasterising its SVG alone, and a
## flow's last message end to end with and without the image.
bench-image: deps
	@$(MAKE) --no-print-directory test-db-up
	@trap '$(MAKE) --no-print-directory test-db-down' EXIT; \
	  BENCH_DATABASE_URL="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor}" \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo bench --bench comparison

lint:
	cargo fmt --all --check
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo clippy --workspace --all-targets -- -D warnings
	@# The browser half (hydrate) compiles different code: lint it too, beside the wasm
	@# build's own target directory.
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo clippy -p app --lib --target wasm32-unknown-unknown \
	  --target-dir target/front --no-default-features --features hydrate -- -D warnings

unit:
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo test --workspace

# Both benchmarks on small sizes and in the test build (no release build), so that they keep
# working between the full runs of `make bench` and `make bench-pages`; `make test` runs it.
bench-smoke:
	BENCH_DATABASE_URL="$${TEST_DATABASE_URL}" BENCH_EVENTS=200 BENCH_CONCURRENCY=8 \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo test --bench webhooks
	BENCH_DATABASE_URL="$${TEST_DATABASE_URL}" BENCH_LOAD_DB=consultor_load_smoke BENCH_RUNS=3 \
	  LOAD_CONSULTANTS=10 LOAD_LEADS=2000 LOAD_BIG=1000 LOAD_MESSAGES=3 \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo test --bench pages
	BENCH_DATABASE_URL="$${TEST_DATABASE_URL}" BENCH_CONSULTANTS=20 BENCH_LEADS=5000 BENCH_DUE=500 \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo test --bench scheduler
	BENCH_DATABASE_URL="$${TEST_DATABASE_URL}" BENCH_RUNS=3 BENCH_LEADS=2 \
	  RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo test --bench comparison

# The site, as Leptos serves it: the browser half compiled to WebAssembly and bound to
# JavaScript by wasm-bindgen (the file named as Leptos's hydration script asks for it), the
# stylesheet and the public files in target/site; then the server binary. Plain cargo and
# wasm-bindgen: what cargo-leptos would do for a debug build, without building cargo-leptos
# (14 of a first run's minutes on this machine).
FRONT_DIR := target/front
SITE_PKG := $(LEPTOS_SITE_ROOT)/$(LEPTOS_SITE_PKG_DIR)
build:
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo build -p app --lib --target wasm32-unknown-unknown \
	  --target-dir $(FRONT_DIR) --no-default-features --features hydrate
	@mkdir -p $(SITE_PKG)
	wasm-bindgen --target web --out-name $(LEPTOS_OUTPUT_NAME) --out-dir $(SITE_PKG) \
	  $(FRONT_DIR)/wasm32-unknown-unknown/debug/app.wasm
	@mv -f $(SITE_PKG)/$(LEPTOS_OUTPUT_NAME)_bg.wasm $(SITE_PKG)/$(LEPTOS_OUTPUT_NAME).wasm
	@cp style/main.css $(SITE_PKG)/$(LEPTOS_OUTPUT_NAME).css
	@cp -R public/. $(LEPTOS_SITE_ROOT)/
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo build -p consultor --bin consultor

# What `make run` serves: both halves in the release profile (the browser's optimised for
# size, then by wasm-opt -Oz), in a site of its own (target/site-release, never mixed with the
# debug build's files). The JavaScript, WebAssembly and CSS get a hash of their content in
# their names (listed in hash.txt beside the binary, where Leptos looks for it), so browsers
# may keep them for a year (src/asset_cache.rs); each is stored beside its brotli and gzip
# forms, which the server sends to browsers that accept them.
RELEASE_SITE := target/site-release
RELEASE_PKG := $(RELEASE_SITE)/$(LEPTOS_SITE_PKG_DIR)
RELEASE_BIN := target/release/consultor
RELEASE_WASM := $(FRONT_DIR)/wasm32-unknown-unknown/wasm-release/app.wasm
WASM_FEATURES := --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue
# The sources' paths that panic messages carry are cut short in the browser's file.
CARGO_SRC := $(or $(CARGO_HOME),$(HOME)/.cargo)/registry/src
build-release:
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS) --remap-path-prefix=$(CARGO_SRC)=src --remap-path-prefix=$(CURDIR)=." \
	  cargo build -p app --lib --target wasm32-unknown-unknown \
	  --target-dir $(FRONT_DIR) --no-default-features --features hydrate --profile wasm-release
	RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo build --release -p consultor --bin consultor
	@rm -rf $(RELEASE_SITE) && mkdir -p $(RELEASE_PKG) && cp -R public/. $(RELEASE_SITE)/
	wasm-bindgen --target web --out-name $(LEPTOS_OUTPUT_NAME) --out-dir $(RELEASE_PKG) $(RELEASE_WASM)
	$(WASM_OPT) -Oz --converge $(WASM_FEATURES) -o $(RELEASE_PKG)/$(LEPTOS_OUTPUT_NAME).wasm \
	  $(RELEASE_PKG)/$(LEPTOS_OUTPUT_NAME)_bg.wasm
	@rm -f $(RELEASE_PKG)/$(LEPTOS_OUTPUT_NAME)_bg.wasm $(RELEASE_PKG)/*.d.ts
	@cp style/main.css $(RELEASE_PKG)/$(LEPTOS_OUTPUT_NAME).css
	@cd $(RELEASE_PKG) && : > ../../release/hash.txt && for ext in js wasm css; do \
	  hash=$$(sha256sum $(LEPTOS_OUTPUT_NAME).$$ext | cut -c1-16); \
	  cp $(LEPTOS_OUTPUT_NAME).$$ext $(LEPTOS_OUTPUT_NAME).$$hash.$$ext; \
	  echo "$$ext: $$hash" >> ../../release/hash.txt; \
	done
	@for f in $(RELEASE_PKG)/*.js $(RELEASE_PKG)/*.wasm $(RELEASE_PKG)/*.css $(RELEASE_SITE)/*.svg; do \
	  brotli -f -q 11 -k "$$f" && gzip -f -9 -k "$$f"; done
	@ls -l $(RELEASE_PKG) | awk 'NR > 1 { print "  " $$5 "\t" $$9 }'

## page-weight: the release build as a phone sees it: Lighthouse (mobile) on the public page,
## the board, a lead, the dashboard and the flow editor, with the demo data; prints each page's
## scores and transfer sizes (end2end/perf/page-weight.mjs) and fails below the goals. The
## server stops before the database does (without it, its shutdown waits out its timeouts).
PAGE_WEIGHT_PORT ?= 3400
page-weight: deps test-deps release-deps build-release
	@[ -d end2end/perf/node_modules/lighthouse ] || (cd end2end/perf && npm install --no-audit --no-fund)
	@$(MAKE) --no-print-directory test-db-up
	@trap 'kill $$server 2>/dev/null && wait $$server; $(MAKE) --no-print-directory test-db-down' EXIT; \
	  base="$${DATABASE_URL:-postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor}"; \
	  url="$${base%/*}/consultor_weight"; \
	  "$(PG_BIN)/psql" "$$base" -qc "drop database if exists consultor_weight with (force)" -c "create database consultor_weight"; \
	  export DATABASE_URL="$$url" LEPTOS_SITE_ROOT=$(RELEASE_SITE) LEPTOS_HASH_FILES=true \
	    BIND_ADDR=127.0.0.1:$(PAGE_WEIGHT_PORT) SCHEDULER_ENABLED=false; \
	  $(RELEASE_BIN) migrate >/dev/null && $(RELEASE_BIN) seed-demo >/dev/null; \
	  $(RELEASE_BIN) serve >/dev/null 2>&1 & server=$$!; \
	  for i in $$(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:$(PAGE_WEIGHT_PORT)/entrar && break; sleep 0.2; done; \
	  (cd end2end/perf && BASE_URL=http://127.0.0.1:$(PAGE_WEIGHT_PORT) node page-weight.mjs)

## release-deps: what `build-release` needs beyond `deps`: wasm-opt (binaryen from npm, into
## target/tools: Debian's binaryen 108 emits a module whose externref table the browser
## refuses, "WebAssembly.Table.set(): Argument 1 is invalid", so the page never hydrates) and
## brotli, from Debian.
WASM_OPT := target/tools/node_modules/.bin/wasm-opt
release-deps:
	@[ -x $(WASM_OPT) ] || npm install --no-audit --no-fund --prefix target/tools binaryen@132.0.0
	@command -v brotli >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y brotli; }

e2e:
	@export DATABASE_URL="$${TEST_DATABASE_URL%/*}/consultor_e2e"; \
	  "$(PG_BIN)/psql" "$${TEST_DATABASE_URL}" -qc "drop database if exists consultor_e2e with (force)" -c "create database consultor_e2e"; \
	  $(BIN) migrate && $(BIN) seed-demo >/dev/null; \
	  cd end2end && E2E_PORT=$(E2E_PORT) DATABASE_URL="$$DATABASE_URL" npx playwright test

## sqlx-prepare: rewrites .sqlx/ from a freshly migrated database on the test cluster.
sqlx-prepare:
	@cargo sqlx --version 2>/dev/null | grep -q '0.8' || \
	  cargo install sqlx-cli --version 0.8.6 --no-default-features --features postgres,rustls --locked
	@$(MAKE) --no-print-directory test-db-up
	@trap '$(MAKE) --no-print-directory test-db-down' EXIT; \
	  url="postgres://consultor@127.0.0.1:$(TEST_PG_PORT)/consultor_sqlx"; \
	  "$(PG_BIN)/psql" "$${url%/*}/consultor" -qc "drop database if exists consultor_sqlx with (force)" -c "create database consultor_sqlx"; \
	  cargo sqlx migrate run --source migrations --database-url "$$url"; \
	  DATABASE_URL="$$url" SQLX_OFFLINE=false RUSTFLAGS="$(LEPTOS_DEV_RUSTFLAGS)" cargo sqlx prepare --workspace -- --all-targets

# `make run PITR=1` (or `make db-up PITR=1`): the private cluster archives its WAL for
# point-in-time recovery (README "Point-in-time recovery"): `consultor wal-archive`, copied
# where the postgres user can run it, encrypts each segment to BACKUP_RECIPIENTS (required)
# into BACKUP_STORE (default: a directory beside the cluster's data), and the server makes a
# base backup with each daily copy. archive_mode needs a restart: `make db-down` first.
PITR ?=
PITR_BIN ?= $(RELEASE_BIN)
PITR_STORE = $${BACKUP_STORE:-$(PG_DATA)/backups}
ifeq ($(PITR),1)
DEV_PG_OPTIONS := -c wal_level=replica -c archive_mode=on -c archive_timeout=60 \
  -c archive_command='$(PG_DATA)/consultor wal-archive --settings $(PG_DATA)/backup.env %p %f'
export BACKUP_BASE := true
endif

db-up:
	@if [ "$(PITR)" = 1 ]; then \
	  [ -n "$${BACKUP_RECIPIENTS:-}" ] || { echo "PITR=1 needs BACKUP_RECIPIENTS (consultor backup-keys)" >&2; exit 1; }; \
	  mkdir -p "$(PG_DATA)" "$(PITR_STORE)"; cp "$(PITR_BIN)" "$(PG_DATA)/consultor"; \
	  printf 'BACKUP_STORE=%s\nBACKUP_RECIPIENTS=%s\n' "$(PITR_STORE)" "$$BACKUP_RECIPIENTS" > "$(PG_DATA)/backup.env"; \
	  if [ "$$(id -u)" -eq 0 ]; then chown postgres: "$(PG_DATA)" "$(PG_DATA)/consultor" "$(PG_DATA)/backup.env" "$(PITR_STORE)"; fi; \
	  chmod 600 "$(PG_DATA)/backup.env"; \
	fi
	@$(call pg_up,$(DEV_PG_DIR),$(DEV_PG_PORT),$(DEV_PG_OPTIONS))
	@echo "PostgreSQL: postgres://consultor@127.0.0.1:$(DEV_PG_PORT)/consultor"

db-down:
	@$(call pg_down,$(DEV_PG_DIR))

test-db-up:
	@if [ -z "$${DATABASE_URL:-}" ]; then $(call pg_up,$(TEST_PG_DIR),$(TEST_PG_PORT),$(TEST_PG_OPTIONS)); fi

test-db-down:
	@$(call pg_down,$(TEST_PG_DIR))

## deps: everything `run` needs (and the npm packages of end2end), installed only when missing.
deps:
	@rustup target list --installed | grep -q '^wasm32-unknown-unknown$$' || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x "$(PG_BIN)/initdb" ] || { $(SUDO) apt-get update && $(SUDO) apt-get install -y postgresql; }
	@id postgres >/dev/null 2>&1 || [ "$$(id -u)" -ne 0 ] || { $(SUDO) apt-get update && $(SUDO) apt-get install -y postgresql; }
	@[ -d end2end/node_modules/@playwright/test ] || (cd end2end && npm ci --no-audit --no-fund)

## test-deps: Chromium from Debian (the Playwright runner comes from npm in `deps`, and never
## downloads a browser of its own).
test-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }
	@# promtool checks and tests the alert rules (src/monitoring).
	@command -v promtool >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends prometheus; }
	@# PgBouncer: the web requests through a transaction pooler (src/tests/pooler.rs).
	@[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends pgbouncer; }
	@# moto_server: an S3-compatible server on loopback for the backup tests (src/tests/support/fake_s3.rs).
	@[ -x .venv/bin/moto_server ] || { python3 -m venv .venv && .venv/bin/pip install --quiet "moto[server]==5.2.6"; }
