#!/usr/bin/env bash
# The one command that sets up and runs every check and test (CI calls this through .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "setup"
bash scripts/setup.sh

step "web UI: type check, build, size budget"
(cd ui && npm run --silent check && npm run --silent build -- --logLevel warn && npm run --silent size)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, with and without the test features, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "the synthetic test camera cannot be built into a release"
if out=$(cargo check --release --locked -p ikd-client --features test-camera 2>&1); then
  echo "a release build accepted the test camera" >&2; exit 1
fi
grep -q "must never be in a release build" <<<"$out" || { echo "$out" >&2; exit 1; }
echo "refused, as it must be"

step "doc tests"
cargo test --workspace --doc --all-features --locked

step "Rust tests (cargo nextest, inside a D-Bus session with a real Secret Service)"
# --all-features: the synthetic liveness sequences (ikd-core) and the app's test camera (debug
# only) are test features; the end-to-end run below builds the same way, so nothing is built twice.
# gnome-keyring-daemon prints its environment; the secrets component is unlocked with a throw-away
# password so the keyring tests use the real store, as a Linux desktop would. A fresh keyring
# directory per run, so a developer's own login keyring never makes the daemon prompt.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  echo -n ikd-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec cargo nextest run --workspace --all-features --locked --no-fail-fast
'

step "web UI tests (Vitest; Playwright in Debian's Chromium with mocked IPC and a fake camera)"
# The fake-camera test checks the captured frames with `ikd liveness check`.
cargo build --locked --all-features -p ikd-cli
(cd ui && npm test)

step "end-to-end: the real app under Xvfb, driven by tauri-driver, against a real siak-mock"
bash scripts/e2e.sh
