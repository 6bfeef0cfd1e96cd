package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.NodeModel;
import io.openelb.model.PoolSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The speaker's policy is resolved again when what it depends on changes, and not when only the status of
 * an Eip or a BgpPeer does (every allocation writes the Eip's usage; each session change the BgpPeer's): a
 * new policy replans every route.
 */
class RoutePoliciesTest {
    private final RoutePolicies policies = new RoutePolicies();
    private long revision;

    @Test
    void aStatusWriteOfAnEipOrABgpPeerKeepsThePolicy() {
        assertThat(policies.refresh(snapshot(eip(3, Map.of()), peer("ESTABLISHED", Map.of()), 1))).isTrue();
        var first = policies.policy();

        assertThat(policies.refresh(snapshot(eip(4, Map.of()), peer("ACTIVE", Map.of()), 1))).isFalse();
        assertThat(policies.policy()).isSameAs(first);
    }

    @Test
    void aNewLabelOrAnEditedAdvertisementResolvesItAgain() {
        policies.refresh(snapshot(eip(3, Map.of()), peer("ESTABLISHED", Map.of()), 1));

        assertThat(policies.refresh(snapshot(eip(3, Map.of("rack", "a")), peer("ESTABLISHED", Map.of()), 1)))
                .as("Eip labels").isTrue();
        assertThat(policies.refresh(snapshot(eip(3, Map.of("rack", "a")), peer("ESTABLISHED", Map.of("x", "y")), 1)))
                .as("BgpPeer labels").isTrue();
        assertThat(policies.refresh(snapshot(eip(3, Map.of("rack", "a")), peer("ESTABLISHED", Map.of("x", "y")), 2)))
                .as("advertisement generation").isTrue();
    }

    private ClusterSnapshot snapshot(Eip eip, BgpPeer peer, long generation) {
        BgpAdvertisementObject advertisement = new BgpAdvertisementObject("to-router", generation, List.of("pool"),
                null, List.of(), null, List.of(), List.of("65000:" + generation), null, null, null, null);
        NodeModel node = new NodeModel("node1", true, false, Map.of(), List.of(IpAddress.parse("10.0.0.1")), Map.of());
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("pool", 0, "192.0.2.0/24", "bgp", "", false, 0,
                List.of(), Map.of(), false, false)));
        return new ClusterSnapshot(++revision, true, Set.of(), ClusterSnapshot.Changes.NONE, Map.of(), Map.of(),
                Map.of("node1", node), new HashMap<>(Map.of("pool", eip)), pools, Map.of(),
                new HashMap<>(Map.of("router", peer)), new HashMap<>(Map.of("to-router", advertisement)), Map.of(),
                Map.of());
    }

    private static Eip eip(int used, Map<String, String> labels) {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("pool").withLabels(labels).build());
        eip.setStatus(new EipStatus());
        eip.getStatus().usage = (long) used;
        return eip;
    }

    private static BgpPeer peer(String state, Map<String, String> labels) {
        BgpPeer peer = new BgpPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName("router").withLabels(labels).build());
        peer.setStatus(new BgpPeerStatus());
        peer.getStatus().nodesPeerStatus = new HashMap<>();
        BgpPeerStatus.NodePeerStatus status = new BgpPeerStatus.NodePeerStatus();
        status.peerState = new BgpPeerStatus.PeerState();
        status.peerState.sessionState = state;
        peer.getStatus().nodesPeerStatus.put("node1", status);
        return peer;
    }
}
