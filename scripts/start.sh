#!/usr/bin/env bash
# Runs api, worker and admin together in the foreground; Ctrl-C (or any one of them exiting) stops all.
# Ctrl-C is how one stops it: that exits 0, so make does not report "Error 130". Each process stops
# once, whether it gets the terminal's SIGINT, this script's SIGTERM or both.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-8000}"
pids=()
stop_all() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

node api/dist/main.js & pids+=($!)
node worker/dist/main.js & pids+=($!)
if [ -f admin/dist/main.js ]; then node admin/dist/main.js & pids+=($!); fi

until curl -sf "http://127.0.0.1:${port}/health" >/dev/null 2>&1; do
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the api did not start; see its log above" >&2; exit 1; }
  sleep 0.2
done

cat <<MSG

  Argus is running.
    API      http://localhost:${port}   (POST /events, GET /events, /ready, /metrics)
    Docs     http://localhost:${port}/docs   (authorize with a token, send and read events from the page)
    Admin    http://localhost:${ADMIN_PORT:-8001}/admin   (create an operator first: make createsuperuser email=you@example.com)

  Get a token for your application (read and write):
    TOKEN=\$(make -s generatetoken email=you@example.com scope=read,write)
  Send an event:
    curl -i -X POST http://localhost:${port}/events -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"session_id":"e2085be5-9137-4e4e-80b5-f1ffddc25423","category":"page interaction","name":"pageview","data":{"host":"example.com","path":"/"},"timestamp":"2023-01-01 09:15:27.243860"}'
  Read it back:
    curl -s http://localhost:${port}/sessions/e2085be5-9137-4e4e-80b5-f1ffddc25423/events -H "Authorization: Bearer \$TOKEN"

  Press Ctrl-C to stop.

MSG
wait -n
