#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing, with the same commands
# the README gives: docker-compose validates docker-compose.yml without a Docker engine; chromium runs
# the admin panel's browser tests (playwright-core drives it; no browser is downloaded).
set -euo pipefail

declare -A package_of=([docker-compose]=docker-compose [chromium]=chromium)

missing=()
for command in "${!package_of[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "The tests need these Debian packages: ${missing[*]}. As root, run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

echo "Installing ${missing[*]} (the tests need them)..."
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
