#!/usr/bin/env bash
# The one command that sets up and runs every check and test (CI calls this through .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Each step says how long the one before it took, and the whole run its total, so the CI log
# shows where the minutes go (budget: well under 40 minutes on 2 cores).
last=$SECONDS
step() {
  printf '\n(%ds)\n\033[1m==> %s\033[0m\n' $((SECONDS - last)) "$*"
  last=$SECONDS
}
keyring_home=
finish() {
  printf "\n(%ds) total %dm%02ds\n" $((SECONDS - last)) $((SECONDS / 60)) $((SECONDS % 60))
  [ -z "$keyring_home" ] || rm -rf "$keyring_home"
}
trap finish EXIT

step "setup"
bash scripts/setup.sh --mobile

step "web UI: type check, build, size budget"
(cd ui && npm run --silent check && npm run --silent build -- --logLevel warn && npm run --silent size)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, all features, warnings are errors)"
# With the test features on, every line is linted (the one `cfg(not(feature))` line is checked
# with default features by the mobile type-checks below).
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "Android and iOS type-checks (ikd-client, ikd-app; default features, warnings are errors)"
bash scripts/check-mobile.sh

step "doc tests"
cargo test --workspace --doc --all-features --locked

step "Rust tests (cargo nextest, inside a D-Bus session with a real Secret Service)"
# --all-features: the synthetic liveness sequences (ikd-liveness) and the app's test camera (debug
# only) are test features; the end-to-end run below builds the same way, so nothing is built twice.
# gnome-keyring-daemon prints its environment; the secrets component is unlocked with a throw-away
# password so the keyring tests use the real store, as a Linux desktop would. A fresh keyring
# directory per run, so a developer's own login keyring never makes the daemon prompt.
keyring_home=$(mktemp -d)
XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  echo -n ikd-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec cargo nextest run --workspace --all-features --locked --no-fail-fast
'

step "the synthetic test camera cannot be built into a release"
# Release builds are builds without debug assertions; turning them off for ikd-client alone reuses
# every dependency built above and must stop at the crate's compile_error!.
if out=$(cargo test --no-run --workspace --all-features --locked \
  --config 'profile.dev.package.ikd-client.debug-assertions=false' 2>&1); then
  echo "a build without debug assertions accepted the test camera" >&2; exit 1
fi
grep -q "must never be in a release build" <<<"$out" || { echo "$out" >&2; exit 1; }
echo "refused, as it must be"

step "web UI tests (Vitest; Playwright in Debian's Chromium with mocked IPC and a fake camera)"
# The fake-camera test checks the captured frames with `ikd liveness check`, the binary the Rust
# tests above built (cargo uplifts the binaries of packages with integration tests).
(cd ui && IKD_BIN_DIR="$PWD/../target/debug" npm test)

step "end-to-end: the real app under Xvfb, driven by tauri-driver, against a real siak-mock"
IKD_BIN_DIR=target/debug bash scripts/e2e.sh
