#!/usr/bin/env bash
# Runs the benchmark harness. Builds what it needs first.
#   bench/run.sh rounds [--sites 3,10,50] [--dims 10000,1000000] [--out FILE]   whole federated rounds
#   bench/run.sh crypto [--out FILE]                                           JMH over the crypto primitives
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$ROOT" && mvn -B -q -DskipTests install -pl bench -am) >&2
CP="$ROOT/bench/target/tandem-bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
what="${1:-rounds}"
shift || true
case "$what" in
  rounds) exec java -Xmx12g -Djava.util.logging.config.file=/dev/null -cp "$CP" dev.tandem.bench.rounds.RoundsBench "$@" ;;
  crypto) exec java -cp "$CP" dev.tandem.bench.BenchMain crypto "$@" ;;
  *) echo "usage: bench/run.sh rounds|crypto [options]" >&2; exit 2 ;;
esac
