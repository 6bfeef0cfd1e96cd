package io.openelb.api.v1alpha2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/**
 * BgpPeer status: each node's session to this router, in OpenELB's shape (gobgp's counters as strings),
 * plus standard conditions. Unlike OpenELB it never carries the password.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BgpPeerStatus {
    public Map<String, NodePeerStatus> nodesPeerStatus;
    public List<Condition> conditions;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class NodePeerStatus {
        public PeerState peerState;
        public TimersState timersState;
        /**
         * The node's BFD session with the router, when {@code spec.bfd} enables it; not in OpenELB. Written as
         * null when BFD is off: a merge patch then removes the state an earlier session left.
         */
        @JsonInclude(JsonInclude.Include.ALWAYS)
        public Bfd bfd;
    }

    /** A BFD session's state (RFC 5880): {@code AdminDown}, {@code Down}, {@code Init} or {@code Up}, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Bfd {
        public String state;
        /** Why it last changed state: RFC 5880 section 4.1's diagnostic in one word, {@code None} once Up. */
        public String diagnostic;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class PeerState {
        public String adminState;
        public String description;
        public Integer flops;
        public Long localAs;
        public Messages messages;
        public String neighborAddress;
        public Integer outQ;
        public Long peerAs;
        public String peerGroup;
        public Integer peerType;
        public Queues queues;
        public Integer removePrivateAs;
        public Boolean routeFlapDamping;
        public String routerId;
        public Integer sendCommunity;
        public String sessionState;
        /** Routes this node has announced on the session (one per path with ADD-PATH); not in OpenELB. */
        public Integer advertisedPrefixes;
        /**
         * Why the session last went down or failed to come up, as the speaker's HTTP API ({@code lastError})
         * says it; "" when it never did. Not in OpenELB.
         */
        public String lastError;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Messages {
        public MessageCounters received;
        public MessageCounters sent;
    }

    /** Message counts; strings because gobgp's uint64 counters are JSON strings in OpenELB. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class MessageCounters {
        public String discarded;
        public String keepalive;
        public String notification;
        public String open;
        public String refresh;
        public String total;
        public String update;
        public String withdrawPrefix;
        public String withdrawUpdate;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Queues {
        public Integer input;
        public Integer output;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class TimersState {
        public String connectRetry;
        public String downtime;
        public String holdTime;
        public String keepaliveInterval;
        public String minimumAdvertisementInterval;
        public String negotiatedHoldTime;
        public String uptime;
    }
}
