#!/usr/bin/env bash
# Installs what `npm run demo` and `npm test` need on a fresh Debian machine; safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # npm ci installs exactly the lock and never rewrites it (a tracked file).
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  echo "setup: installing nats-server (Debian package)"
  if [ "$(id -u)" != "0" ]; then
    echo "setup: nats-server is missing and this is not root: run 'sudo apt-get install nats-server' and try again" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nats-server >/dev/null
fi
