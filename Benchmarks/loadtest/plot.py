"""Draws loadtest.png from the JSON lines of `anpi-call loadtest --json` (see run.sh)."""
import json
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(results_path: str, png_path: str) -> None:
    runs = defaultdict(list)
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                runs[r["format"]].append(r)
    fig, (lat, cpu) = plt.subplots(1, 2, figsize=(11, 4.2))
    for fmt, rs in sorted(runs.items()):
        rs.sort(key=lambda r: r["calls"])
        calls = [r["connected"] for r in rs]
        lat.plot(calls, [r["added_latency_ms"]["p50"] for r in rs], "o-", label=f"{fmt} p50")
        lat.plot(calls, [r["added_latency_ms"]["p99"] for r in rs], "s--", label=f"{fmt} p99")
        cpu.plot(calls, [r["gateway"].get("cpu_percent", 0) for r in rs], "o-", label=f"{fmt} gateway")
        cpu.plot(calls, [r["load_generator_cpu_percent"] for r in rs], "x:", label=f"{fmt} load generator")
    lat.set_yscale("log")
    lat.set_xlabel("concurrent calls")
    lat.set_ylabel("added round trip (ms, log scale)")
    lat.set_title("Relay latency (callee → gateway → model → gateway → callee)")
    lat.grid(alpha=0.3)
    lat.legend()
    cpu.set_xlabel("concurrent calls")
    cpu.set_ylabel("CPU (% of one core)")
    cpu.set_title("CPU (2-core VM)")
    cpu.grid(alpha=0.3)
    cpu.legend()
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
