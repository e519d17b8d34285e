#!/usr/bin/env bash
# End-to-end tests of the real app: the Tauri binary in WebKitGTK, driven by tauri-driver +
# WebKitWebDriver under Xvfb, with a real Secret Service (gnome-keyring in a D-Bus session) and a
# real siak-mock. Builds with the same dev profile as the tests (nothing is built twice).
# Screenshots: target/e2e-screenshots/. Expects scripts/setup.sh and the UI build to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

[ -f ui/dist/index.html ] || (cd ui && npm run build)
# IKD_BIN_DIR points at binaries built elsewhere (scripts/test.sh: the ones its Rust tests built;
# scripts/bench-app.sh: the release build).
# The app is built with the synthetic test camera (debug builds only): no camera under Xvfb.
[ -n "${IKD_BIN_DIR:-}" ] || cargo build --locked --all-features -p ikd-app -p siak-mock -p ikd-cli
rm -rf target/e2e-screenshots
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# WebKitGTK in a VM without GPU: software rendering, no compositing surprises.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
XDG_DATA_HOME="$keyring_home" xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- bash -c '
  echo -n ikd-e2e-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
'
