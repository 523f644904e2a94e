#!/usr/bin/env bash
# Wall time of one `causa assess` process on the reference case (release
# build): runs it N times one after another and reports the mean, the median
# and the slowest run. Usage: bench/assess.sh [N] [ASSESS OPTIONS...]
# (default 200 runs, the Markdown report), e.g. `bench/assess.sh 100 --format html`
# or `bench/assess.sh 100 --view allergist --format html`.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
shift || true
cargo build --release --quiet
python3 - "$n" "$@" <<'PY'
import statistics, subprocess, sys, time
n = int(sys.argv[1])
extra = sys.argv[2:]
cmd = ["target/release/causa", "assess", "fixtures/cases/lenalidomide-lv-desensitization.yaml", *extra]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm the file cache
times = []
for _ in range(n):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - start) * 1000)
what = " ".join(extra) if extra else "Markdown"
print(f"causa assess (reference case, every method, {what}): {n} runs, "
      f"mean {statistics.mean(times):.1f} ms, median {statistics.median(times):.1f} ms, "
      f"slowest {max(times):.1f} ms")
PY
