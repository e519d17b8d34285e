#!/usr/bin/env bash
# Type-checks the app and client crates for Android (aarch64-linux-android) and iOS
# (aarch64-apple-ios) without the NDK or Xcode, warnings as errors. Called by scripts/test.sh;
# scripts/setup.sh installs what it needs (clang, llvm, the arm64 glibc headers, the two Rust
# targets).
#
# `cargo check` still runs build scripts, and ring's compiles its C and assembly for the target.
# Without the NDK, Debian's clang does that for Android (`--target=aarch64-linux-android24`) with
# the arm64 glibc headers of libc6-dev-arm64-cross standing in for Bionic's; for iOS with
# mobile/ios-check-sdk (TargetConditionals.h and three libc declarations) as the SDK. The objects
# are never linked: only the Rust is checked, with default features, so this also checks the
# code the test features replace.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ -f ui/dist/index.html ] || (cd ui && npm run build)
# Warnings are errors for the workspace's crates (dependencies' warnings are capped by cargo).
export RUSTFLAGS="${RUSTFLAGS:-} -D warnings"

# One cargo run for both targets: the build scripts and proc macros they share are built once,
# and both cores stay busy.
echo "==> cargo check --target aarch64-linux-android --target aarch64-apple-ios (ikd-client, ikd-app)"
CC_aarch64_linux_android=clang \
CFLAGS_aarch64_linux_android="--target=aarch64-linux-android24 -isystem /usr/aarch64-linux-gnu/include" \
AR_aarch64_linux_android=llvm-ar \
SDKROOT="$PWD/mobile/ios-check-sdk" \
CC_aarch64_apple_ios=clang \
AR_aarch64_apple_ios=llvm-ar \
  cargo check --locked -p ikd-client -p ikd-app --target aarch64-linux-android --target aarch64-apple-ios
