from __future__ import annotations

import os
import tempfile

# Tests never share or pollute a user's compiled cache.
os.environ.setdefault("INDICATORS_CACHE_DIR", tempfile.mkdtemp(prefix="indicators-test-cache-"))
