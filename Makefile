# Haemong: `make run` builds and opens the app; `make test` runs every check CI runs.
# Both install the Linux system packages they need first (apt; sudo when not root).
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
BIN_DEBUG := $(CARGO_TARGET_DIR)/debug/haemong
# Screenshots and e2e logs go under the clone's target/ for people to look at.
ARTIFACTS := $(CURDIR)/target/e2e

.PHONY: package package-test run test deps deps-test build fmt-check clippy cross-check deny rust-test ui-test e2e bench soak fuzz fuzz-smoke

run: deps
	$(CARGO) run --bin haemong

deps:
	@bash scripts/install-deps.sh run

deps-test:
	@bash scripts/install-deps.sh test

build: deps
	$(CARGO) build --bin haemong

test: deps-test fmt-check clippy cross-check deny rust-test ui-test e2e fuzz-smoke
	@echo "make test: all checks passed"

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --all-targets -- -D warnings

# Licenses, banned crates (OpenSSL), sources; offline. Advisories need GitHub: release workflow.
# The Windows and macOS code paths (cfg(target_os) blocks, keyring's platform stores) type-checked
# and linted here, so a change that breaks another system's build fails on Linux. It proves the
# code compiles; not that it links or runs there (docs/development.md).
cross-check:
	$(CARGO) clippy --all-targets --target x86_64-pc-windows-gnu -- -D warnings
	CC_x86_64_apple_darwin=$(CURDIR)/scripts/zig-cc-macos.sh AR_x86_64_apple_darwin=$(CURDIR)/scripts/zig-ar.sh \
	  RANLIB_x86_64_apple_darwin=$(CURDIR)/scripts/zig-ranlib.sh \
	  $(CARGO) clippy --all-targets --target x86_64-apple-darwin -- -D warnings

# deny reads the metadata of every platform's crates (windows-sys, …), which a Linux build never
# downloads: fetch them all first, or an empty CARGO_HOME fails with "--offline was specified".
deny:
	$(CARGO) fetch --locked
	$(CARGO) deny --offline check licenses bans sources

# Under a private D-Bus session with gnome-keyring: the keychain tests use the real Secret Service.
rust-test:
	$(CARGO) test --all-targets --no-run
	HAEMONG_REQUIRE_KEYCHAIN=1 bash scripts/with-session.sh $(CARGO) test --all-targets

ui-test:
	node --test tests/ui/

e2e:
	$(CARGO) build --bin haemong
	mkdir -p $(ARTIFACTS)
	HAEMONG_BIN=$(BIN_DEBUG) HAEMONG_ARTIFACTS=$(ARTIFACTS) \
	  bash scripts/with-session.sh node --test tests/e2e/

# The Tauri CLI builds the shipped binary with this feature; the bench measures that same binary.
SHIPPED = --features tauri/custom-protocol

bench: deps-test package
	node tests/bench/sizes.mjs docs/bench-sizes.json $(CARGO_TARGET_DIR)
	$(CARGO) build --release $(SHIPPED) --bin haemong
	@# Examples pull in the dev-dependencies' features (tauri/test, …): built apart, so the measured
	@# binary stays the one that ships.
	$(CARGO) build --release --example bench_empty
	$(CARGO) run --release --example bench_diary -- docs/bench-core.json $(CARGO_TARGET_DIR)/bench/diary.sqlite3
	HAEMONG_BIN=$(CARGO_TARGET_DIR)/release/haemong HAEMONG_EMPTY_BIN=$(CARGO_TARGET_DIR)/release/examples/bench_empty \
	  bash scripts/with-session.sh node tests/bench/window.mjs docs/bench-window.json $(CARGO_TARGET_DIR)/bench/diary.sqlite3
	HAEMONG_BIN=$(CARGO_TARGET_DIR)/release/haemong \
	  bash scripts/with-session.sh node tests/bench/stream.mjs docs/bench-stream.json
	HAEMONG_BIN=$(CARGO_TARGET_DIR)/release/haemong \
	  bash scripts/with-session.sh node tests/bench/soak.mjs docs/bench-soak.json $(CARGO_TARGET_DIR)/bench/diary.sqlite3
	node tests/bench/report.mjs docs/bench-core.json docs/bench-window.json docs/bench-stream.json docs/bench-sizes.json docs/bench-soak.json > docs/bench.md
	@cat docs/bench.md

# The long crash run: 200 SIGKILLs while writing, 200 while streaming and saving (CI runs 50 and 20).
soak: deps-test
	HAEMONG_CRASH_CYCLES=200 HAEMONG_SOAK_CYCLES=200 bash scripts/with-session.sh $(CARGO) test --test it crash:: -- --nocapture

# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) of the SSE stream parser and the settings file.
# No sanitizer: stable Rust, and the targets check for panics and broken invariants. Its own target
# folder, since fuzz builds use other compiler flags.
FUZZ_TARGET_DIR ?= $(HOME)/.cache/haemong/fuzz-target
FUZZ_SECONDS ?= 300
FUZZ_TARGETS = sse_stream settings_file
fuzz: deps-test
	for t in $(FUZZ_TARGETS); do \
	  CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) $(CARGO) fuzz run -s none -O $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

# What CI runs: a short run of each target (a crash fails the build; the input is in fuzz/artifacts/).
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=15

# Release bundles for Linux with the Tauri 2 CLI (pinned to 2.x): .deb and .rpm. The AppImage needs
# tools downloaded at build time and is built by the release workflow (docs/release.md).
package: deps
	@$(CARGO) tauri --version >/dev/null 2>&1 || $(CARGO) install tauri-cli --version '^2' --locked
	$(CARGO) tauri build --bundles deb,rpm
	@# tauri-bundler compresses the .deb with gzip; Debian's packages use xz (~9.8 → ~6.9 MB).
	bash scripts/repack-deb.sh "$(CARGO_TARGET_DIR)/release/bundle/deb"

# Installs the .deb, uses the installed app under Xvfb, removes it (scripts/package-test.sh).
package-test: package deps-test
	bash scripts/package-test.sh
