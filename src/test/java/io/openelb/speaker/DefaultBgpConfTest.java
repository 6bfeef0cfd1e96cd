package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfSpec;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.cluster.Conversion;
import io.openelb.model.NodeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** BgpConf default deleted by accident: the sessions stay on the last one seen, and the speaker says so. */
class DefaultBgpConfTest {
    private static final NodeModel NODE = Conversion.node(new NodeBuilder().withNewMetadata().withName("node1")
            .endMetadata().withNewStatus().addNewAddress().withType("InternalIP").withAddress("10.77.0.11")
            .endAddress().endStatus().build());
    private static final BgpConfigs.Passwords NO_PASSWORDS = new BgpConfigs.Passwords() {
        @Override
        public String fromSecret(BgpPeerSpec.SecretKeyRef ref) {
            throw new AssertionError("not asked");
        }

        @Override
        public String unsupported() {
            return null;
        }
    };

    private final List<String> events = new ArrayList<>();
    private final DefaultBgpConf defaultConf = new DefaultBgpConf("node1", (reason, message) -> events.add(
            reason + ": " + message));

    private static BgpConf conf(long as) {
        BgpConf conf = new BgpConf();
        conf.setMetadata(new ObjectMetaBuilder().withName("default").build());
        conf.setSpec(new BgpConfSpec());
        conf.getSpec().as = as;
        return conf;
    }

    private static BgpPeer peer(String name, String address) {
        BgpPeer peer = new BgpPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(new BgpPeerSpec());
        peer.getSpec().conf = new BgpPeerSpec.PeerConf();
        peer.getSpec().conf.neighborAddress = address;
        peer.getSpec().conf.peerAs = 64512L;
        return peer;
    }

    private List<PeerTarget> targets(Optional<BgpConf> inCluster, List<BgpPeer> peers) {
        return BgpConfigs.of(defaultConf.use(inCluster), peers, NODE, NO_PASSWORDS).targets();
    }

    @Test
    void afterBgpConfDefaultIsDeletedTheSessionsStayAsTheyWereAndTheSpeakerSaysWhy() {
        List<BgpPeer> peers = List.of(peer("tor1", "10.77.0.1"), peer("tor2", "10.77.0.2"));
        List<PeerTarget> before = targets(Optional.of(conf(64513)), peers);
        assertThat(before).hasSize(2);
        assertThat(defaultConf.problem(Set.of("default"), 2)).isEmpty();

        List<PeerTarget> afterDelete = targets(Optional.empty(), peers);

        assertThat(afterDelete).as("same targets: no session restarts").isEqualTo(before);
        assertThat(defaultConf.problem(Set.of(), 2)).startsWith("BgpConf default was deleted: this node keeps its "
                + "sessions with the last one seen until one is created again");
    }

    @Test
    void whileBgpConfDefaultIsGoneDeletingABgpPeerStillEndsItsSession() {
        targets(Optional.of(conf(64513)), List.of(peer("tor1", "10.77.0.1"), peer("tor2", "10.77.0.2")));

        assertThat(targets(Optional.empty(), List.of(peer("tor2", "10.77.0.2")))).extracting(PeerTarget::name)
                .containsExactly("tor2");
        assertThat(targets(Optional.empty(), List.of())).isEmpty();
        assertThat(defaultConf.problem(Set.of(), 0)).as("no BgpPeer left: nothing is missing").isEmpty();
    }

    @Test
    void aBgpConfDefaultCreatedAgainReplacesTheRememberedOne() {
        List<BgpPeer> peers = List.of(peer("tor1", "10.77.0.1"));
        targets(Optional.of(conf(64513)), peers);
        targets(Optional.empty(), peers);

        List<PeerTarget> recreated = targets(Optional.of(conf(64600)), peers);

        assertThat(recreated.get(0).config().localAs()).isEqualTo(64600);
        assertThat(defaultConf.problem(Set.of("default"), 1)).isEmpty();
    }

    @Test
    void aSpeakerThatNeverSawBgpConfDefaultPeersWithNoRouterAndSaysSo() {
        assertThat(targets(Optional.empty(), List.of(peer("tor1", "10.77.0.1")))).isEmpty();
        assertThat(defaultConf.problem(Set.of("defualt"), 1)).isEqualTo("BgpConf default is missing (only the one "
                + "named default is used; found defualt): 1 BgpPeer(s) not used, this node peers with no router");
    }

    @Test
    void aBgpConfWithoutSpecIsUsedAsItIsAndNotRememberedAsTheLastGoodOne() {
        List<BgpPeer> peers = List.of(peer("tor1", "10.77.0.1"));
        targets(Optional.of(conf(64513)), peers);
        BgpConf empty = conf(64513);
        empty.setSpec(null);

        assertThat(targets(Optional.of(empty), peers)).as("the user's object, as it is").isEmpty();
        assertThat(targets(Optional.empty(), peers)).isEmpty();
        assertThat(defaultConf.problem(Set.of(), 1)).startsWith("BgpConf default is missing");
    }

    @Test
    void listenAddressesLeftOutAreSaidOnceInAWarningEventOnTheBgpConf() {
        BgpConf conf = conf(64513);
        conf.getSpec().listenPort = 179;
        conf.getSpec().listenAddresses = List.of("10.77.0.11", "10.77.0.300");

        assertThat(defaultConf.listen(Optional.of(conf)).addresses()).containsExactly("10.77.0.11");
        defaultConf.listen(Optional.of(conf));

        assertThat(events).containsExactly("InvalidListenAddress: node node1: spec.listenAddresses[1]: "
                + "'10.77.0.300' is not an IPv4 or IPv6 address: left out, listening on port 179 of 10.77.0.11");
        conf.getSpec().listenAddresses = List.of("10.77.0.300");
        defaultConf.listen(Optional.of(conf));
        assertThat(events).hasSize(2).last().asString().endsWith("listening on port 179 of every address of the node");
    }

    @Test
    void listenAddressesWithoutAListenerAreNotReported() {
        BgpConf conf = conf(64513);
        conf.getSpec().listenAddresses = List.of("10.77.0.300");

        assertThat(defaultConf.listen(Optional.of(conf)).port()).isZero();
        assertThat(defaultConf.listen(Optional.empty()).addresses()).isEmpty();
        assertThat(events).isEmpty();
    }
}
