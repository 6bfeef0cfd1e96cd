package io.openelb.config;

/**
 * Which half of the load balancer this process runs; {@code all} runs both in one process (demo, tests).
 * {@code apiserver-vip} runs neither: it holds the kube-apiserver's virtual address among the control-plane
 * nodes (VRRP), without Kubernetes, so it runs before the cluster exists.
 */
public enum Role {
    CONTROLLER,
    SPEAKER,
    ALL,
    APISERVER_VIP;

    public boolean runsController() {
        return this == CONTROLLER || this == ALL;
    }

    public boolean runsSpeaker() {
        return this == SPEAKER || this == ALL;
    }

    /** Whether the role talks to the Kubernetes API (all but the kube-apiserver VIP, which runs before it). */
    public boolean usesKubernetes() {
        return this != APISERVER_VIP;
    }

    /** The name as {@code --role} takes it: {@code speaker}, {@code apiserver-vip}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
