package io.openelb.announce;

/**
 * This node as the planner sees it.
 *
 * @param excluded carries {@code node.kubernetes.io/exclude-from-external-load-balancers}
 */
public record NodeState(String name, boolean ready, boolean excluded) {}
