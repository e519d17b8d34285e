#!/usr/bin/env bash
# The one command that sets up and runs the project on a fresh Debian machine.
#
# It builds the workspace, shows the Digital KTP QR format offline with the `ikd` tool, then starts
# the mock central SIAK on an embedded SQLite database (created and populated on first start) and
# keeps it in the foreground until Ctrl-C. The resident app (issue 4) will be started here too,
# pointed at this server; until it lands, residents are played by the HTTP API (docs/api.md).
#
# Environment: PORT (default 8080), SIAK_MOCK_DB (default target/run/siak-mock.db).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
cargo build --locked -p ikd-cli -p siak-mock
bin=target/debug
mkdir -p target/demo target/run

printf '\n\033[1m== The Digital KTP QR, offline\033[0m\n'
for profile in age17 basic full; do
  out=$("$bin/ikd" demo-qr --profile "$profile" --svg "target/demo/qr-$profile.svg")
  printf '%s' "$out" | python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["issuer_keys"], sys.stdout)' > "target/demo/keys-$profile.json"
  presentation=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["presentation"])')
  version=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["qr_version"])')
  verdict=$(printf '%s\n' "$presentation" | "$bin/ikd" verify --keys "target/demo/keys-$profile.json" - | python3 -c 'import json,sys; v=json.load(sys.stdin); print("valid" if v["valid"] else v["error"])')
  printf '  %-6s QR version %-2s, %4s characters, %s — target/demo/qr-%s.svg\n' "$profile" "$version" "${#presentation}" "$verdict" "$profile"
done

db=${SIAK_MOCK_DB:-target/run/siak-mock.db}
port=${PORT:-8080}
url="http://127.0.0.1:$port"
cat <<EOT

== The mock central SIAK
  database          $db (created with 10,000 synthetic residents on first start)
  operator console  $url/operator   (user operator.pusat or operator.probolinggo, password operator-dev)
  issuer keys       $url/.well-known/ikd-issuer-keys
  API               $url/openapi.json  (docs/api.md)
  outbox            $url/dev/outbox  or  $bin/siak-mock outbox --db $db
  test residents    $bin/siak-mock population sample --db $db --reason eligible --limit 5
  verify a QR       $bin/ikd verify --keys $url/.well-known/ikd-issuer-keys 'IKD1:…'

Starting; Ctrl-C stops it.
EOT
exec "$bin/siak-mock" serve --bind "127.0.0.1:$port" --db "$db"
