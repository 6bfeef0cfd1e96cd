package io.openelb.speaker;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfStatus;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.bfd.BfdProfile;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.NodeModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns BgpConf {@code default}, the BgpPeers and this node into the sessions this node runs. A peer
 * that cannot be used is skipped with the reason, and the others go on.
 */
final class BgpConfigs {
    /** Node label naming the rack, for {@code BgpConf.spec.asPerRack} (OpenELB's). */
    static final String RACK_LABEL = "openelb.kubesphere.io/rack";
    static final int DEFAULT_PORT = 179;
    static final Duration DEFAULT_HOLD = Duration.ofSeconds(90);
    static final Duration CONNECT_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_CONNECT_RETRY = Duration.ofSeconds(60);
    /** RFC 6793 section 9: AS_TRANS stands in for a 4-octet AS in a 2-octet field; no speaker has it. */
    static final long AS_TRANS = 23456;

    /**
     * @param conf this node's router id and AS, for BgpConf's status (null without a usable BgpConf)
     */
    record Result(List<PeerTarget> targets, Map<String, String> skipped, BgpConfStatus.NodeConfStatus conf) {}

    /** Where TCP MD5 passwords come from besides the BgpPeer itself: Secrets of the program's namespace. */
    interface Passwords {
        /** The password a reference names; throws IllegalArgumentException saying what is missing. */
        String fromSecret(BgpPeerSpec.SecretKeyRef ref);

        /** Why TCP MD5 cannot be used in this process, or null when it can. */
        String unsupported();
    }

    private BgpConfigs() {}

    /** What every peer of this node shares: BgpConf default as it applies to this node. */
    private record Local(BgpConf conf, Long as, String asField, Optional<IpAddress> routerId, NodeModel node,
            Passwords passwords) {}

    static Result of(Optional<BgpConf> conf, Collection<BgpPeer> peers, NodeModel node, Passwords passwords) {
        List<PeerTarget> targets = new ArrayList<>();
        Map<String, String> skipped = new java.util.TreeMap<>();
        if (conf.isEmpty() || conf.get().getSpec() == null) {
            peers.forEach(p -> skipped.put(p.getMetadata().getName(), "BgpConf default is missing: it gives the speakers their AS"));
            return new Result(targets, skipped, null);
        }
        Local local = local(conf.get(), node, passwords);
        Map<IpAddress, String> byAddress = new java.util.HashMap<>();
        // oldest first: of two BgpPeers naming one neighbour the older keeps its session, the newer is skipped
        List<BgpPeer> oldestFirst = peers.stream().sorted(java.util.Comparator
                .comparing((BgpPeer p) -> Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(p -> p.getMetadata().getName())).toList();
        for (BgpPeer peer : oldestFirst) {
            try {
                target(peer, local, byAddress).ifPresent(targets::add);
            } catch (IllegalArgumentException e) { // a bad object; a programming error is not a reason
                skipped.put(peer.getMetadata().getName(), e.getMessage());
            }
        }
        BgpConfStatus.NodeConfStatus mine = new BgpConfStatus.NodeConfStatus();
        mine.as = local.as();
        mine.routerId = local.routerId().map(IpAddress::toString).orElse(null);
        return new Result(targets, skipped, mine);
    }

    private static Local local(BgpConf conf, NodeModel node, Passwords passwords) {
        var global = conf.getSpec();
        String rack = node.labels().get(RACK_LABEL);
        boolean perRack = global.asPerRack != null && rack != null;
        Long as = perRack ? global.asPerRack.getOrDefault(rack, global.as) : global.as;
        String asField = perRack && global.asPerRack.containsKey(rack)
                ? "BgpConf default spec.asPerRack[" + rack + "]" : "BgpConf default spec.as";
        Optional<IpAddress> routerId = Optional.ofNullable(global.routerId).map(IpAddress::parse)
                .or(() -> node.internalIp(IpFamily.IPV4));
        return new Local(conf, as, asField, routerId, node, passwords);
    }

    /** The session of one BgpPeer on this node; empty when the peer does not select it. */
    private static Optional<PeerTarget> target(BgpPeer peer, Local local, Map<IpAddress, String> byAddress) {
        String name = peer.getMetadata().getName();
        BgpPeerSpec spec = peer.getSpec();
        if (spec == null || spec.conf == null || spec.conf.neighborAddress == null || spec.conf.peerAs == null) {
            throw new IllegalArgumentException("spec.conf.neighborAddress and spec.conf.peerAs are required");
        }
        if (!selects(spec.nodeSelector, local.node().labels())) {
            return Optional.empty();
        }
        TcpMd5Key md5 = md5(spec.conf, local.passwords());
        boolean passive = spec.transport != null && Boolean.TRUE.equals(spec.transport.passiveMode);
        if (passive && listenPort(local.conf()) <= 0) {
            throw new IllegalArgumentException(
                    "transport.passiveMode needs BgpConf spec.listenPort: the router must connect to it");
        }
        if (spec.conf.localAs == null && local.as() == null) {
            throw new IllegalArgumentException("BgpConf default has no spec.as (nor asPerRack for this node's rack)");
        }
        long as = spec.conf.localAs != null ? spec.conf.localAs : local.as();
        IpAddress address = IpAddress.parse(spec.conf.neighborAddress.trim());
        checkAs("spec.conf.peerAs", spec.conf.peerAs);
        checkAs(spec.conf.localAs != null ? "spec.conf.localAs" : local.asField(), as);
        checkNeighbor(address, local.node());
        String other = byAddress.putIfAbsent(address, name);
        if (other != null) {
            throw new IllegalArgumentException("neighborAddress " + address + " is already BgpPeer " + other
                    + "'s: one session per neighbour, the older BgpPeer keeps it");
        }
        long id = local.routerId().orElseThrow(() -> new IllegalArgumentException(
                "no router id: set BgpConf spec.routerId or give the node an IPv4 InternalIP")).value().longValue();
        int port = spec.transport != null && spec.transport.remotePort != null ? spec.transport.remotePort
                : DEFAULT_PORT;
        return Optional.of(new PeerTarget(name, address, port, md5, ttl(spec, as),
                sessionConfig(spec, local.conf(), as, id, address, passive), bfd(spec.bfd)));
    }

    private static SessionConfig sessionConfig(BgpPeerSpec spec, BgpConf conf, long as, long id, IpAddress address,
            boolean passive) {
        var timers = spec.timers == null || spec.timers.config == null ? null : spec.timers.config;
        Duration hold = timers == null ? DEFAULT_HOLD : seconds(timers.holdTime, DEFAULT_HOLD);
        Duration keepalive = timers == null ? null : seconds(timers.keepaliveInterval, null);
        Duration retry = timers == null ? CONNECT_RETRY : seconds(timers.connectRetry, CONNECT_RETRY);
        var gr = spec.gracefulRestart != null ? spec.gracefulRestart : conf.getSpec().gracefulRestart;
        int restartTime = gr != null && Boolean.TRUE.equals(gr.enabled)
                ? Objects.requireNonNullElse(gr.restartTime, 120) : -1;
        Set<IpFamily> families = families(spec, address);
        return new SessionConfig(as, id, spec.conf.peerAs, families, hold, keepalive, retry, MAX_CONNECT_RETRY,
                passive, restartTime, addPathSend(spec, families));
    }

    /** BFD with the router as {@code spec.bfd} asks (MetalLB's defaults: 300 ms, 300 ms, 3), or null for none. */
    static BfdProfile bfd(BgpPeerSpec.Bfd bfd) {
        if (bfd == null || !Boolean.TRUE.equals(bfd.enabled)) {
            return null;
        }
        BfdProfile d = BfdProfile.DEFAULT;
        try {
            return new BfdProfile(
                    bfd.transmitInterval == null ? d.minTx() : Duration.ofMillis(bfd.transmitInterval),
                    bfd.receiveInterval == null ? d.minRx() : Duration.ofMillis(bfd.receiveInterval),
                    bfd.detectMultiplier == null ? d.detectMultiplier() : bfd.detectMultiplier,
                    Boolean.TRUE.equals(bfd.passiveMode));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.bfd: " + e.getMessage(), e);
        }
    }

    /** AS 0 (RFC 7607) and AS_TRANS (RFC 6793) are never a speaker's AS; objects older than the CRD's rule may hold them. */
    static void checkAs(String field, long as) {
        if (as <= 0 || as > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(field + " " + as + " is not an AS number (1-4294967295)");
        }
        if (as == AS_TRANS) {
            throw new IllegalArgumentException(field + " 23456 is AS_TRANS (RFC 6793), reserved: no router has it");
        }
    }

    /** A neighbour must be another host's unicast address, not one of this node's own. */
    static void checkNeighbor(IpAddress address, NodeModel node) {
        byte[] b = address.toBytes();
        boolean v4 = address.family() == IpFamily.IPV4;
        if (address.value().signum() == 0 || v4 && ((b[0] & 0xff) == 127 || (b[0] & 0xf0) == 0xe0
                || address.value().longValue() == 0xFFFFFFFFL)
                || !v4 && ((b[0] & 0xff) == 0xff || address.value().equals(java.math.BigInteger.ONE))) {
            throw new IllegalArgumentException("neighborAddress " + address
                    + " is not a router's address (unspecified, loopback, multicast or broadcast)");
        }
        String type = node.addresses().get(address);
        if (type != null) {
            throw new IllegalArgumentException("neighborAddress " + address + " is this node's own address ("
                    + type + "): a speaker cannot peer with itself");
        }
    }

    /**
     * The IP TTL, as GoBGP (which OpenELB embeds) sets it: 1 for eBGP (the router is the next hop), the
     * multihop TTL (default 255) with {@code ebgpMultihop.enabled}, the system's default for iBGP.
     */
    static int ttl(BgpPeerSpec spec, long localAs) {
        if (spec.conf.peerAs == localAs) {
            return 0;
        }
        if (spec.ebgpMultihop != null && Boolean.TRUE.equals(spec.ebgpMultihop.enabled)) {
            return spec.ebgpMultihop.multihopTtl != null ? spec.ebgpMultihop.multihopTtl : 255;
        }
        return 1;
    }

    /** The session's TCP MD5 key, or null; a reference that cannot be resolved skips the peer, saying why. */
    private static TcpMd5Key md5(BgpPeerSpec.PeerConf conf, Passwords passwords) {
        if (conf.authPassword == null && conf.authPasswordSecretRef == null) {
            return null;
        }
        if (passwords.unsupported() != null) { // say so rather than run a session the router never answers
            throw new IllegalArgumentException(passwords.unsupported());
        }
        String password = conf.authPasswordSecretRef != null ? passwords.fromSecret(conf.authPasswordSecretRef)
                : conf.authPassword;
        return new TcpMd5Key(password);
    }

    /**
     * The speaker's listeners as a BgpConf asks for them.
     *
     * @param port      0 or less: no listener
     * @param addresses IP literals, or "::" for every address of the node
     * @param invalid   why each entry of {@code listenAddresses} that is not an IP literal is left out
     */
    record Listen(int port, List<String> addresses, List<String> invalid) {}

    /**
     * The port and addresses to listen on: BgpConf {@code listenAddresses} (IP literals; others are left
     * out with the reason), or every address of the node ("::" takes IPv4 too, as IPv4-mapped, on Linux) when
     * none is left or when a wildcard is listed (gobgp's usual ["0.0.0.0", "::"] would otherwise bind the
     * port twice).
     */
    static Listen listen(BgpConf conf) {
        List<String> listed = conf.getSpec() == null || conf.getSpec().listenAddresses == null ? List.of()
                : conf.getSpec().listenAddresses;
        List<String> addresses = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        boolean wildcard = false;
        for (int i = 0; i < listed.size(); i++) {
            String text = listed.get(i);
            try {
                IpAddress address = IpAddress.parse(Objects.requireNonNullElse(text, "").trim());
                wildcard |= address.value().signum() == 0;
                addresses.add(address.toString());
            } catch (IllegalArgumentException e) { // an object stored before the CRD's pattern, or one it lets by
                invalid.add("spec.listenAddresses[" + i + "]: " + (text == null || text.isBlank() ? "empty"
                        : e.getMessage()));
            }
        }
        return new Listen(listenPort(conf), wildcard || addresses.isEmpty() ? List.of("::") : List.copyOf(addresses),
                List.copyOf(invalid));
    }

    /** The port speakers accept sessions on; 0 or less (absent, 0, gobgp's -1): no listener. */
    static int listenPort(BgpConf conf) {
        return conf.getSpec() == null || conf.getSpec().listenPort == null ? 0 : conf.getSpec().listenPort;
    }

    /** Families whose {@code addPaths.config.sendMax} is above 1: OpenELB's one path per node. */
    private static Set<IpFamily> addPathSend(BgpPeerSpec spec, Set<IpFamily> families) {
        Set<IpFamily> out = EnumSet.noneOf(IpFamily.class);
        if (spec.afiSafis == null) {
            return out;
        }
        for (var afiSafi : spec.afiSafis) {
            if (afiSafi.addPaths != null && afiSafi.addPaths.config != null && afiSafi.addPaths.config.sendMax != null
                    && afiSafi.addPaths.config.sendMax > 1 && afiSafi.config != null && afiSafi.config.family != null) {
                IpFamily family = family(afiSafi.config.family.afi);
                if (family != null && families.contains(family)) {
                    out.add(family);
                }
            }
        }
        return out;
    }

    /** gobgp's AFI name (or ipv4/ipv6) as a family; null for others. */
    private static IpFamily family(String afi) {
        String name = Objects.requireNonNullElse(afi, "");
        if (name.equalsIgnoreCase("AFI_IP") || name.equalsIgnoreCase("ipv4")) {
            return IpFamily.IPV4;
        }
        if (name.equalsIgnoreCase("AFI_IP6") || name.equalsIgnoreCase("ipv6")) {
            return IpFamily.IPV6;
        }
        return null;
    }

    /** The families of {@code afiSafis}, or by default the family of the neighbour's address. */
    private static Set<IpFamily> families(BgpPeerSpec spec, IpAddress neighbor) {
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        if (spec.afiSafis != null) {
            for (var afiSafi : spec.afiSafis) {
                if (afiSafi.config == null || afiSafi.config.family == null
                        || Boolean.FALSE.equals(afiSafi.config.enabled)) {
                    continue;
                }
                IpFamily family = family(afiSafi.config.family.afi);
                if (family != null) {
                    families.add(family);
                }
            }
        }
        return families.isEmpty() ? EnumSet.of(neighbor.family()) : families;
    }

    private static Duration seconds(IntOrString value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        String text = value.getStrVal() != null ? value.getStrVal() : String.valueOf(value.getIntVal());
        return Duration.ofMillis(Math.round(Double.parseDouble(text.trim()) * 1000));
    }

    /** Kubernetes label selector semantics; absent selects every node. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null && !selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        for (LabelSelectorRequirement r : Objects.requireNonNullElse(selector.getMatchExpressions(),
                List.<LabelSelectorRequirement>of())) {
            String value = labels.get(r.getKey());
            List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
            boolean ok = switch (Objects.requireNonNullElse(r.getOperator(), "")) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
