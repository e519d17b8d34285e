#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian (bookworm or later) machine, skipping what
# is already there. Safe to run again. Used by scripts/run.sh and scripts/test.sh.
# `--mobile` (scripts/test.sh) adds what the Android and iOS type-checks need: clang, llvm and the
# arm64 C headers for ring's C, and the two Rust targets (scripts/check-mobile.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: C toolchain for ring, SQLite and libdbus (all built from source by their crates),
# pkg-config for -sys crates; WebKitGTK 4.1 for the Tauri app; Node.js for the web UI (unless a
# newer one is already installed); dbus-daemon and gnome-keyring give the tests a real Secret
# Service; Xvfb, WebKitWebDriver, ImageMagick (screenshots) and Chromium run the end-to-end and
# UI tests.
APT_PACKAGES=(build-essential pkg-config ca-certificates curl dbus-daemon gnome-keyring
  libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver imagemagick chromium)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
mobile=false
[ "${1:-}" = "--mobile" ] && mobile=true
$mobile && APT_PACKAGES+=(clang llvm libc6-dev-arm64-cross)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Rust toolchain (stable) with rustfmt and clippy.
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    log "installing Rust with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
if command -v rustup >/dev/null 2>&1; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || { log "adding $c"; rustup component add "$c"; }
  done
  if $mobile; then
    for t in aarch64-linux-android aarch64-apple-ios; do
      rustup target list --installed 2>/dev/null | grep -qx "$t" || { log "adding the Rust target $t"; rustup target add "$t"; }
    done
  fi
fi

# cargo-nextest runs the test suite; tauri-driver drives the real app over WebDriver.
if ! cargo nextest --version >/dev/null 2>&1; then
  log "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi
if ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver"
  cargo install tauri-driver --locked --version 2.0.6
fi

# The web UI's packages, exactly as locked.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  log "Node.js 20 or newer is needed for the web UI (found $(node --version 2>/dev/null || echo none))"
  exit 1
fi
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  log "installing the web UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
log "ready"
