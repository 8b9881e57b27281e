#!/usr/bin/env bash
# Rate limiter microbenchmark: limit_req decisions per second, no HTTP. Prints a table; asserts nothing.
# Build first: mvn -o -q install -DskipITs -pl bundles/api,tools/test-exchange,bundles/ratelimit
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(sed -n 's/.*-Dmaven.repo.local=\([^ ]*\).*/\1/p' .mvn/maven.config 2>/dev/null || true)
repo=${repo:-$HOME/.m2/repository}
cp="bundles/ratelimit/target/classes:bundles/ratelimit/target/test-classes:bundles/api/target/classes"
cp="$cp:tools/test-exchange/target/classes"
cp="$cp:$(ls "$repo"/io/dropwizard/metrics/metrics-core/*/metrics-core-*.jar | grep -v sources | head -1)"
cp="$cp:$(ls "$repo"/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar)"
exec java -cp "$cp" io.gatehouse.ratelimit.internal.LimiterBench
