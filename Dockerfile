# The one image of both roles (controller Deployment, speaker DaemonSet): docker build -t openelb-jvm:0.1.0-SNAPSHOT .
# Versions pinned by tag; pin by digest in your own registry mirror.

# --- build: the shaded jar, as `mvn -B package` builds it (tests run in CI, not here)
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
RUN mvn -B -DskipTests package

# --- run: a JRE (no compiler, no jcmd), libpcap for the speaker's ARP/NDP, and iproute2: the `ip` a child of
# the speaker uses to remove its VIP-mode addresses the moment the speaker is killed (vip/ReleaseOnExit).
# 17.0.15+6 is the JVM the footprint figures in README.md were measured with.
FROM eclipse-temurin:17.0.15_6-jre-noble
# Not pinned to a package version (DL3008): the archive drops superseded versions, so a pin breaks the
# build at the next security update; the base image tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpcap0.8t64 iproute2 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/openelb.jar /opt/openelb/openelb.jar
# The class-data sharing archive of a training run (hack/cds-archive.sh): the JVM maps the ~8,000 classes
# it loads at start instead of loading and verifying them (start to ready 3.4 -> 2.0 s for the speaker,
# hack/bench/run.sh footprint). Made with this image's JVM and jar, the only ones it fits.
COPY hack/cds-archive.sh /tmp/cds-archive.sh
RUN /tmp/cds-archive.sh /opt/openelb/openelb.jar /opt/openelb/openelb.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dio.netty.jfr.enabled=false \
    && rm /tmp/cds-archive.sh
# The controller runs as this user; the speaker's DaemonSet sets user 0 with only NET_RAW (see
# manifests/base/speaker.yaml).
USER 65532:65532
EXPOSE 50052
# glibc keeps one malloc arena per thread that allocates (up to 8 per core); two are enough here and the
# others only hold freed memory (measured: 5-10 MiB less RSS per role).
ENV MALLOC_ARENA_MAX=2
# JVM flags chosen from measurements (hack/bench/footprint.sh; README.md, "Resources"):
#   UseSerialGC: one GC thread and the smallest GC structures; pauses stay short on a heap this size
#     (G1 measured 60-80 MiB more RSS).
#   MaxRAMPercentage=50: heap sized from the container's memory limit (128 MiB of 256 MiB), the rest for
#     metaspace (~40 MiB), code, thread stacks and Netty's buffers.
#   TieredStopAtLevel=1: the C1 compiler only. 50 MiB less RSS than with C2, less CPU at start, and 1000
#     Services were served as fast: the work is API calls, not hot loops.
#   -UsePerfData: no hsperfdata file in /tmp (read-only root filesystem) and no shared mapping.
#   ExitOnOutOfMemoryError: the kubelet restarts a clean process instead of a half-broken one.
#   Min/MaxHeapFreeRatio=10/30: the heap grows to keep 10% free, not 40%, and gives back what is more
#     than 30% free, not 70%, so the garbage of a start's big lists does not stay resident: the controller
#     started with 1,000 Services 150 -> 137 MiB; no more CPU in a 500-Service burst (scale 500, controller
#     / speaker: 4.5 / 3.5 s with, 4.8 / 3.9 s without).
#   MaxNewSize=8m: the young generation (eden and survivors) stays at 8 MiB instead of a third of the heap;
#     eden's pages are resident once allocated through, and a start's big lists pass through it: started
#     with 1,000 Services controller 128-130 -> 126-127 MiB, speaker 130-132 -> 124-126; idle and the
#     speaker serving 1,000 unchanged; scale 500 CPU and bgp-table 10000 within their run-to-run noise
#     (two runs each; 2026-12-06).
#   TrimNativeHeapInterval=5000: every 5 s the JVM gives glibc's free malloc memory back to the kernel (the
#     C1 compiler's arenas and the start's buffers are freed but stayed resident): controller 130-131 ->
#     127 MiB once 1,000 Services are served, idle 113 -> 111-112, speaker 123 -> 121 and 112 -> 110-111
#     (footprint 1000, two runs each, alternating; 2026-12-06).
#   CompileThresholdScaling=3: C1 compiles a method after three times as many calls: code run only at start
#     (parsing flags, building Jackson's deserializers) stays interpreted and out of the code cache. Idle
#     controller 113 -> 110 MiB, speaker 110-111 -> 107-108; serving 1,000 Services 127 -> 124-125 and
#     119-120 -> 117-118 (footprint 1000, two runs each, alternating); scale 500 CPU and bgp-convergence 200
#     latency within their run-to-run noise (2026-12-06).
#   io.netty.jfr.enabled=false: no Flight Recorder events from Netty's buffer allocator; registering them
#     at the first allocation loaded ~120 classes (JFR's metadata machinery, annotation proxies). A JFR
#     recording still has the JVM's own events. (The training run below sets it too: the same classes.)
#   SharedArchiveFile: the archive above (a JVM that cannot use it ignores it and starts without).
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:MaxNewSize=8m", "-XX:TrimNativeHeapInterval=5000", "-XX:CompileThresholdScaling=3", "-Dio.netty.jfr.enabled=false", "-XX:SharedArchiveFile=/opt/openelb/openelb.jsa", "-jar", "/opt/openelb/openelb.jar"]
