# The quick start is two commands: `make serve` and `make test`.
# Each first installs what it needs (scripts/tools.sh skips whatever is already there).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: serve test test-native test-web e2e bench bench-web dist

serve:
	scripts/tools.sh web
	trunk serve

test: test-native test-web e2e

test-native:
	scripts/tools.sh core
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test
	cargo check --lib --target wasm32-unknown-unknown

test-web:
	scripts/tools.sh browser
	cargo clippy --target wasm32-unknown-unknown --lib --bins --tests -- -D warnings
	cargo test --target wasm32-unknown-unknown --test web

dist:
	scripts/tools.sh web
	trunk build --release

e2e: dist
	scripts/tools.sh browser
	node scripts/e2e.mjs dist

bench:
	cargo bench --bench scale

bench-web: dist
	scripts/tools.sh browser
	node scripts/e2e.mjs dist --bench
