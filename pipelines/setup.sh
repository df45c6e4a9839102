#!/usr/bin/env bash
# Installs what `npm run demo` and `npm test` need on a fresh Debian machine; safe to run twice.
# `--browser` (the test command) also installs Debian's chromium for the dashboard browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # npm ci installs exactly the lock and never rewrites it (a tracked file).
  npm ci --no-audit --no-fund --loglevel=error
fi

updated=no
debian_install() {
  if [ "$(id -u)" != "0" ]; then
    echo "setup: $1 is missing and this is not root: run 'sudo apt-get install $1' and try again" >&2
    exit 1
  fi
  echo "setup: installing $1 (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$updated" = no ]; then
    apt-get update -qq
    updated=yes
  fi
  apt-get install -y -qq "$1" >/dev/null
}

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  debian_install nats-server
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  debian_install chromium
fi
