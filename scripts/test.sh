#!/usr/bin/env bash
# Sets up the environment (Python packages and Debian's Chromium) and runs lint and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/chromium.sh || echo "warning: could not install chromium; browser tests will fail" >&2
.venv/bin/ruff check indicators dashboard tests benchmarks 2>/dev/null || .venv/bin/ruff check indicators dashboard tests
.venv/bin/python -m pytest -q "$@"
