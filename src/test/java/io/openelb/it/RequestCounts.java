package io.openelb.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The program's API requests, from the audit log, per phase of a test (create, update, ...), role (the
 * ServiceAccount that made them: controller, speaker) and kind ({@link AuditLog.Request#what}), shown per
 * Service of the phase. Requests of anyone else (the test itself, the API server) are left out.
 */
final class RequestCounts {
    private static final String ROLE_USER_PREFIX = "system:serviceaccount:openelb-system:openelb-";

    private final int services;
    /** phase -> the program's requests in it, phases in the order they ran. */
    private final Map<String, List<AuditLog.Request>> phases = new LinkedHashMap<>();

    /** @param services how many Services each phase acts on: the divisor of "per Service" */
    RequestCounts(int services) {
        this.services = services;
    }

    /** {@code controller} or {@code speaker} for the program's ServiceAccounts, else null. */
    static String role(String user) {
        return user.startsWith(ROLE_USER_PREFIX) ? user.substring(ROLE_USER_PREFIX.length()) : null;
    }

    /** Starts a phase: it shows in the table even if the program made no request in it. */
    void phase(String phase) {
        phases.computeIfAbsent(phase, p -> new ArrayList<>());
    }

    /** Counts the request into {@code phase} if one of the program's roles made it. */
    void add(String phase, AuditLog.Request request) {
        if (role(request.user()) != null) {
            phases.computeIfAbsent(phase, p -> new ArrayList<>()).add(request);
        }
    }

    /** Writes (create, update, patch, delete) by {@code role} on Services and their status, per Service. */
    double serviceWritesPerService(String phase, String role) {
        return perService(count(phase, role, r -> r.isWrite() && r.resource().equals("services")));
    }

    /** Event writes (core/v1 or events.k8s.io) by {@code role}, or by every role if null, per Service. */
    double eventsPerService(String phase, String role) {
        return perService(count(phase, role, r -> r.isWrite() && r.resource().equals("events")));
    }

    /** GETs of a single Service (or its status) by {@code role}: the watch already has every Service. */
    int serviceReads(String phase, String role) {
        return count(phase, role, r -> r.verb().equals("get") && r.resource().equals("services"));
    }

    /** role -> the user agents it sent, over all phases. */
    Map<String, Set<String>> userAgents() {
        return phases.values().stream().flatMap(List::stream).collect(Collectors.groupingBy(
                r -> role(r.user()), TreeMap::new, Collectors.mapping(AuditLog.Request::userAgent,
                        Collectors.toCollection(TreeSet::new))));
    }

    private int count(String phase, String role, Predicate<AuditLog.Request> kind) {
        return (int) phases.getOrDefault(phase, List.of()).stream()
                .filter(r -> role == null || role.equals(role(r.user()))).filter(kind).count();
    }

    private double perService(int count) {
        return (double) count / services;
    }

    /**
     * Markdown: every kind of request per phase and role (count, and per Service), then the user agents;
     * the table docs/benchmarks.md shows.
     */
    String table() {
        StringBuilder out = new StringBuilder("| phase | role | request | count | per Service |\n|---|---|---|---|---|\n");
        phases.forEach((phase, requests) -> {
            if (requests.isEmpty()) {
                out.append("| ").append(phase).append(" | - | none | 0 | 0 |\n");
            }
            Map<String, Map<String, Long>> byRole = requests.stream().collect(Collectors.groupingBy(
                    r -> role(r.user()), TreeMap::new,
                    Collectors.groupingBy(AuditLog.Request::what, TreeMap::new, Collectors.counting())));
            byRole.forEach((role, byWhat) -> byWhat.forEach((what, n) -> out.append("| ").append(String.join(
                    " | ", phase, role, what, String.valueOf(n), format(perService(n.intValue())))).append(" |\n")));
        });
        out.append("\nUser agents: ");
        userAgents().forEach((role, agents) -> out.append(role).append(' ').append(agents).append("; "));
        return out.append('\n').toString();
    }

    static String format(double value) {
        return BenchReport.format("%.2f", value);
    }
}
