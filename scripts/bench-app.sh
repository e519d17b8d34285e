#!/usr/bin/env bash
# Measures the resident app as it ships: the release binary's size (as built, and stripped) and
# its startup time (launch → PIN screen ready for input, on an activated account, under Xvfb).
# The end-to-end story runs with the debug build as CI does (synthetic test camera, plain-http
# siak-mock) and leaves an activated account; the release binary, built alone as a phone build
# would be (no test features), is then launched RUNS times on that account's data directory and
# keyring entries, offline (an https SIAK address where nothing answers), and the last launch
# unlocks with the PIN and shows the KTP QR from the cache, checked by `ikd verify`.
# Results: printed, and target/app-startup.json. Figures go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
runs=${RUNS:-5}
(cd ui && npm run --silent build -- --logLevel warn)
# Alone, so no feature another package of the workspace needs ends up in the app.
cargo build --locked --release -p ikd-app
size=$(stat -c %s target/release/ikd-app)
strip -o target/release/ikd-app.stripped target/release/ikd-app
stripped=$(stat -c %s target/release/ikd-app.stripped)
python3 -c "import sys; a, b = map(int, sys.argv[1:]); print(f'release binary: {a} bytes ({a/2**20:.1f} MiB); stripped: {b} bytes ({b/2**20:.1f} MiB)')" "$size" "$stripped"
# e2e.sh builds the debug binaries the story runs (the same build as CI's).
if ! IKD_E2E_RELEASE_APP=target/release/ikd-app IKD_E2E_STARTUP_RUNS=$runs bash scripts/e2e.sh \
  >target/bench-app-e2e.log 2>&1; then
  tail -n 60 target/bench-app-e2e.log >&2
  exit 1
fi
python3 - <<'PY'
import json, statistics
runs = json.load(open("target/app-startup.json"))["runs"]
print(f"startup to PIN screen ready, {len(runs)} launches (ms): {runs}; median {statistics.median(runs):.0f}, max {max(runs)}")
PY
