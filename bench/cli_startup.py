"""CLI start-up against the bare interpreter: `supple --help` and `supple today`.

Runs the three commands interleaved (so machine noise hits all of them alike), prints medians,
the ratios to `python -c pass` and the five slowest imports of `today` from `-X importtime`.
Budgets (DESIGN.md): --help <= 6x, today <= 40x.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BUDGETS = {"--help": 6.0, "today": 40.0}


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SUPPLE_DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}")
        supple = [python, "-m", "supple"]
        subprocess.run([*supple, "init", "--start-date", "2026-11-02", "--timezone", "UTC"],
                       env=env, stdout=subprocess.DEVNULL, check=True)  # fmt: skip
        commands = {
            "pass": [python, "-c", "pass"],
            "--help": [*supple, "--help"],
            "today": [*supple, "today", "--date", "2026-11-04"],
        }
        for cmd in commands.values():  # warm the file cache and .pyc files
            _time(cmd, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, cmd in commands.items():
                samples[name].append(_time(cmd, env))
        base = statistics.median(samples["pass"])
        print(f"runs per command: {RUNS} (interleaved)")
        print(f"{'command':<10} {'median ms':>10} {'ratio':>7} {'budget':>7}")
        failed = False
        for name, values in samples.items():
            median = statistics.median(values)
            ratio = median / base
            budget = BUDGETS.get(name)
            mark = ""
            if budget is not None:
                ok = ratio <= budget
                failed |= not ok
                mark = f"{budget:>6.0f}x {'ok' if ok else 'OVER'}"
            print(f"{name:<10} {median * 1000:>10.1f} {ratio:>6.1f}x {mark}")
        trace = subprocess.run(
            [python, "-X", "importtime", "-m", "supple", "today", "--date", "2026-11-04"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    rows: list[tuple[int, str]] = []
    for line in trace.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            _, total, module = (part.strip() for part in line[len("import time:") :].split("|"))
            rows.append((int(total), module))
    print("slowest imports of `today` (cumulative µs):")
    for micros, module in sorted(rows, reverse=True)[:5]:
        print(f"  {micros:>8}  {module}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
