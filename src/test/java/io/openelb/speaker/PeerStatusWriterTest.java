package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.api.v1alpha2.BgpPeerStatus;
import org.junit.jupiter.api.Test;

/** Which changes of a node's BgpPeer status are written at once, and which wait with the counters. */
class PeerStatusWriterTest {
    private static BgpPeerStatus.NodePeerStatus status(String state, int advertised, long updatesSent) {
        BgpPeerStatus.NodePeerStatus status = new BgpPeerStatus.NodePeerStatus();
        status.peerState = new BgpPeerStatus.PeerState();
        status.peerState.sessionState = state;
        status.peerState.advertisedPrefixes = advertised;
        status.peerState.messages = new BgpPeerStatus.Messages();
        status.peerState.messages.sent = new BgpPeerStatus.MessageCounters();
        status.peerState.messages.sent.update = String.valueOf(updatesSent);
        status.timersState = new BgpPeerStatus.TimersState();
        status.timersState.uptime = "2026-12-05T10:00:00Z";
        return status;
    }

    @Test
    void routesAnnouncedMoveOnlyTheCountersAndWait() {
        assertThat(PeerStatusWriter.countersOnly(status("ESTABLISHED", 1, 3), status("ESTABLISHED", 2, 4))).isTrue();
    }

    @Test
    void aSessionChangeOrTheFirstReportIsWrittenAtOnce() {
        assertThat(PeerStatusWriter.countersOnly(status("ESTABLISHED", 1, 3), status("IDLE", 0, 3))).isFalse();
        assertThat(PeerStatusWriter.countersOnly(null, status("ESTABLISHED", 0, 1))).isFalse();
        BgpPeerStatus.NodePeerStatus failed = status("ESTABLISHED", 1, 3);
        failed.peerState.lastError = "hold timer expired";
        assertThat(PeerStatusWriter.countersOnly(status("ESTABLISHED", 1, 3), failed)).isFalse();
    }
}
