#!/usr/bin/env bash
# hack/image.sh [OUT.tar] - the container image without Docker: an OCI image archive (default
# target/openelb-image.oci.tar) named openelb-jvm:<pom version>, for `ctr -n k8s.io images import OUT.tar`.
#
# Built from Debian packages only, with the same contents that matter as the Dockerfile's image:
#   layer 1 (cached): Debian bookworm minbase + openjdk-17-jre-headless, libpcap0.8, iproute2, ca-certificates,
#     by mmdebstrap from the Debian mirror this machine's apt already uses; no apt lists or caches, no docs
#     but the copyright files. Cached under ~/.cache/openelb/image/ by its package list and sources.
#   layer 2: target/openelb.jar and the class-data sharing archive that hack/cds-archive.sh makes with the
#     JVM of layer 1 (run in a chroot of it), with the flags of the Dockerfile's RUN line.
#   config: ENTRYPOINT, ENV, USER and EXPOSE read from the Dockerfile's last stage (one source of truth),
#     plus PATH and LANG, which the Dockerfile's base image provides.
# The OCI layout is written here (three small JSON files and sha256-named blobs) rather than by a tool:
# umoci can neither read the Dockerfile nor set the index annotation containerd names an import by, and
# buildah needs containers-storage. Files carry fixed mtimes (SOURCE_DATE_EPOCH, default: HEAD's commit
# time); the CDS archive itself is a training run, not byte-reproducible.
#
# Needs root (mmdebstrap, chroot); installs mmdebstrap with apt-get if it is missing. Uses target/openelb.jar
# (builds it with Maven when absent or older than pom.xml or src/main). Environment: OPENELB_IMAGE_CACHE (default
# ~/.cache/openelb/image), OPENELB_IMAGE_SOURCES (an apt sources file to use instead of the machine's).
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(...) stops the script too
cd "$(dirname "$0")/.."

SUITE=bookworm
VARIANT=minbase
PACKAGES=(openjdk-17-jre-headless libpcap0.8 iproute2 ca-certificates)
# Docs and manuals nobody reads in a container; the copyright files stay (licences).
DPKG_OPTS=(path-exclude=/usr/share/doc/* path-include=/usr/share/doc/*/copyright path-exclude=/usr/share/man/*
    path-exclude=/usr/share/info/* path-exclude=/usr/share/lintian/*)
BASE_ENV=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
APP_DIR=opt/openelb

out=${1:-target/openelb-image.oci.tar}
cache=${OPENELB_IMAGE_CACHE:-$HOME/.cache/openelb/image}
version=$(sed -n '/<artifactId>openelb-jvm<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q}' pom.xml)
name=docker.io/library/openelb-jvm:$version
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
arch=$(dpkg --print-architecture)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)

log() { printf 'image: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (mmdebstrap, chroot)"
[[ -n $version ]] || die "no <version> after <artifactId>openelb-jvm</artifactId> in pom.xml"
command -v mmdebstrap >/dev/null || {
    log "installing mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null; } ||
        die "apt-get install mmdebstrap failed"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- the Dockerfile's runtime settings -------------------------------------------------------------------
# Its last stage's ENTRYPOINT (exec form: already JSON), ENV NAME=VALUE, USER and EXPOSE lines, as JSON
# fragments. Anything else (shell form, ARG expansion, line continuations) is refused, not guessed.
dockerfile_config() {
    local line entrypoint="" user="" env=() ports=() word
    while IFS= read -r line; do
        case $line in
        FROM\ *) entrypoint="" user="" env=() ports=() ;;
        ENTRYPOINT\ \[*\]) entrypoint=${line#ENTRYPOINT } ;;
        ENTRYPOINT*) die "Dockerfile: only the exec form of ENTRYPOINT is read: $line" ;;
        USER\ *) user=${line#USER } ;;
        EXPOSE\ *) for word in ${line#EXPOSE }; do [[ $word == */* ]] || word=$word/tcp; ports+=("\"$word\":{}"); done ;;
        ENV\ *=*) for word in ${line#ENV }; do
                [[ $word =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\\\$]*$ ]] || die "Dockerfile: ENV not read: $line"
                env+=("\"$word\"")
            done ;;
        ENV\ *) die "Dockerfile: ENV not read: $line" ;;
        esac
    done <Dockerfile
    [[ -n $entrypoint && -n $user ]] || die "Dockerfile: no ENTRYPOINT or USER in the last stage"
    local base_env=("${BASE_ENV[@]/#/\"}")
    env=("${base_env[@]/%/\"}" "${env[@]}")
    printf '"User":"%s","ExposedPorts":{%s},"Env":[%s],"Entrypoint":%s' \
        "$user" "$(IFS=,; echo "${ports[*]}")" "$(IFS=,; echo "${env[*]}")" "$entrypoint"
}

# The JVM flags of the Dockerfile's training run: RUN /tmp/cds-archive.sh JAR ARCHIVE FLAGS... \
dockerfile_cds_flags() {
    local flags
    flags=$(sed -n 's:^RUN /tmp/cds-archive.sh [^ ]* [^ ]* \(.*[^ \\]\)[ \\]*$:\1:p' Dockerfile)
    [[ -n $flags ]] || die "Dockerfile: no RUN /tmp/cds-archive.sh line with JVM flags"
    echo "$flags"
}

# ---- layer 1: the Debian base, cached --------------------------------------------------------------------
# The Debian archive entries (deb822 stanzas or one-line) of $SUITE and its updates/security suites that
# this machine's apt already uses.
debian_sources() {
    if [[ -n ${OPENELB_IMAGE_SOURCES:-} ]]; then cat "$OPENELB_IMAGE_SOURCES"; return; fi
    local f suites="$SUITE|$SUITE-updates|$SUITE-security"
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] && grep -E "^deb (\[[^]]*\] )?[^ ]+ ($suites) " "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && awk -v suites="^($suites)$" 'BEGIN { RS = ""; ORS = "\n\n" }
            /(^|\n)Enabled: *no/ { next }
            match($0, /(^|\n)Suites:[^\n]*/) {
                n = split(substr($0, RSTART, RLENGTH), s, /[ \t\n]+/)
                for (i = 1; i <= n; i++) if (s[i] ~ suites) { print; next }
            }' "$f"
    done
    return 0
}

# Prints the cached base layer's directory, building it first if needed.
base_layer() {
    local sources=$work/debian.sources key dir
    debian_sources >"$sources"
    grep -q . "$sources" || die "no $SUITE entries in this machine's apt sources (set OPENELB_IMAGE_SOURCES)"
    key=$(printf '%s\n' "$SUITE" "$VARIANT" merged-usr "$arch" "${PACKAGES[*]}" "${DPKG_OPTS[*]}" "$(cat "$sources")" |
        sha256sum | cut -c1-16)
    dir=$cache/base-$key
    if [[ ! -s $dir/layer.tar.gz ]]; then
        log "building the Debian base layer ($SUITE $VARIANT: ${PACKAGES[*]}) into $dir"
        mkdir -p "$cache"
        local tmp
        tmp=$(mktemp -d "$cache/.base-XXXXXX")
        chmod 755 "$tmp"
        local opts=() o
        for o in "${DPKG_OPTS[@]}"; do opts+=(--dpkgopt="$o"); done
        # man1 must exist: the JRE's postinst links its manual pages there (update-alternatives), docs or not.
        # merged-usr: /bin, /lib, /sbin as symlinks made by mmdebstrap, not by the usrmerge package (and the
        # 50 MiB of perl it depends on). resolv.conf and hostname are the build machine's; the runtime has its own.
        SOURCE_DATE_EPOCH=$epoch mmdebstrap --quiet --variant="$VARIANT" --include="$(IFS=,; echo "${PACKAGES[*]}")" \
            --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
            --aptopt='APT::Install-Recommends "false"' "${opts[@]}" --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
            --customize-hook='rm -f "$1"/etc/resolv.conf "$1"/etc/hostname' \
            "$SUITE" - "$sources" | tar --delete --wildcards './dev/?*' >"$tmp/layer.tar" # the runtime makes /dev
        sha256sum <"$tmp/layer.tar" | cut -d' ' -f1 >"$tmp/diff-id"
        gzip -n "$tmp/layer.tar"
        printf '%s\n' "${PACKAGES[@]}" >"$tmp/packages"
        cp "$sources" "$tmp/sources"
        rm -rf "$dir" && mv "$tmp" "$dir"
    fi
    echo "$dir"
}

# ---- layer 2: the jar and its CDS archive ----------------------------------------------------------------
# Runs hack/cds-archive.sh with the image's own JVM: chrooted into $root, in namespaces of its own (mount,
# pid, network: the training run's sockets and JGroups see only its loopback).
train_cds() {
    local root=$1
    cp hack/cds-archive.sh "$root/tmp/cds-archive.sh"
    unshare --mount --pid --net --fork --mount-proc="$root/proc" /bin/sh -ec '
        root=$1; shift
        ip link set lo up
        mount --rbind /dev "$root/dev"
        mount --rbind /sys "$root/sys"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 /tmp/cds-archive.sh "$@"
    ' sh "$root" "/$APP_DIR/openelb.jar" "/$APP_DIR/openelb.jsa" "${CDS_FLAGS[@]}"
    rm -f "$root/tmp/cds-archive.sh"
}

app_layer() {
    local base=$1 root=$work/rootfs
    mkdir -p "$root"
    tar -xzf "$base/layer.tar.gz" -C "$root" --numeric-owner
    install -d -m 755 "$root/$APP_DIR"
    install -m 644 target/openelb.jar "$root/$APP_DIR/openelb.jar"
    # The archive records the jar's mtime and the JVM refuses it for a jar with another: give the jar the
    # layer's mtime before the training run.
    touch -d "@$epoch" "$root/$APP_DIR/openelb.jar"
    train_cds "$root"
    chmod 644 "$root/$APP_DIR/openelb.jsa"
    tar -C "$root" --no-recursion --numeric-owner --owner=0 --group=0 --mtime="@$epoch" --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        -cf "$work/app.tar" opt "$APP_DIR" "$APP_DIR/openelb.jar" "$APP_DIR/openelb.jsa"
}

# ---- the OCI layout ------------------------------------------------------------------------------------
# Stores a file as a blob; prints its descriptor fields "digest":...,"size":...
blob() {
    local digest
    digest=$(sha256sum <"$1" | cut -d' ' -f1)
    mkdir -p "$work/oci/blobs/sha256"
    ln -f "$1" "$work/oci/blobs/sha256/$digest" 2>/dev/null || cp "$1" "$work/oci/blobs/sha256/$digest"
    printf '"digest":"sha256:%s","size":%d' "$digest" "$(stat -c %s "$1")"
}

write_archive() {
    local base=$1 config_fields=$2 layer=application/vnd.oci.image.layer.v1.tar+gzip
    local manifest=application/vnd.oci.image.manifest.v1+json
    sha256sum <"$work/app.tar" | cut -d' ' -f1 >"$work/app.diff-id"
    gzip -n "$work/app.tar"
    local base_desc app_desc config_desc manifest_desc
    base_desc=$(blob "$base/layer.tar.gz")
    app_desc=$(blob "$work/app.tar.gz")
    cat >"$work/config.json" <<JSON
{"created": "$created", "architecture": "$arch", "os": "linux",
 "config": {$config_fields,
  "Labels": {"org.opencontainers.image.version": "$version", "org.opencontainers.image.revision": "$revision"}},
 "rootfs": {"type": "layers", "diff_ids": ["sha256:$(cat "$base/diff-id")", "sha256:$(cat "$work/app.diff-id")"]},
 "history": [
  {"created": "$created", "created_by": "mmdebstrap --variant=$VARIANT $SUITE: ${PACKAGES[*]}"},
  {"created": "$created", "created_by": "hack/image.sh: /$APP_DIR/openelb.jar, /$APP_DIR/openelb.jsa by cds-archive.sh ${CDS_FLAGS[*]}"}]}
JSON
    config_desc=$(blob "$work/config.json")
    cat >"$work/manifest.json" <<JSON
{"schemaVersion": 2, "mediaType": "$manifest",
 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", $config_desc},
 "layers": [{"mediaType": "$layer", $base_desc}, {"mediaType": "$layer", $app_desc}]}
JSON
    manifest_desc=$(blob "$work/manifest.json")
    # As `ctr images export` writes it: containerd names the import by io.containerd.image.name, other
    # tools take the tag from the OCI ref name.
    cat >"$work/oci/index.json" <<JSON
{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
 "manifests": [{"mediaType": "$manifest", $manifest_desc, "platform": {"architecture": "$arch", "os": "linux"},
  "annotations": {"io.containerd.image.name": "$name", "org.opencontainers.image.ref.name": "$version"}}]}
JSON
    echo '{"imageLayoutVersion": "1.0.0"}' >"$work/oci/oci-layout"
    mkdir -p "$(dirname "$out")"
    tar -C "$work/oci" --sort=name --numeric-owner --owner=0 --group=0 --mtime="@$epoch" --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$out.tmp" .
    mv "$out.tmp" "$out"
}

# a jar older than the sources would put yesterday's program into today's image
if [[ ! -f target/openelb.jar ]]; then
    log "building target/openelb.jar"; mvn -B -o -q package -DskipTests
elif [[ -n $(find pom.xml src/main -newer target/openelb.jar -print -quit) ]]; then
    log "target/openelb.jar is older than the sources: building it again"; mvn -B -o -q package -DskipTests
fi
config_fields=$(dockerfile_config)
read -ra CDS_FLAGS <<<"$(dockerfile_cds_flags)"
base=$(base_layer)
app_layer "$base"
write_archive "$base" "$config_fields"
log "wrote $out ($name, $(du -h "$out" | cut -f1))"
