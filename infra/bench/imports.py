"""Cold import time of a module, in fresh interpreters, as Lambda's init phase pays it."""

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import time, sys; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def cold_import_s(module: str, path: list[Path], runs: int = 7) -> float:
    """Median seconds to import `module` in a new process (bytecode already compiled, as in a Lambda package)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path)), "AWS_DEFAULT_REGION": "ap-southeast-7",
           "POWERTOOLS_TRACE_DISABLED": "true"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", PROBE.format(module=module)]
    subprocess.run(command, env=env, check=True, capture_output=True)  # warm: compile .pyc once
    times = [float(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)
             for _ in range(runs)]
    return statistics.median(times)


def intake_vs_naive(runs: int = 7) -> dict:
    layer = ROOT / "layers" / "civic"
    ours = cold_import_s("intake", [ROOT / "functions" / "webhook_intake", layer], runs)
    naive = cold_import_s("naive_intake", [ROOT / "infra" / "bench", layer], runs)
    return {"intake_import_s": ours, "naive_import_s": naive, "ratio": naive / ours}
