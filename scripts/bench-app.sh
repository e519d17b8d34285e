#!/usr/bin/env bash
# Measures the resident app as shipped: the release binary's size (as built and stripped) and its
# startup time (launch → PIN screen ready for input, on an activated account, under Xvfb), by
# running the end-to-end story against the release build with IKD_E2E_STARTUP_RUNS launches.
# Results: printed, and target/app-startup.json. Figures go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
runs=${RUNS:-5}
(cd ui && npm run --silent build -- --logLevel warn)
cargo build --locked --release -p ikd-app -p siak-mock -p ikd-cli
size=$(stat -c %s target/release/ikd-app)
strip -o target/release/ikd-app.stripped target/release/ikd-app
stripped=$(stat -c %s target/release/ikd-app.stripped)
python3 -c "import sys; a, b = map(int, sys.argv[1:]); print(f'release binary: {a} bytes ({a/2**20:.1f} MiB); stripped: {b} bytes ({b/2**20:.1f} MiB)')" "$size" "$stripped"
IKD_BIN_DIR=target/release IKD_E2E_STARTUP_RUNS=$runs bash scripts/e2e.sh >/dev/null
python3 - <<'PY'
import json, statistics
runs = json.load(open("target/app-startup.json"))["runs"]
print(f"startup to PIN screen ready, {len(runs)} launches (ms): {runs}; median {statistics.median(runs):.0f}, max {max(runs)}")
PY
