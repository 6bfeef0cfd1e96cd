package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRDs on a real API server: OpenELB's objects apply as they are, bad ones get a clear message. */
class CrdsIT {
    private static LocalCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.get();
    }

    /**
     * The samples include a default Eip, which would take precedence in other ITs, and Services: remove
     * them (no controller ran here, so no finalizer holds a Service).
     */
    @AfterAll
    static void deleteSamples() {
        cluster.kubectl("delete", "--ignore-not-found", "-f", "manifests/samples/");
    }

    static Stream<Path> samples() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("manifests", "samples"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void everyCrdIsEstablishedAndServesV1alpha2() {
        String crds = cluster.kubectl("get", "crd", "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Established\")].status}"
                        + " {end}");
        assertThat(crds).contains("eips.network.kubesphere.io=True", "bgpconfs.network.kubesphere.io=True",
                "bgppeers.network.kubesphere.io=True", "bgpadvertisements.network.kubesphere.io=True");
        assertThat(cluster.kubectl("api-resources", "--api-group=network.kubesphere.io", "-o", "name"))
                .contains("eips.network.kubesphere.io", "bgpconfs.network.kubesphere.io",
                        "bgppeers.network.kubesphere.io", "bgpadvertisements.network.kubesphere.io");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void openElbSampleAppliesServerSideUnchanged(Path sample) {
        LocalCluster.Result dryRun = cluster.kubectlResult("apply", "--dry-run=server", "--validate=strict", "-f",
                sample.toString());
        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();

        cluster.kubectl("apply", "--validate=strict", "-f", sample.toString());
        String stored = cluster.kubectl("get", "-f", sample.toString(), "-o", "name");
        long objects = LocalCluster.read(sample).lines().filter(l -> l.startsWith("kind: ")).count();
        assertThat(stored.lines()).as("every object of %s stored", sample).hasSize((int) objects);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad address       | Eip     | {address: 192.0.2.0/33}                          | spec.address: Invalid value: \"string\": must be one IP, a CIDR or a range",
        "mixed range       | Eip     | {address: 192.0.2.1-2001:db8::1}                 | must be one IP, a CIDR or a range",
        "unknown protocol  | Eip     | {address: 192.0.2.1, protocol: ospf}             | spec.protocol: Unsupported value: \"ospf\"",
        "layer2 no iface   | Eip     | {address: 192.0.2.1, protocol: layer2}           | spec.interface is required when spec.protocol is layer2 or vip",
        "vip no iface      | Eip     | {address: 192.0.2.1, protocol: vip}              | spec.interface is required when spec.protocol is layer2 or vip",
        "AS too large      | BgpConf | {as: 4294967296}                                 | spec.as: Invalid value: 4294967296",
        "AS zero           | BgpPeer | {conf: {peerAs: 0, neighborAddress: 192.0.2.1}}  | spec.conf.peerAs: Invalid value: 0",
        "AS_TRANS peer     | BgpPeer | {conf: {peerAs: 23456, neighborAddress: 192.0.2.1}} | spec.conf.peerAs: Invalid value: \"integer\": 23456 is AS_TRANS (RFC 6793)",
        "AS_TRANS global   | BgpConf | {as: 23456}                                      | spec.as: Invalid value: \"integer\": 23456 is AS_TRANS (RFC 6793)",
        "bad neighbour     | BgpPeer | {conf: {peerAs: 1, neighborAddress: router-1}}   | must be an IPv4 or IPv6 address",
        "port too large    | BgpConf | {as: 1, listenPort: 70000}                       | spec.listenPort: Invalid value: 70000",
        "two passwords     | BgpPeer | {conf: {peerAs: 1, neighborAddress: 192.0.2.1, authPassword: a, authPasswordSecretRef: {name: s, key: k}}} | set either conf.authPassword or conf.authPasswordSecretRef",
    })
    void invalidObjectIsRejectedWithAClearMessage(String name, String kind, String spec, String message) {
        String yaml = """
                apiVersion: network.kubesphere.io/v1alpha2
                kind: %s
                metadata: {name: invalid-%s}
                spec: %s
                """.formatted(kind, name.replace(' ', '-'), spec);

        LocalCluster.Result result = cluster.kubectlWithInput(yaml, "apply", "-f", "-");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains(message);
    }
}
