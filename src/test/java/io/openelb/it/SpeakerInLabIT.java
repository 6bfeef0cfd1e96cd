package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The e2e harness itself: speakers run inside the lab's node namespaces, with the speaker
 * ServiceAccount's identity, and reach the API server on the host through the relay.
 */
class SpeakerInLabIT {
    private static LocalCluster cluster;
    private static Lab lab;
    private static final List<OpenElbProcess> speakers = new ArrayList<>();

    @BeforeAll
    static void lab() {
        cluster = LocalCluster.get();
        lab = Lab.up(cluster, "bird", 2);
    }

    @AfterAll
    static void down() throws Exception {
        for (OpenElbProcess s : speakers) {
            s.close();
        }
        Lab.down();
    }

    @Test
    void speakersRunInTheNodeNamespacesAsTheirServiceAccountAndSyncThroughTheRelay() throws Exception {
        Path dir = Files.createTempDirectory("speaker-it");
        speakers.addAll(lab.startSpeakers(dir));
        for (OpenElbProcess speaker : speakers) {
            speaker.awaitReady(Duration.ofSeconds(60));
            assertThat(speaker.metrics()).contains("openelb_kube_informers_synced 1.0");
        }

        assertThat(cluster.kubectl("get", "nodes", "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.status.addresses[0].address}/"
                        + "{.status.conditions[0].status} {end}"))
                .contains("node1=10.77.0.11/True", "node2=10.77.0.12/True");
        lab.describeNode(2, false);
        assertThat(cluster.kubectl("get", "node", "node2", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")).isEqualTo("False");
    }
}
