#!/usr/bin/env bash
# Throughput of the balancer's request path (acquire + release) per strategy, outside any container.
# Usage: bench/balancer/run.sh [threads] [seconds]   (build first: mvn -B -o install -DskipITs -pl bundles/balancer,bundles/strategies)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
repo=$(sed -n 's/.*-Dmaven.repo.local=\([^ ]*\).*/\1/p' "$root/.mvn/maven.config" 2>/dev/null || true)
repo=${repo:-$HOME/.m2/repository}
version=0.1.0-SNAPSHOT
cp="$root/bundles/api/target/io.gatehouse.api-$version.jar:$root/bundles/balancer/target/io.gatehouse.balancer-$version.jar"
cp="$cp:$root/bundles/strategies/target/io.gatehouse.strategies-$version.jar"
cp="$cp:$repo/io/dropwizard/metrics/metrics-core/4.2.30/metrics-core-4.2.30.jar:$repo/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -d "$out" -cp "$cp" "$root/bench/balancer/AcquireBench.java" 2>/dev/null || javac -d "$out" -cp "$cp" "$root/bench/balancer/AcquireBench.java"
java -cp "$out:$cp" io.gatehouse.balancer.internal.AcquireBench "${1:-2}" "${2:-3}" 2>&1 | grep -v '^SLF4J'
