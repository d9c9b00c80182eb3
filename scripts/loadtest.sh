#!/usr/bin/env bash
# Runs loadtest/k6/events.js against BASE_URL (default: the local api) with k6, or k6's Docker image.
# DEAD_DESTINATION=1 adds a destination whose receiver is down (DEAD_DESTINATION_URL, default a
# local port nothing listens on) for the run, and needs a token of the admin scope (ADMIN_TOKEN,
# generated like TOKEN when absent).
set -euo pipefail
cd "$(dirname "$0")/.."

base_url="${BASE_URL:-http://localhost:${PORT:-8000}}"
if [ -z "${TOKEN:-}" ]; then
  TOKEN=$(node shared/dist/cli/generate-token.js --email loadtest@example.com --app loadtest 2>/dev/null | tail -n 1)
fi
k6_env=(-e BASE_URL="$base_url" -e TOKEN="$TOKEN")
if [ "${DEAD_DESTINATION:-}" = "1" ]; then
  if [ -z "${ADMIN_TOKEN:-}" ]; then
    ADMIN_TOKEN=$(node shared/dist/cli/generate-token.js --email loadtest@example.com --app loadtest --scope admin 2>/dev/null | tail -n 1)
  fi
  # port 9 (discard) has no listener on a usual machine: every delivery is refused
  k6_env+=(-e DEAD_DESTINATION_URL="${DEAD_DESTINATION_URL:-http://127.0.0.1:9/argus-loadtest}" -e ADMIN_TOKEN="$ADMIN_TOKEN")
fi

if command -v k6 >/dev/null 2>&1; then
  exec k6 run "${k6_env[@]}" loadtest/k6/events.js
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  exec docker run --rm -i --network host grafana/k6 run "${k6_env[@]}" - <loadtest/k6/events.js
else
  echo "make loadtest needs k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or a running Docker engine; on this machine, 'make bench' measures the service instead." >&2
  exit 1
fi
