#!/usr/bin/env bash
# Sets up the environment and starts the dashboard on the bundled data at http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run dashboard/app.py --server.port "${PORT:-8501}" "$@"
