#!/usr/bin/env bash
# hack/cds-archive.sh JAR ARCHIVE [JVM FLAGS...] - the class-data sharing archive the image starts with
# (Dockerfile: -XX:SharedArchiveFile). One training run of the jar with every role against an API server
# that is not there, stopped after a few seconds: the JVM writes the classes it loaded (Vert.x, Netty,
# fabric8, Jackson, logback, ...) into ARCHIVE when it exits, and a JVM started with the archive maps them
# instead of loading and verifying them again (hack/bench/run.sh footprint measures the gain). The gRPC
# API's classes are not among them: nothing calls it here, and a speaker loads them at the first call.
# The archive fits only this jar (path, size, time) and this JVM build; with another the JVM ignores it
# and starts as without it.
set -euo pipefail
jar=$1 archive=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The API server is given as a Pod's service account gives it (fabric8 reads these variables as it reads
# the service account's files), not as a kubeconfig: parsing one loads a YAML parser and every kind of
# every API group (some 650 classes), which a role in its Pod never loads and the archive need not map.
export KUBERNETES_MASTER=https://127.0.0.1:9 KUBERNETES_AUTH_TOKEN=absent \
    KUBERNETES_AUTH_TRYKUBECONFIG=false KUBERNETES_AUTH_TRYSERVICEACCOUNT=false
rm -f "$archive"
java "$@" -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -jar "$jar" --role=all --node-name=cds-training \
    --http-host=127.0.0.1 --http-port=0 --grpc-host=127.0.0.1 --grpc-port=0 \
    --shutdown-timeout=2s --log-level=error >"$work/log" 2>&1 &
pid=$!
sleep "${OPENELB_CDS_TRAINING_SECONDS:-5}"
kill -TERM "$pid"
wait "$pid" || true # the stop gives up on the absent API server after the shutdown timeout
[[ -s $archive ]] || { cat "$work/log" >&2; echo "no archive written to $archive" >&2; exit 1; }
