#!/usr/bin/env bash
# Wall time of one `causa assess` process on the reference case (release
# build): runs it N times one after another and reports the mean, the median
# and the slowest run. Usage: bench/assess.sh [N] (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
cargo build --release --quiet
python3 - "$n" <<'PY'
import statistics, subprocess, sys, time
n = int(sys.argv[1])
cmd = ["target/release/causa", "assess", "fixtures/cases/lenalidomide-lv-desensitization.yaml"]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm the file cache
times = []
for _ in range(n):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - start) * 1000)
print(f"causa assess (reference case, every method, Markdown): {n} runs, "
      f"mean {statistics.mean(times):.1f} ms, median {statistics.median(times):.1f} ms, "
      f"slowest {max(times):.1f} ms")
PY
