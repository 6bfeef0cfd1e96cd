package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.openelb.cluster.Conversion;
import io.openelb.model.NodeModel;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfSpec;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BgpConfigsTest {
    private static final NodeModel NODE = Conversion.node(new NodeBuilder().withNewMetadata().withName("node1")
            .withLabels(Map.of("openelb.kubesphere.io/rack", "rack-a", "zone", "z1")).endMetadata()
            .withNewStatus().addNewAddress().withType("InternalIP").withAddress("10.77.0.11").endAddress().endStatus()
            .build());

    /** A process without epoll: MD5 peers are refused with this reason. */
    private static final BgpConfigs.Passwords NO_MD5 = new BgpConfigs.Passwords() {
        @Override
        public String fromSecret(BgpPeerSpec.SecretKeyRef ref) {
            throw new AssertionError("not asked");
        }

        @Override
        public String unsupported() {
            return "no epoll here";
        }
    };

    /** MD5 works; one Secret "bgp-auth" with key "router1". */
    private static final BgpConfigs.Passwords SECRETS = new BgpConfigs.Passwords() {
        @Override
        public String fromSecret(BgpPeerSpec.SecretKeyRef ref) {
            if (!"bgp-auth".equals(ref.name) || !"router1".equals(ref.key)) {
                throw new IllegalArgumentException("Secret openelb-system/" + ref.name + " not found");
            }
            return "from-secret";
        }

        @Override
        public String unsupported() {
            return null;
        }
    };

    private static BgpConf conf(Long as, Map<String, Long> perRack, String routerId) {
        BgpConf conf = new BgpConf();
        conf.setMetadata(new ObjectMetaBuilder().withName("default").build());
        conf.setSpec(new BgpConfSpec());
        conf.getSpec().as = as;
        conf.getSpec().asPerRack = perRack;
        conf.getSpec().routerId = routerId;
        return conf;
    }

    private static BgpPeer peer(String name, String address, long peerAs) {
        BgpPeer peer = new BgpPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName(name).build());
        peer.setSpec(new BgpPeerSpec());
        peer.getSpec().conf = new BgpPeerSpec.PeerConf();
        peer.getSpec().conf.neighborAddress = address;
        peer.getSpec().conf.peerAs = peerAs;
        return peer;
    }

    @Test
    void aPeerGetsTheRackAsTheNodeAddressAsRouterIdAndOpenElbStringTimers() {
        BgpPeer peer = peer("tor", "10.77.0.1", 64512);
        peer.getSpec().timers = new BgpPeerSpec.Timers();
        peer.getSpec().timers.config = new BgpPeerSpec.TimersConfig();
        peer.getSpec().timers.config.holdTime = new IntOrString("9");
        peer.getSpec().timers.config.connectRetry = new IntOrString(2);

        BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, Map.of("rack-a", 65101L), null)),
                List.of(peer), NODE, NO_MD5);

        PeerTarget target = result.targets().get(0);
        assertThat(target.address()).isEqualTo(IpAddress.parse("10.77.0.1"));
        assertThat(target.port()).isEqualTo(179);
        assertThat(target.config().localAs()).isEqualTo(65101);
        assertThat(target.config().routerId()).isEqualTo(IpAddress.parse("10.77.0.11").value().longValue());
        assertThat(target.config().holdTime()).isEqualTo(Duration.ofSeconds(9));
        assertThat(target.config().connectRetry()).isEqualTo(Duration.ofSeconds(2));
        assertThat(target.config().families()).isEqualTo(Set.of(IpFamily.IPV4));
    }

    @Test
    void nodeSelectorsChooseTheNodesThatPeer() {
        BgpPeer other = peer("other-zone", "10.77.0.2", 64512);
        other.getSpec().nodeSelector = new LabelSelectorBuilder().addToMatchLabels("zone", "z2").build();
        BgpPeer mine = peer("my-zone", "fd77::1", 64512);
        mine.getSpec().nodeSelector = new LabelSelectorBuilder().addNewMatchExpression().withKey("zone")
                .withOperator("In").withValues("z1", "z3").endMatchExpression().build();

        BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, null, "192.0.2.1")), List.of(other, mine),
                NODE, NO_MD5);

        assertThat(result.targets()).extracting(PeerTarget::name).containsExactly("my-zone");
        assertThat(result.targets().get(0).config().families()).isEqualTo(Set.of(IpFamily.IPV6));
    }

    @Test
    void unusablePeersAreSkippedWithTheReasonAndTheOthersStay() {
        BgpPeer md5 = peer("md5", "10.77.0.1", 64512);
        md5.getSpec().conf.authPassword = "secret";
        BgpPeer passive = peer("passive", "10.77.0.2", 64512);
        passive.getSpec().transport = new BgpPeerSpec.Transport();
        passive.getSpec().transport.passiveMode = true;
        BgpPeer garbage = peer("garbage", "router-1", 64512);
        BgpPeer fine = peer("fine", "10.77.0.3", 64512);

        BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, null, null)),
                List.of(md5, passive, garbage, fine), NODE, NO_MD5);

        assertThat(result.targets()).extracting(PeerTarget::name).containsExactly("fine");
        assertThat(result.skipped()).containsEntry("md5", "no epoll here")
                .containsEntry("passive", "transport.passiveMode needs BgpConf spec.listenPort: the router must "
                        + "connect to it")
                .containsKey("garbage");
        assertThat(result.skipped().get("md5")).doesNotContain("secret");
        assertThat(BgpConfigs.of(Optional.empty(), List.of(fine), NODE, NO_MD5).skipped())
                .containsEntry("fine", "BgpConf default is missing: it gives the speakers their AS");
        BgpConf listening = conf(65000L, null, null);
        listening.getSpec().listenPort = 179;
        assertThat(BgpConfigs.of(Optional.of(listening), List.of(passive), NODE, NO_MD5).targets().get(0).config().passive())
                .isTrue();
    }

    @Test
    void md5PasswordsComeFromThePeerOrASecretAndNeverPrint() {
        BgpPeer clear = peer("clear", "10.77.0.1", 64512);
        clear.getSpec().conf.authPassword = "clear-text";
        BgpPeer fromSecret = peer("from-secret", "10.77.0.2", 64512);
        fromSecret.getSpec().conf.authPasswordSecretRef = ref("bgp-auth", "router1");
        BgpPeer missing = peer("missing", "10.77.0.3", 64512);
        missing.getSpec().conf.authPasswordSecretRef = ref("nope", "router1");
        BgpPeer tooLong = peer("too-long", "10.77.0.4", 64512);
        tooLong.getSpec().conf.authPassword = "x".repeat(81);

        BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, null, null)),
                List.of(clear, fromSecret, missing, tooLong), NODE, SECRETS);

        assertThat(result.targets()).extracting(PeerTarget::name).containsExactlyInAnyOrder("clear", "from-secret");
        PeerTarget first = result.targets().stream().filter(t -> t.name().equals("clear")).findFirst().orElseThrow();
        PeerTarget second = result.targets().stream().filter(t -> t.name().equals("from-secret")).findFirst().orElseThrow();
        assertThat(first.md5()).isEqualTo(new TcpMd5Key("clear-text"));
        assertThat(second.md5()).isEqualTo(new TcpMd5Key("from-secret"));
        assertThat(first.toString()).doesNotContain("clear-text").contains("(password hidden)");
        assertThat(result.skipped()).containsEntry("missing", "Secret openelb-system/nope not found")
                .containsEntry("too-long", "the TCP MD5 password must be 1 to 80 bytes long");
    }

    private static BgpPeerSpec.SecretKeyRef ref(String name, String key) {
        BgpPeerSpec.SecretKeyRef ref = new BgpPeerSpec.SecretKeyRef();
        ref.name = name;
        ref.key = key;
        return ref;
    }

    @Test
    void ebgpPacketsLeaveWithTtl1UnlessMultihopAndIbgpWithTheSystemDefault() {
        BgpPeer ebgp = peer("ebgp", "10.77.0.1", 64512);
        BgpPeer multihop = peer("multihop", "10.77.0.2", 64512);
        multihop.getSpec().ebgpMultihop = new BgpPeerSpec.EbgpMultihop();
        multihop.getSpec().ebgpMultihop.enabled = true;
        BgpPeer multihop5 = peer("multihop5", "10.77.0.3", 64512);
        multihop5.getSpec().ebgpMultihop = new BgpPeerSpec.EbgpMultihop();
        multihop5.getSpec().ebgpMultihop.enabled = true;
        multihop5.getSpec().ebgpMultihop.multihopTtl = 5;
        BgpPeer ibgp = peer("ibgp", "10.77.0.4", 65000);

        Map<String, Integer> ttls = new java.util.TreeMap<>();
        BgpConfigs.of(Optional.of(conf(65000L, null, null)), List.of(ebgp, multihop, multihop5, ibgp), NODE, NO_MD5)
                .targets().forEach(t -> ttls.put(t.name(), t.ttl()));

        assertThat(ttls).containsExactlyEntriesOf(new java.util.TreeMap<>(
                Map.of("ebgp", 1, "ibgp", 0, "multihop", 255, "multihop5", 5)));
    }

    @Test
    void aPeerInOurOwnAsIsAnIbgpSessionNotARefusal() {
        BgpPeer ibgp = peer("ibgp", "10.77.0.4", 65000);

        BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, null, null)), List.of(ibgp), NODE, NO_MD5);

        assertThat(result.skipped()).isEmpty();
        assertThat(result.targets()).singleElement().satisfies(t -> {
            assertThat(t.config().peerAs()).isEqualTo(65000);
            assertThat(t.config().localAs()).isEqualTo(65000);
        });
    }

    @Test
    void listenersBindTheListedAddressesOrEveryAddressOfTheNode() {
        BgpConf conf = conf(65000L, null, null);
        assertThat(BgpConfigs.listen(conf).addresses()).containsExactly("::");
        conf.getSpec().listenAddresses = List.of("10.77.0.11", "fd77:0:0::11");
        assertThat(BgpConfigs.listen(conf).addresses()).containsExactly("10.77.0.11", "fd77::11");
        conf.getSpec().listenAddresses = List.of("0.0.0.0", "::"); // gobgp's usual: one dual-stack socket
        assertThat(BgpConfigs.listen(conf).addresses()).containsExactly("::");
    }

    /** Objects stored before the CRD's pattern, or entries it lets by: each left out with the reason. */
    @Test
    void invalidListenAddressesAreLeftOutEachWithItsReason() {
        BgpConf conf = conf(65000L, null, null);
        conf.getSpec().listenPort = 179;
        conf.getSpec().listenAddresses = new java.util.ArrayList<>(List.of("10.77.0.11", "node1.example", "",
                "10.77.0.300", "fd77::1%eth0", "fd77::11"));
        conf.getSpec().listenAddresses.add(null);

        BgpConfigs.Listen listen = BgpConfigs.listen(conf);

        assertThat(listen.port()).isEqualTo(179);
        assertThat(listen.addresses()).containsExactly("10.77.0.11", "fd77::11");
        assertThat(listen.invalid()).containsExactly(
                "spec.listenAddresses[1]: 'node1.example' is not an IPv4 or IPv6 address",
                "spec.listenAddresses[2]: empty",
                "spec.listenAddresses[3]: '10.77.0.300' is not an IPv4 or IPv6 address",
                "spec.listenAddresses[4]: 'fd77::1%eth0' is not an IPv4 or IPv6 address",
                "spec.listenAddresses[6]: empty");
        conf.getSpec().listenAddresses = List.of("10.77.0.11", "fd77::11");
        assertThat(BgpConfigs.listen(conf).invalid()).isEmpty();
    }

    /** What CRD validation cannot see (the node's own address) or objects stored before its rules: skipped, saying why. */
    @Test
    void reservedAsNumbersNonRouterAddressesAndTheNodesOwnAddressAreSkippedWithTheReason() {
        BgpPeer asTrans = peer("as-trans", "10.77.0.2", 23456);
        BgpPeer asZero = peer("as-zero", "10.77.0.3", 0);
        BgpPeer self = peer("self", "10.77.0.11", 64512);
        BgpPeer loopback = peer("loopback", "127.0.0.1", 64512);
        BgpPeer unspecified = peer("unspecified", "::", 64512);
        BgpPeer multicast = peer("multicast", "224.0.0.5", 64512);
        BgpPeer localAsTrans = peer("local-as-trans", "10.77.0.4", 64512);
        localAsTrans.getSpec().conf.localAs = 23456L;
        BgpPeer fine = peer("fine", "10.77.0.1", 64512);

        BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, null, null)),
                List.of(asTrans, asZero, self, loopback, unspecified, multicast, localAsTrans, fine), NODE, SECRETS);

        assertThat(result.targets()).extracting(PeerTarget::name).containsExactly("fine");
        assertThat(result.skipped())
                .containsEntry("as-trans", "spec.conf.peerAs 23456 is AS_TRANS (RFC 6793), reserved: no router has it")
                .containsEntry("as-zero", "spec.conf.peerAs 0 is not an AS number (1-4294967295)")
                .containsEntry("self", "neighborAddress 10.77.0.11 is this node's own address (InternalIP): a speaker "
                        + "cannot peer with itself")
                .containsEntry("local-as-trans",
                        "spec.conf.localAs 23456 is AS_TRANS (RFC 6793), reserved: no router has it");
        assertThat(List.of("loopback", "unspecified", "multicast")).allSatisfy(name -> assertThat(result.skipped()
                .get(name)).endsWith("is not a router's address (unspecified, loopback, multicast or broadcast)"));
        assertThat(BgpConfigs.of(Optional.of(conf(23456L, null, null)), List.of(fine), NODE, SECRETS).skipped())
                .containsEntry("fine", "BgpConf default spec.as 23456 is AS_TRANS (RFC 6793), reserved: no router has it");
        assertThat(BgpConfigs.of(Optional.of(conf(65000L, Map.of("rack-a", 23456L), null)), List.of(fine), NODE,
                SECRETS).skipped()).containsEntry("fine",
                        "BgpConf default spec.asPerRack[rack-a] 23456 is AS_TRANS (RFC 6793), reserved: no router has it");
    }

    /** A second BgpPeer for a neighbour already peered would open a second session that collides with the first. */
    @Test
    void ofTwoPeersNamingOneNeighbourTheOlderKeepsItsSessionWhateverTheOrder() {
        BgpPeer older = peer("router", "10.77.0.1", 64512);
        older.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        BgpPeer newer = peer("again", "10.77.0.1", 64999);
        newer.getMetadata().setCreationTimestamp("2026-01-02T00:00:00Z");

        for (List<BgpPeer> order : List.of(List.of(older, newer), List.of(newer, older))) {
            BgpConfigs.Result result = BgpConfigs.of(Optional.of(conf(65000L, null, null)), order, NODE, SECRETS);

            assertThat(result.targets()).extracting(PeerTarget::name).containsExactly("router");
            assertThat(result.skipped()).containsExactly(Map.entry("again", "neighborAddress 10.77.0.1 is already "
                    + "BgpPeer router's: one session per neighbour, the older BgpPeer keeps it"));
        }
    }
}
