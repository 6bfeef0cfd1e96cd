package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each role, started as its Pod starts it (its ServiceAccount's token and RBAC) against a healthy cluster
 * with nothing to serve, logs no WARN or ERROR line until it has settled: such a line is one a user reads
 * as a fault and must act on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartupLogIT {
    private static final String NODE = "startup-node";
    /** A line of the text log format at WARN or ERROR (Logging.TEXT_PATTERN). */
    private static final Pattern WARN_OR_ERROR = Pattern.compile("(?m)^\\S+ \\[[^]]*] (WARN|ERROR) .*$");
    private LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    void healthyCluster() {
        cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        var admin = cluster.admin();
        if (admin.nodes().withName(NODE).get() == null) {
            admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
                    .addToLabels("kubernetes.io/hostname", NODE).endMetadata().build()).create();
        }
        admin.nodes().withName(NODE).editStatus(n -> new NodeBuilder(n).editOrNewStatus()
                .withAddresses(List.of(new NodeAddress("127.0.0.1", "InternalIP")))
                .withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True")
                        .withReason("KubeletReady").build())
                .endStatus().build());
    }

    @AfterAll
    void removeNode() {
        cluster.admin().nodes().withName(NODE).delete();
    }

    @ParameterizedTest
    @ValueSource(strings = {"controller", "speaker"})
    void aRoleStartsWithoutAWarning(String role) throws Exception {
        Path kubeconfig = cluster.kubeconfigFor("openelb-system", "openelb-" + role, dir);
        try (OpenElbProcess process = OpenElbProcess.start(kubeconfig, dir, role, "--role=" + role,
                "--node-name=" + NODE, "--grpc-host=127.0.0.1", "--grpc-port=0")) {
            process.awaitReady(Duration.ofSeconds(60));
            if (role.equals("controller")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!process.metrics().contains("openelb_controller_leader 1.0")) {
                    assertThat(System.nanoTime()).as("the controller leads within 60 s").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            Thread.sleep(3000); // settled: the first Eip status pass, the first plans, the membership join

            String log = Files.readString(dir.resolve(role + ".log"));
            assertThat(WARN_OR_ERROR.matcher(log).results().map(r -> r.group()).toList())
                    .as("WARN and ERROR lines of the %s at start-up:\n%s", role, log).isEmpty();
        }
    }
}
