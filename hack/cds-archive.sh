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
cat >"$work/kubeconfig" <<'CONF'
apiVersion: v1
kind: Config
clusters: [{name: absent, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: absent, user: {token: absent}}]
contexts: [{name: absent, context: {cluster: absent, user: absent}}]
current-context: absent
CONF
rm -f "$archive"
java "$@" -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -jar "$jar" --role=all --node-name=cds-training \
    --kubeconfig="$work/kubeconfig" --http-host=127.0.0.1 --http-port=0 --grpc-host=127.0.0.1 --grpc-port=0 \
    --shutdown-timeout=2s --log-level=error >"$work/log" 2>&1 &
pid=$!
sleep "${OPENELB_CDS_TRAINING_SECONDS:-5}"
kill -TERM "$pid"
wait "$pid" || true # the stop gives up on the absent API server after the shutdown timeout
[[ -s $archive ]] || { cat "$work/log" >&2; echo "no archive written to $archive" >&2; exit 1; }
