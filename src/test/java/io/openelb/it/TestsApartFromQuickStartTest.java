package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ITs' lab and control plane default to names of their own, never to those hack/local-up.sh uses
 * (read from the scripts, so the two cannot drift back together): running the tests while the quick
 * start is up must leave it up. A unit test: it starts nothing.
 */
class TestsApartFromQuickStartTest {
    private static final Path LOCAL_UP = Path.of("hack", "local-up.sh");
    private static final Path LAB = Path.of("hack", "lab.sh");
    private static final Path CLUSTER = Path.of("hack", "cluster.sh");

    @Test
    void theTestsLabPrefixAndTheQuickStartsDoNotOverlap() {
        String quickStart = quickStartDefault("OPENELB_LAB_PREFIX", LAB);

        // hack/lab.sh down deletes every namespace that starts with its prefix
        assertThat(Lab.DEFAULT_PREFIX).isNotEmpty().doesNotStartWith(quickStart);
        assertThat(quickStart).isNotEmpty().doesNotStartWith(Lab.DEFAULT_PREFIX);
    }

    @Test
    void theTestsLabHasADirectoryApartFromTheQuickStarts() {
        Path quickStart = Path.of(quickStartDefault("OPENELB_LAB_DIR", LAB));
        Path tests = Path.of(Lab.DEFAULT_DIR);

        assertThat(tests).isNotEqualTo(quickStart);
        assertThat(tests.startsWith(quickStart) || quickStart.startsWith(tests)).as("one inside the other").isFalse();
    }

    @Test
    void theTestsControlPlaneHasItsOwnDirectoryAndPort() {
        assertThat(LocalCluster.DEFAULT_CLUSTER_DIR).isNotEqualTo(quickStartDefault("OPENELB_CLUSTER_DIR", CLUSTER));
        assertThat(LocalCluster.DEFAULT_APISERVER_PORT)
                .isNotEqualTo(quickStartDefault("OPENELB_APISERVER_PORT", CLUSTER));
    }

    @Test
    void eachRealNodesTestHasItsOwnLabControlPlaneAndPort() {
        String quickStartPrefix = quickStartDefault("OPENELB_LAB_PREFIX", LAB);
        Map<String, Map<String, String>> settings = Map.of("RealNodesIT", RealNodesIT.SETTINGS,
                "RealNodesHelmIT", RealNodesHelmIT.SETTINGS);

        settings.forEach((test, nodes) -> {
            List<String> otherPrefixes = new ArrayList<>(List.of(Lab.DEFAULT_PREFIX, quickStartPrefix));
            List<String> otherDirs = new ArrayList<>(List.of(Lab.DEFAULT_DIR,
                    quickStartDefault("OPENELB_LAB_DIR", LAB)));
            List<String> otherClusters = new ArrayList<>(List.of(LocalCluster.DEFAULT_CLUSTER_DIR,
                    quickStartDefault("OPENELB_CLUSTER_DIR", CLUSTER)));
            List<String> otherPorts = new ArrayList<>(List.of(LocalCluster.DEFAULT_APISERVER_PORT,
                    quickStartDefault("OPENELB_APISERVER_PORT", CLUSTER)));
            settings.forEach((otherTest, other) -> {
                if (!otherTest.equals(test)) {
                    otherPrefixes.add(other.get("OPENELB_LAB_PREFIX"));
                    otherDirs.add(other.get("OPENELB_LAB_DIR"));
                    otherClusters.add(other.get("OPENELB_CLUSTER_DIR"));
                    otherPorts.add(other.get("OPENELB_APISERVER_PORT"));
                }
            });
            // each hack/lab.sh down deletes every namespace that starts with its prefix
            for (String other : otherPrefixes) {
                assertThat(nodes.get("OPENELB_LAB_PREFIX")).as(test).isNotEmpty().doesNotStartWith(other);
                assertThat(other).as(test).doesNotStartWith(nodes.get("OPENELB_LAB_PREFIX"));
            }
            assertThat(nodes.get("OPENELB_LAB_DIR")).as(test).isNotIn(otherDirs);
            assertThat(nodes.get("OPENELB_CLUSTER_DIR")).as(test).isNotIn(otherClusters);
            assertThat(nodes.get("OPENELB_APISERVER_PORT")).as(test).isNotIn(otherPorts);
        });
    }

    @Test
    void theAnnounceBenchmarkBuildsTheTestsLabNotTheQuickStarts() {
        Path announce = Path.of("hack", "bench", "announce.sh");

        assertThat(scriptDefault(announce, "OPENELB_LAB_PREFIX")).contains(Lab.DEFAULT_PREFIX);
        assertThat(scriptDefault(announce, "OPENELB_LAB_DIR")).contains(Lab.DEFAULT_DIR);
    }

    @Test
    void everyCommandTheTestsRunWorksOnTheTestsLab() {
        LocalCluster.Result r = LocalCluster.run(
                List.of("sh", "-c", "printf '%s %s' \"$OPENELB_LAB_PREFIX\" \"$OPENELB_LAB_DIR\""), Map.of(), 30);

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(Lab.PREFIX + " " + Lab.DIR);
    }

    /** The default hack/local-up.sh gives {@code variable}, else the one of the script it leaves it to. */
    private static String quickStartDefault(String variable, Path script) {
        return scriptDefault(LOCAL_UP, variable).or(() -> scriptDefault(script, variable))
                .orElseThrow(() -> new AssertionError("no default for " + variable + " in " + LOCAL_UP + " or " + script));
    }

    /** X of the first {@code ${VARIABLE:-X}} in the script. */
    private static Optional<String> scriptDefault(Path script, String variable) {
        try {
            Matcher m = Pattern.compile("\\$\\{" + variable + ":-([^}]*)}").matcher(Files.readString(script));
            return m.find() ? Optional.of(m.group(1).replace("\"", "")) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
