"""Developer tooling: the local stack, seed data, benchmarks. Not deployed.

The shared layer's package (`civic`) is importable here as it is on Lambda under /opt/python.
"""

import sys
from pathlib import Path

_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "civic")
if _LAYER not in sys.path:
    sys.path.append(_LAYER)
