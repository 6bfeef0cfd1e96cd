# The one image of both roles (controller Deployment, speaker DaemonSet): docker build -t openelb-jvm:0.1.0-SNAPSHOT .
# Versions pinned by tag; pin by digest in your own registry mirror.

# --- build: the shaded jar, as `mvn -B package` builds it (tests run in CI, not here)
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
RUN mvn -B -DskipTests package

# --- run: a JRE (no compiler, no jcmd) and libpcap for the speaker's ARP/NDP.
# 17.0.15+6 is the JVM the footprint figures in README.md were measured with.
FROM eclipse-temurin:17.0.15_6-jre-noble
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpcap0.8t64 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/openelb.jar /opt/openelb/openelb.jar
# The controller runs as this user; the speaker's DaemonSet sets user 0 with only NET_RAW (see
# manifests/base/speaker.yaml).
USER 65532:65532
EXPOSE 50052
# JVM flags chosen from measurements (README.md, "Resources"):
#   SerialGC: one GC thread and the smallest GC data structures; pauses stay short on a heap this size.
#   MaxRAMPercentage: heap sized from the container's memory limit, leaving room for metaspace, code
#     cache, thread stacks and Netty's direct buffers.
#   Xss512k: Vert.x and fabric8 threads do not recurse deeply.
#   -UsePerfData: no hsperfdata file in /tmp (read-only root filesystem) and no shared mapping.
#   ExitOnOutOfMemoryError: the kubelet restarts a clean process instead of a half-broken one.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-Xss512k", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/openelb/openelb.jar"]
