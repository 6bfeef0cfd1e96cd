package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs hack/test/stop-test.sh, the check of the stop function behind {@code down} of hack/local-up.sh,
 * hack/lab.sh and hack/cluster.sh (wait for the exit, SIGKILL after the timeout, wait for that too), so
 * that {@code mvn test} runs it. A unit test: its dummy processes need no root and no lab.
 */
class StopScriptTest {
    @Test
    void stopWaitsForTheProcessesAndKillsThoseThatIgnoreSigterm() {
        LocalCluster.Result r = LocalCluster.run(List.of("bash", "hack/test/stop-test.sh"), Map.of(), 120);

        assertThat(r.exitCode()).as("hack/test/stop-test.sh:%n%s%s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout()).contains("all stop checks passed");
    }
}
