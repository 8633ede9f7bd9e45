# The quick start is two commands: `make serve` and `make test`.
# Each installs what it needs first (scripts/tools.sh skips what is already there).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: serve test bench tools

serve:
	scripts/tools.sh core
	cargo run --release --bin svcroute -- explain presets/11.4-loadbalancer.yaml --service kiada

test:
	scripts/tools.sh core
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test
	cargo check --lib --target wasm32-unknown-unknown

bench:
	cargo bench --bench scale
