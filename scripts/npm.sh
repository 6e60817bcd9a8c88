#!/usr/bin/env bash
# Installs the browser tests' npm tools (axe-core, Lighthouse 12) into tests/browser/node_modules
# from the lock file. Neither downloads a browser: both drive Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/../tests/browser"
stamp="node_modules/.installed"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  # `npm ci` refuses this lock: a Lighthouse dependency asks for "third-party-web@latest".
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
