#!/usr/bin/env bash
# Runs the benchmark harness. Builds and installs what it needs first (on a fresh clone too);
# BENCH_SKIP_UPSTREAM=1 builds only the bench module against the modules already in ~/.m2.
#   bench/run.sh rounds [--sites 3,10,50] [--dims 10000,1000000] [--out FILE]   whole federated rounds
#   bench/run.sh psi [--ids 100000,1000000] [--out FILE]                        ECDH PSI beside its 4n scalar-multiplication limit
#   bench/run.sh vertical [--bits BITS_2048] [--epochs 1] [--rows N] [--out FILE]   secret-shared vertical LR epochs vs plaintext and naive
#   bench/run.sh dp [--rounds 40] [--local-rounds 8] [--repeats 10] [--data churn,heart] [--out FILE]
#                                                                              held-out AUC under DP: per-site vs distributed noise
#   bench/run.sh data [--rows 10000000] [--columns 20] [--sql-url URL --sql-user U --sql-password-file F | --postgres] [--out FILE]
#                                                                              load N rows from CSV and SQL beside each medium's limit
#   bench/run.sh consent [ROWS]                                                import ROWS (default 10^6) consent records, select, commit
#   bench/run.sh crypto [--out FILE] [--include REGEX]... [--param NAME=V1,V2]...
#                       [--warmup N] [--iterations N] [--time SECONDS] [--forks N]
#                                                                              JMH over the crypto primitives
# Relative --out paths are resolved against the directory you run it from.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${BENCH_SKIP_UPSTREAM:-0}" == 1 ]]; then
  # only the bench module, against the other modules as installed in ~/.m2 (faster when they are current)
  (cd "$ROOT/bench" && mvn -B -q -DskipTests package) >&2
else
  (cd "$ROOT" && mvn -B -q -DskipTests install -pl bench -am) >&2
fi
CP="$ROOT/bench/target/tandem-bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
what="${1:-rounds}"
shift || true
case "$what" in
  rounds) exec java --add-opens=java.base/java.math=ALL-UNNAMED -Xmx12g -Djava.util.logging.config.file=/dev/null -cp "$CP" dev.tandem.bench.rounds.RoundsBench "$@" ;;
  crypto) exec java --add-opens=java.base/java.math=ALL-UNNAMED -cp "$CP" dev.tandem.bench.BenchMain crypto "$@" ;;
  psi) exec java --add-opens=java.base/java.math=ALL-UNNAMED -Xmx6g -cp "$CP" dev.tandem.bench.psi.PsiBench "$@" ;;
  vertical) exec java --add-opens=java.base/java.math=ALL-UNNAMED -Xmx6g -cp "$CP" dev.tandem.bench.vertical.VerticalBench "$@" ;;
  dp) exec java --add-opens=java.base/java.math=ALL-UNNAMED -Xmx4g -Djava.util.logging.config.file=/dev/null -cp "$CP" dev.tandem.bench.dp.DpBench "$@" ;;
  data) exec java --add-opens=java.base/java.math=ALL-UNNAMED -Xmx12g -cp "$CP" dev.tandem.bench.data.DataLoadBench "$@" ;;
  consent) exec java --add-opens=java.base/java.math=ALL-UNNAMED -Xmx4g -cp "$CP" dev.tandem.node.consent.ConsentLoadBenchmark "$@" ;;
  *) echo "usage: bench/run.sh rounds|crypto|psi|vertical|dp|data|consent [options]" >&2; exit 2 ;;
esac
