#!/usr/bin/env bash
# Batch throughput: generates N synthetic one-pair cases as NDJSON and reports
# pairs per second for --validate-only and for full scoring with every method,
# and the peak memory of each run, then full scoring with six columns instead of
# fourteen. Usage: bench/batch.sh [N] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin=target/release/causa
python3 - "$n" > "$work/cases.ndjson" <<'PY'
import json, sys
n = int(sys.argv[1])
terms = ["maculopapular rash", "urticaria", "leukocytoclastic vasculitis", "Stevens-Johnson syndrome"]
for i in range(n):
    day = 1 + i % 28
    case = {
        "id": f"synthetic-{i}",
        "drugs": [{"id": "d", "name": "lenalidomide" if i % 2 else "amoxicillin", "role": "suspect",
                   "action_taken": "withdrawn", "exposures": [{"id": "e", "start": "2024-01-01", "stop": "2024-02-01"}]}],
        "reactions": [{"id": "r", "term": terms[i % len(terms)], "onset": f"day {day} of e", "outcome": "recovered"}],
    }
    print(json.dumps(case, separators=(",", ":")))
PY
measure() {
  local label="$1"; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/mem" "$bin" batch "$work/cases.ndjson" --out "$work/out.csv" "$@" > /dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; n=int(sys.argv[1]); t=float(sys.argv[3])-float(sys.argv[2]); print(f'{sys.argv[4]}: {n} pairs in {t:.2f} s = {n/t:,.0f} pairs/s, peak memory {int(sys.argv[5])/1024:.0f} MiB')" "$n" "$start" "$end" "$label" "$(cat "$work/mem")"
  python3 -c "import sys; print(float(sys.argv[2])-float(sys.argv[1]))" "$start" "$end" > "$work/seconds-$label"
}
measure "validate only" --validate-only
measure "full scoring, all methods"
measure "full scoring, compact columns" --columns record,drug,reaction,method,score,category
python3 -c "import sys; v=float(open(sys.argv[1]).read()); f=float(open(sys.argv[2]).read()); print(f'full scoring takes {f/v:.2f} times validate-only (target 1.4)')" "$work/seconds-validate only" "$work/seconds-full scoring, all methods"
