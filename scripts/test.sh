#!/usr/bin/env bash
# Sets up the environment (Python packages and Debian's Chromium) and runs lint and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/chromium.sh || echo "warning: could not install chromium; browser tests will fail" >&2
bash scripts/npm.sh || echo "warning: could not install axe-core and Lighthouse; the accessibility tests will fail" >&2
lint=()
for d in indicators dashboard tests benchmarks scripts; do [ -d "$d" ] && lint+=("$d"); done
.venv/bin/ruff check "${lint[@]}"
.venv/bin/ruff format --check "${lint[@]}"
.venv/bin/vulture  # unused code; paths and the whitelist are in pyproject.toml
# The bundled data: no error and no warning (every conflict explained by a note).
.venv/bin/indicators validate --strict data | grep -v ": notice\["
.venv/bin/python -m pytest -q "$@"
