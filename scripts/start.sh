#!/usr/bin/env bash
# Runs api, worker and admin together in the foreground; Ctrl-C (or any one of them exiting) stops all.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-8000}"
pids=()
stop_all() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

node api/dist/main.js & pids+=($!)
node worker/dist/main.js & pids+=($!)
if [ -f admin/dist/main.js ]; then node admin/dist/main.js & pids+=($!); fi

for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:${port}/health" >/dev/null 2>&1 && break
  sleep 0.1
done

cat <<MSG

  Argus is running.
    API      http://localhost:${port}   (POST /events, GET /health)
    Admin    http://localhost:${ADMIN_PORT:-8001}/admin   (create an operator first: make createsuperuser email=you@example.com)

  Get a token for your application:
    TOKEN=\$(make -s generatetoken email=you@example.com)
  Send an event:
    curl -i -X POST http://localhost:${port}/events -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"session_id":"e2085be5-9137-4e4e-80b5-f1ffddc25423","category":"page interaction","name":"pageview","data":{"host":"example.com","path":"/"},"timestamp":"2023-01-01 09:15:27.243860"}'
  See it stored:
    psql postgres://postgres@127.0.0.1:5432/argus -c 'SELECT id, category, name, timestamp FROM events ORDER BY stored_at DESC LIMIT 5'

  Press Ctrl-C to stop.

MSG
wait -n
