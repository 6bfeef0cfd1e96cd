package io.openelb.speaker;

import io.openelb.api.v1alpha2.BgpConf;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BgpConf {@code default} as this node's speaker runs with it, and what is wrong with it.
 *
 * <p>When the cluster's is deleted, the last one seen stays in use until one is created again: an accidental
 * {@code kubectl delete bgpconf default} must not end every session and withdraw every LoadBalancer address
 * at once. Sessions still end when their BgpPeers are deleted. The memory is this process's only: a speaker
 * that starts while there is none peers with no router, as before. Running on the remembered one is a
 * readiness problem, so it is logged once and {@code /readyz} says it.
 *
 * <p>Listen addresses that are not IP literals are left out; each change of them is said once, in a WARN
 * line and a Warning Event on the BgpConf. Called on the speaker verticle's event loop.
 */
final class DefaultBgpConf {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultBgpConf.class);
    /** The Event reason for listen addresses left out. */
    static final String INVALID_LISTEN_ADDRESS = "InvalidListenAddress";

    /** Where warnings about BgpConf {@code default} go besides the log: a Warning Event on it. */
    interface Warnings {
        void onBgpConf(String reason, String message);
    }

    private final String nodeName;
    private final Warnings warnings;
    private BgpConf lastSeen;
    private boolean inCluster;
    private List<String> reportedInvalid = List.of();

    DefaultBgpConf(String nodeName, Warnings warnings) {
        this.nodeName = nodeName;
        this.warnings = warnings;
    }

    /** The BgpConf to run with: the cluster's; after it was deleted, the last one seen that had a spec. */
    Optional<BgpConf> use(Optional<BgpConf> current) {
        inCluster = current.isPresent();
        if (inCluster) {
            lastSeen = current.get().getSpec() != null ? current.get() : null;
            return current;
        }
        return Optional.ofNullable(lastSeen);
    }

    /** The listeners {@code conf} asks for; listen addresses left out are reported when they change. */
    BgpConfigs.Listen listen(Optional<BgpConf> conf) {
        BgpConfigs.Listen listen = conf.map(BgpConfigs::listen).orElse(new BgpConfigs.Listen(0, List.of(), List.of()));
        List<String> invalid = listen.port() > 0 ? listen.invalid() : List.of(); // no listener: nothing left out
        if (!invalid.equals(reportedInvalid) && !invalid.isEmpty()) {
            String message = String.join("; ", invalid) + ": left out, listening on port " + listen.port() + " of "
                    + (listen.addresses().equals(List.of("::")) ? "every address of the node"
                            : String.join(", ", listen.addresses()));
            LOG.warn("BgpConf {}: {}", BgpConf.DEFAULT_NAME, message);
            warnings.onBgpConf(INVALID_LISTEN_ADDRESS, "node " + nodeName + ": " + message);
        }
        reportedInvalid = invalid;
        return listen;
    }

    /**
     * Why this node's BGP does not work as configured, or "": BgpConf {@code default} is missing while
     * BgpPeers exist (a Layer 2 only cluster has neither), with or without a remembered one to run on.
     *
     * @param confNames the names of the BgpConfs in the cluster
     * @param peers     how many BgpPeers the cluster has
     */
    String problem(Collection<String> confNames, int peers) {
        if (inCluster || peers == 0) {
            return "";
        }
        boolean remembered = lastSeen != null;
        List<String> others = confNames.stream().sorted().toList();
        String missing = (remembered ? "BgpConf " + BgpConf.DEFAULT_NAME + " was deleted"
                : "BgpConf " + BgpConf.DEFAULT_NAME + " is missing") + (others.isEmpty() ? ""
                : " (only the one named " + BgpConf.DEFAULT_NAME + " is used; found " + String.join(", ", others) + ")");
        return remembered
                ? missing + ": this node keeps its sessions with the last one seen until one is created again"
                        + " (deleting a BgpPeer still ends its session; a speaker that restarts meanwhile peers with"
                        + " no router)"
                : missing + ": " + peers + " BgpPeer(s) not used, this node peers with no router";
    }
}
