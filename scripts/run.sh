#!/usr/bin/env bash
# The one command that sets up and runs the project on a fresh Debian machine.
#
# It installs what is missing, builds the web UI and the workspace, shows the Digital KTP QR format
# offline with the `ikd` tool, starts the mock central SIAK on an embedded SQLite database (created
# and populated on first start) and then the resident app in a desktop window, pointed at it. Walk
# the story in the app; approve in the operator console in a browser; read the activation code
# from the outbox. Closing the app leaves the server running until Ctrl-C.
#
# The app keeps its secrets in the desktop's Secret Service (GNOME Keyring, KWallet). Without a
# desktop session (no D-Bus session bus), a private gnome-keyring is started for it with its data
# under target/run/. Without a display, only the server runs.
#
# The mock runs in development mode (`--dev`, loopback only): its outbox keeps the mails with their
# codes (/dev/outbox) and the operators log in with the development password `operator-dev`.
#
# Environment: PORT (default 8080), SIAK_MOCK_DB (default target/run/siak-mock.db),
# IKD_DATA_DIR (the app's data, default target/run/app-data).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
(cd ui && npm run --silent build -- --logLevel warn)
# IKD_TEST_CAMERA=1: a synthetic live face in place of the camera (machines without one; debug only).
features=()
[ "${IKD_TEST_CAMERA:-0}" = 1 ] && features=(--features ikd-app/test-camera) && export IKD_TEST_CAMERA
cargo build --locked -p ikd-cli -p siak-mock -p ikd-app "${features[@]}"
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

== The mock central SIAK (development mode: loopback only, codes readable in the outbox)
  database          $db (created with 10,000 synthetic residents on first start)
  operator console  $url/operator   (user operator.pusat or operator.probolinggo, password operator-dev)
  issuer keys       $url/.well-known/ikd-issuer-keys
  API               $url/openapi.json  (docs/api.md)
  outbox            $url/dev/outbox  or  $bin/siak-mock outbox --db $db
  test residents    $bin/siak-mock population sample --db $db --reason eligible --limit 5
  verify a QR       $bin/ikd verify --keys $url/.well-known/ikd-issuer-keys 'IKD1:…'

Starting; Ctrl-C stops it.
EOT
"$bin/siak-mock" serve --dev --bind "127.0.0.1:$port" --db "$db" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 600); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "siak-mock did not start (is port $port free? set PORT=…)" >&2; exit 1; }
  sleep 0.1
done

export IKD_SIAK_URL="$url" IKD_DATA_DIR="${IKD_DATA_DIR:-$PWD/target/run/app-data}"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  printf '\nNo display: the app cannot open a window here. The server keeps running (Ctrl-C stops it).\n'
  wait "$server"
  exit 0
fi
printf '\n\033[1m== The resident app\033[0m (data in %s)\n' "$IKD_DATA_DIR"
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && busctl --user status org.freedesktop.secrets >/dev/null 2>&1; then
  "$bin/ikd-app" || true
else
  # No Secret Service in this session: a private, unlocked gnome-keyring for the app.
  mkdir -p target/run/keyring
  XDG_DATA_HOME="$PWD/target/run/keyring" dbus-run-session -- bash -c '
    echo -n ikd-dev-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$0"' "$bin/ikd-app" || true
fi
printf '\nThe app was closed; the server keeps running (Ctrl-C stops it).\n'
wait "$server"
