package io.openelb.it;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the lab's BIRD holds, read with {@code birdc} in the router namespace: its BGP routes (prefix ->
 * one path per node, each with the time BIRD last changed it) and its sessions (state and since when).
 * Empty when BIRD does not answer (killed, restarting).
 */
final class BirdTable {
    // "192.0.2.5/32         unicast [node1_v4 12:53:01.123] * (100) [AS64513i]" and its further paths
    // "                     unicast [node2_v4 12:53:01.456] (100) [AS64513i]"
    private static final Pattern ROUTE = Pattern.compile(
            "^(\\S+/\\d+)?\\s+\\w+ \\[(\\S+) ([^\\]\\s]+(?: [^\\]\\s]+)?)\\]", Pattern.MULTILINE);
    // "node1_v4   BGP        ---        up     12:52:58.876  Established"
    private static final Pattern PROTOCOL = Pattern.compile(
            "^(node\\d+_v[46])\\s+BGP\\s+\\S+\\s+(\\w+)\\s+(\\S+(?: \\S+)?)\\s+(\\w+)", Pattern.MULTILINE);

    /** One path of a prefix: the BIRD protocol (node1_v4) it came from, and since when BIRD has it. */
    record Path4(String protocol, String since) {}

    /** A BGP session of BIRD: protocol state (up/start), since, BGP state (Established, Active...). */
    record Session(String state, String since, String bgpState) {}

    private BirdTable() {}

    private static Optional<String> birdc(String... command) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", Lab.ROUTER_NS, "birdc", "-s",
                Lab.DIR.resolve("bird/bird.ctl").toString()));
        cmd.addAll(List.of(command));
        LocalCluster.Result r = LocalCluster.run(cmd, Map.of(), 20);
        // birdc exits 0 even when it cannot connect; it says so on stdout
        if (r.exitCode() != 0 || !r.stdout().contains("BIRD") || r.stdout().contains("Unable to connect")) {
            return Optional.empty();
        }
        return Optional.of(r.stdout());
    }

    /** BGP routes BIRD holds (IPv4 table), prefix -> paths; empty when BIRD does not answer. */
    static Optional<Map<String, List<Path4>>> routes() {
        return birdc("show", "route", "table", "master4").map(BirdTable::parseRoutes);
    }

    static Map<String, List<Path4>> parseRoutes(String out) {
        Map<String, List<Path4>> routes = new TreeMap<>();
        Matcher m = ROUTE.matcher(out);
        String current = null;
        while (m.find()) {
            if (m.group(1) != null) {
                current = m.group(1);
            }
            if (current != null) {
                routes.computeIfAbsent(current, k -> new java.util.ArrayList<>()).add(new Path4(m.group(2), m.group(3)));
            }
        }
        return routes;
    }

    /** BIRD's BGP sessions by protocol name (node1_v4...); empty when BIRD does not answer. */
    static Optional<Map<String, Session>> sessions() {
        return birdc("show", "protocols").map(out -> {
            Map<String, Session> sessions = new TreeMap<>();
            Matcher m = PROTOCOL.matcher(out);
            while (m.find()) {
                sessions.put(m.group(1), new Session(m.group(2), m.group(3), m.group(4)));
            }
            return sessions;
        });
    }

    /** The lab node a BIRD protocol peers with: node1_v4 -> node1. */
    static String node(String protocol) {
        return protocol.replaceAll("_v[46]$", "");
    }

    private static final Pattern TIME = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{3}))?");

    /**
     * Whether two "since" texts name the same moment: BIRD recomputes the wall-clock time on every call
     * (seen 1 ms apart between two calls); a reset moves it by far more than 100 ms.
     */
    static boolean sameMoment(String a, String b) {
        Matcher ma = TIME.matcher(a);
        Matcher mb = TIME.matcher(b);
        if (!ma.find() || !mb.find()) {
            return a.equals(b);
        }
        return ma.replaceFirst("").equals(mb.replaceFirst("")) && Math.abs(millis(ma) - millis(mb)) <= 100;
    }

    private static long millis(Matcher m) {
        return ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3)))
                * 1000 + (m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
    }

    /** The same sessions in the same states, each since the same moment. */
    static boolean sameSessions(Map<String, Session> a, Map<String, Session> b) {
        return a != null && b != null && a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> {
            Session x = a.get(k);
            Session y = b.get(k);
            return x.state().equals(y.state()) && x.bgpState().equals(y.bgpState()) && sameMoment(x.since(), y.since());
        });
    }

    /** The same prefixes with the same paths, each since the same moment. */
    static boolean sameRoutes(Map<String, List<Path4>> a, Map<String, List<Path4>> b) {
        return a != null && b != null && a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> {
            List<Path4> x = a.get(k);
            List<Path4> y = b.get(k);
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!x.get(i).protocol().equals(y.get(i).protocol()) || !sameMoment(x.get(i).since(), y.get(i).since())) {
                    return false;
                }
            }
            return true;
        });
    }
}
