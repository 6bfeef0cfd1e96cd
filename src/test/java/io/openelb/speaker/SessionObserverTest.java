package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.bfd.BfdDiagnostic;
import io.openelb.bfd.BfdProfile;
import io.openelb.bfd.BfdState;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.bgp.fsm.State;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.BfdView;
import io.openelb.status.StatusBoard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a session's observer writes to BgpPeer status, next to what the HTTP API shows of it. */
class SessionObserverTest {
    private final Map<String, BgpPeerStatus.NodePeerStatus> written = new HashMap<>();
    private final StatusBoard board = new StatusBoard();
    private State state = State.IDLE;
    private final SessionObserver observer = new SessionObserver(
            new PeerTarget("tor", IpAddress.parse("10.77.0.1"), 179, null, 1, new SessionConfig(64513, 0x0a4d000bL,
                    64512, Set.of(IpFamily.IPV4), Duration.ofSeconds(90), null, Duration.ofSeconds(1),
                    Duration.ofSeconds(60), false, -1)),
            new BgpMetrics(new SimpleMeterRegistry()), written::put, board, new AdjRibOut("peer1", Clock.systemUTC()),
            () -> new SessionObserver.Facts(state, null, "", 0));

    @Test
    void aSessionThatWentDownSaysWhyInItsStatusAsTheHttpApiDoes() {
        state = State.IDLE;
        observer.moved(State.ESTABLISHED, State.IDLE, "hold timer expired");
        observer.down();
        observer.report();

        BgpPeerStatus.PeerState peer = written.get("tor").peerState;
        assertThat(peer.sessionState).isEqualTo("IDLE");
        assertThat(peer.lastError).isEqualTo("hold timer expired")
                .isEqualTo(board.neighbors().iterator().next().lastError());
    }

    @Test
    void aSessionWithoutErrorWritesAnEmptyOneSoAnOldReasonDoesNotLinger() {
        state = State.ACTIVE;
        observer.moved(State.IDLE, State.ACTIVE, "connect retry");
        observer.report();

        // merge patch keeps a field left out: "" replaces an earlier session's reason on this node
        assertThat(written.get("tor").peerState.lastError).isEmpty();
    }

    /** README's migration check line names the field, and the value, that an Established session writes. */
    @Test
    void readmesCheckLineMatchesWhatAnEstablishedSessionWrites() throws Exception {
        state = State.ESTABLISHED;
        observer.moved(State.OPEN_CONFIRM, State.ESTABLISHED, "");
        observer.report();

        String written = this.written.get("tor").peerState.sessionState;
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("README.md")))
                .contains("nodesPeerStatus.<node>.peerState.sessionState: " + written);
    }

    @Test
    void aBfdStateChangeIsWrittenAsASessionChangeAndShownWithItsTimers() {
        state = State.ESTABLISHED;
        observer.report();
        BgpPeerStatus.NodePeerStatus before = written.get("tor");

        observer.bfd(new BfdLinks.View(BfdState.UP, BfdDiagnostic.NONE, Duration.ofMillis(900), BfdProfile.DEFAULT));

        BgpPeerStatus.NodePeerStatus after = written.get("tor");
        assertThat(after.bfd.state).isEqualTo("Up");
        assertThat(after.bfd.diagnostic).isEqualTo("None");
        // not a counters-only change: PeerStatusWriter writes it within INTERVAL_MS, not COUNTERS_INTERVAL_MS
        assertThat(PeerStatusWriter.countersOnly(before, after)).isFalse();
        assertThat(board.neighbors().get(0).bfd()).isEqualTo(new BfdView("Up", "None", 900, 300, 300, 3, false));
    }

    @Test
    void aPathFoundDownIsWrittenWithItsDiagnostic() {
        observer.bfd(new BfdLinks.View(BfdState.UP, BfdDiagnostic.NONE, Duration.ofMillis(900), BfdProfile.DEFAULT));

        observer.bfd(new BfdLinks.View(BfdState.DOWN, BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, Duration.ZERO,
                BfdProfile.DEFAULT));

        assertThat(written.get("tor").bfd.state).isEqualTo("Down");
        assertThat(written.get("tor").bfd.diagnostic).isEqualTo("ControlDetectionTimeExpired");
        assertThat(board.neighbors().get(0).bfd().state()).isEqualTo("Down");
    }

    @Test
    void bfdTurnedOffOnARunningSessionLeavesNoBfdInItsViews() {
        observer.bfd(new BfdLinks.View(BfdState.UP, BfdDiagnostic.NONE, Duration.ofMillis(900), BfdProfile.DEFAULT));

        observer.bfd(null);

        assertThat(written.get("tor").bfd).isNull();
        assertThat(board.neighbors().get(0).bfd()).isNull();
    }

    @Test
    void adminDownIsNamedAsRfc5880NamesIt() {
        observer.bfd(new BfdLinks.View(BfdState.ADMIN_DOWN, BfdDiagnostic.ADMINISTRATIVELY_DOWN, Duration.ZERO,
                BfdProfile.DEFAULT));

        assertThat(written.get("tor").bfd.state).isEqualTo("AdminDown");
        assertThat(written.get("tor").bfd.diagnostic).isEqualTo("AdministrativelyDown");
    }

    @Test
    void aNewDetectionTimeAloneRefreshesTheNeighborViewButWritesNoStatus() {
        observer.bfd(new BfdLinks.View(BfdState.UP, BfdDiagnostic.NONE, Duration.ofSeconds(3), BfdProfile.DEFAULT));
        written.clear();

        observer.bfd(new BfdLinks.View(BfdState.UP, BfdDiagnostic.NONE, Duration.ofMillis(900), BfdProfile.DEFAULT));

        assertThat(written).isEmpty();
        assertThat(board.neighbors().get(0).bfd().detectionTimeMs()).isEqualTo(900);
    }

    @Test
    void aSessionWithoutBfdWritesANullBfdSoAMergePatchRemovesAnEarlierSessionsState() {
        observer.report();

        assertThat(written.get("tor").bfd).isNull();
        assertThat(new KubernetesSerialization().asJson(written.get("tor"))).contains("\"bfd\":null");
        assertThat(board.neighbors().get(0).bfd()).isNull();
    }
}
