#!/usr/bin/env bash
# Runs loadtest/k6/events.js against BASE_URL (default: the local api) with k6, or k6's Docker image.
set -euo pipefail
cd "$(dirname "$0")/.."

base_url="${BASE_URL:-http://localhost:${PORT:-8000}}"
if [ -z "${TOKEN:-}" ]; then
  TOKEN=$(node shared/dist/cli/generate-token.js --email loadtest@example.com --app loadtest 2>/dev/null | tail -n 1)
fi

if command -v k6 >/dev/null 2>&1; then
  exec k6 run -e BASE_URL="$base_url" -e TOKEN="$TOKEN" loadtest/k6/events.js
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  exec docker run --rm -i --network host -e BASE_URL="$base_url" -e TOKEN="$TOKEN" grafana/k6 run - <loadtest/k6/events.js
else
  echo "make loadtest needs k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or a running Docker engine; on this machine, 'make bench' measures the service instead." >&2
  exit 1
fi
