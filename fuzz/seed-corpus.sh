#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds taken from the project's fixtures and
# rules. Run from anywhere; existing corpus files are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
seed() { # target file...
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target"
  for f in "$@"; do
    local sum
    sum=$(sha1sum "$f" | cut -c1-16)
    cp "$f" "fuzz/corpus/$target/seed-$sum"
  done
}
seed case fixtures/cases/*.yaml fixtures/cases/*.json fixtures/cases-invalid/*.yaml
seed e2b fixtures/e2b/FAERS2022Scenario1.xml fixtures/e2b-edge/*.xml
seed openfda fixtures/openfda/*.json fixtures/openfda-edge/*.json
# Times as cases write them: every onset, start, end, date and day of the fixtures.
mkdir -p fuzz/corpus/time
grep -hoE '(onset|start|end|date|day|known_since): *"?[^"#]+' fixtures/cases/*.yaml \
  | sed -E 's/^[a-z_]+: *"?//; s/ *$//' | sort -u | while IFS= read -r t; do
    printf '%s' "$t" > "fuzz/corpus/time/seed-$(printf '%s' "$t" | sha1sum | cut -c1-16)"
  done
# Rule files: the first byte picks which shipped file (in name order) the rest replaces.
mkdir -p fuzz/corpus/rules
i=0
for f in $(find rules -name '*.yaml' | LC_ALL=C sort); do
  { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "fuzz/corpus/rules/seed-$(basename "$f" .yaml)"
  i=$((i + 1))
done
# Mutations: a few edit lists to start from.
mkdir -p fuzz/corpus/mutated_case
for n in 0 1 2 3 4 5 6 7; do
  head -c $((n * 24 + 8)) /dev/zero | tr '\0' "\\$(printf %03o $((n * 31 + 1)))" > "fuzz/corpus/mutated_case/seed-$n"
done
