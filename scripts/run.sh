#!/usr/bin/env bash
# The one command that sets up and runs the project on a fresh Debian machine.
#
# Today this builds the `ikd` verifier tool and walks the Digital KTP QR story offline: it makes a
# throw-away issuer and device, prints a presentation for each disclosure profile, writes the QR as
# SVG under target/demo/, and verifies each one as a verifier would. The mock SIAK server and the
# resident app join this script as they land (see README.md, "Status").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
cargo build --locked -p ikd-cli
ikd=target/debug/ikd
mkdir -p target/demo
for profile in age17 basic full; do
  out=$("$ikd" demo-qr --profile "$profile" --svg "target/demo/qr-$profile.svg")
  printf '%s' "$out" | python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["issuer_keys"], sys.stdout)' > "target/demo/keys-$profile.json"
  presentation=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["presentation"])')
  version=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["qr_version"])')
  printf '\n== profile %s: QR version %s, %s characters, SVG in target/demo/qr-%s.svg\n' "$profile" "$version" "${#presentation}" "$profile"
  "$ikd" verify --keys "target/demo/keys-$profile.json" "$presentation"
done
