#!/usr/bin/env bash
# Type-checks the app and client crates for Android (aarch64-linux-android) without the NDK.
# Not yet part of .ci/run (issue 6 will add it, with iOS).
#
# `cargo check` still runs build scripts, and ring's compiles its C and assembly for the target.
# Without the NDK, Debian's clang does that (`--target=aarch64-linux-android24`) with the arm64
# glibc headers of libc6-dev-arm64-cross standing in for Bionic's: the objects are never linked,
# only the Rust is checked. Measured 2026-11-24: 12 min 44 s clean on 2 cores (another build
# running at the same time).
#
# iOS (aarch64-apple-ios) does not work this way: cc-rs needs `xcrun` (or SDKROOT) and ring's C
# needs the SDK's headers (TargetConditionals.h and Darwin's libc); a stub sysroot got past the
# first but not the second.
set -euo pipefail
missing=()
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
for p in clang llvm libc6-dev-arm64-cross; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
rustup target add aarch64-linux-android
[ -f ui/dist/index.html ] || (cd ui && npm run build)
CC_aarch64_linux_android=clang \
CFLAGS_aarch64_linux_android="--target=aarch64-linux-android24 -isystem /usr/aarch64-linux-gnu/include" \
AR_aarch64_linux_android=llvm-ar \
  cargo check --locked -p ikd-client -p ikd-app --target aarch64-linux-android
