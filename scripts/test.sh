#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs the real tools vigil's output is proven
# with (promtool, prometheus, amtool, alertmanager) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian packages start system services we do not need; tests start their own.
if command -v systemctl >/dev/null 2>&1; then
    systemctl stop prometheus prometheus-alertmanager prometheus-node-exporter >/dev/null 2>&1 || true
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# Both tiers: the fast one and the tests `#[ignore]`d as the slow tier (real tools, long runs).
cargo test --locked -- --include-ignored
# The committed output must be what the flagship spec produces.
cargo run --quiet --locked -- check
echo "all tests passed"
