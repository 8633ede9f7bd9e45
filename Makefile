# The quick start is two commands: `make serve` and `make test`.
# Each first installs what it needs (scripts/tools.sh skips whatever is already there).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: serve test tools test-native test-web e2e bench bench-web dist

serve:
	scripts/tools.sh web
	trunk serve

test: tools test-native test-web e2e

# Everything `make test` needs, installed once up front (the render test screenshots an SVG
# in Chromium, so even the native tests need the browser).
tools:
	scripts/tools.sh browser

test-native:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test
	cargo check --lib --target wasm32-unknown-unknown

test-web:
	cargo clippy --target wasm32-unknown-unknown --lib --bins --test web -- -D warnings
	cargo test --target wasm32-unknown-unknown --test web

dist:
	scripts/tools.sh web
	trunk build --release

e2e: dist
	node scripts/e2e.mjs dist

bench:
	cargo bench --bench scale

bench-web: tools dist
	node scripts/e2e.mjs dist --bench
