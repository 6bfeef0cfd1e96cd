package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** BgpPeer spec, as OpenELB v0.6 writes it (gobgp's neighbour model), plus a password from a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BgpPeerSpec {
    public PeerConf conf;
    public EbgpMultihop ebgpMultihop;
    public Timers timers;
    public Transport transport;
    public GracefulRestart gracefulRestart;
    public List<AfiSafi> afiSafis;
    /** Which nodes' speakers peer with this router; absent selects every node. */
    public LabelSelector nodeSelector;
    /** BFD on this session (not in OpenELB); absent or not enabled: none. */
    public Bfd bfd;

    /**
     * BFD (RFC 5880, single hop RFC 5881) with the router: when it detects the path down, the BGP session
     * goes down at once instead of after the hold time. Field names and units as MetalLB's BFDProfile.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Bfd {
        public Boolean enabled;
        /** Milliseconds: the fastest this node sends control packets. */
        public Integer transmitInterval;
        /** Milliseconds: the fastest this node wants to receive them. */
        public Integer receiveInterval;
        /** Packets missed before the path counts as down. */
        public Integer detectMultiplier;
        /** Wait for the router to speak first. */
        public Boolean passiveMode;
    }

    /** The neighbour itself. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class PeerConf {
        public Boolean adminDown;
        public Integer allowOwnAs;
        /** TCP MD5 password in clear text, as OpenELB has it; prefer {@link #authPasswordSecretRef}. */
        public String authPassword;
        public SecretKeyRef authPasswordSecretRef;
        public String description;
        public Long localAs;
        public String neighborAddress;
        public String neighborInterface;
        public Long peerAs;
        public String peerGroup;
        public Integer peerType;
        public String removePrivateAs;
        public Boolean replacePeerAs;
        public Boolean routeFlapDamping;
        public Integer sendCommunity;
        public String vrf;
    }

    /** A key of a Secret; the namespace defaults to the program's own. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class SecretKeyRef {
        public String name;
        public String namespace;
        public String key;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class EbgpMultihop {
        public Boolean enabled;
        public Integer multihopTtl;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Timers {
        public TimersConfig config;
    }

    /** Seconds. OpenELB writes them as strings ("90"); numbers are accepted too. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class TimersConfig {
        public IntOrString connectRetry;
        public IntOrString holdTime;
        public IntOrString keepaliveInterval;
        public IntOrString minimumAdvertisementInterval;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Transport {
        public Boolean mtuDiscovery;
        public Boolean passiveMode;
        public String remoteAddress;
        public Integer remotePort;
        public Integer tcpMss;
    }

    /** One address family of the session. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class AfiSafi {
        public AfiSafiConfig config;
        public AddPaths addPaths;
        public MpGracefulRestart mpGracefulRestart;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class AfiSafiConfig {
        public Family family;
        public Boolean enabled;
    }

    /** gobgp family names, e.g. {@code AFI_IP} / {@code SAFI_UNICAST}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Family {
        public String afi;
        public String safi;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class AddPaths {
        public AddPathsConfig config;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class AddPathsConfig {
        public Boolean receive;
        public Integer sendMax;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class MpGracefulRestart {
        public MpGracefulRestartConfig config;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class MpGracefulRestartConfig {
        public Boolean enabled;
    }
}
