package io.openelb.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paths the lab's router (BIRD or FRR) holds for one prefix (exactly that prefix, not a covering one), with the attributes a user checks on a
 * router: next hop, communities, large communities, MED, LOCAL_PREF; read with {@code birdc show route
 * all} or {@code vtysh show bgp ... json}. And a fingerprint of its BGP sessions (when each was last
 * established), which any session flap changes.
 */
final class RouterPaths {
    /**
     * One path as the router shows it. Communities as {@code a:b} (well-known ones by number, e.g. NO_EXPORT
     * is 65535:65281), large communities as {@code a:b:c}; MED and LOCAL_PREF null when the path has none.
     */
    record Path(String nextHop, Set<String> communities, Set<String> largeCommunities, Long med, Long localPref) {}

    private static final Pattern BIRD_PAIR = Pattern.compile("\\((\\d+),\\s*(\\d+)\\)");
    private static final Pattern BIRD_TRIPLE = Pattern.compile("\\((\\d+),\\s*(\\d+),\\s*(\\d+)\\)");
    private static final Map<String, String> FRR_WELL_KNOWN = Map.of("no-export", "65535:65281",
            "no-advertise", "65535:65282", "local-AS", "65535:65283", "noPeer", "65535:65284",
            "blackhole", "65535:666", "graceful-shutdown", "65535:0");

    private RouterPaths() {}

    static List<Path> of(String router, String prefix) {
        return switch (router) {
            case "bird" -> parseBird(cli(List.of("birdc", "-s", Lab.DIR.resolve("bird/bird.ctl").toString(), "show",
                    "route", prefix, "table", prefix.contains(":") ? "master6" : "master4", "all")));
            case "frr" -> parseFrr(cli(List.of("vtysh", "--vty_socket", Lab.DIR.resolve("frr").toString(), "-c",
                    "show bgp " + (prefix.contains(":") ? "ipv6" : "ipv4") + " unicast " + prefix + " json")));
            case "gobgp" -> parseGobgp(cli(List.of("gobgp", "-p", "50051", "global", "rib", "-a",
                    prefix.contains(":") ? "ipv6" : "ipv4", prefix, "-j")), prefix);
            default -> throw new IllegalArgumentException("no attribute view for " + router);
        };
    }

    /**
     * When each BGP session of the router was last established (BIRD's "since"; FRR's established and
     * dropped counters; GoBGP's uptime and OPENs received): a flap of any session changes it.
     */
    static String sessions(String router) {
        if (router.equals("bird")) {
            return BirdTable.sessions().map(Object::toString).orElse("");
        }
        if (router.equals("gobgp")) { // one line per neighbour, sorted: GoBGP lists them in any order
            Set<String> out = new TreeSet<>();
            for (Object o : new JsonArray(cli(List.of("gobgp", "-p", "50051", "neighbor", "-j")))) {
                JsonObject state = ((JsonObject) o).getJsonObject("state", new JsonObject());
                JsonObject timers = ((JsonObject) o).getJsonObject("timers", new JsonObject())
                        .getJsonObject("state", new JsonObject());
                JsonObject received = state.getJsonObject("messages", new JsonObject())
                        .getJsonObject("received", new JsonObject());
                out.add(state.getString("neighbor_address") + " " + state.getValue("session_state") + " up since "
                        + timers.getValue("uptime") + ", OPENs received " + received.getValue("open"));
            }
            return String.join("\n", out);
        }
        JsonObject peers = json(cli(List.of("vtysh", "--vty_socket", Lab.DIR.resolve("frr").toString(), "-c",
                "show bgp neighbors json")));
        StringBuilder out = new StringBuilder();
        new TreeSet<>(peers.fieldNames()).forEach(name -> {
            JsonObject peer = peers.getJsonObject(name);
            out.append(name).append(' ').append(peer.getString("bgpState")).append(' ')
                    .append(peer.getValue("connectionsEstablished")).append(' ')
                    .append(peer.getValue("connectionsDropped")).append('\n');
        });
        return out.toString();
    }

    private static String cli(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", Lab.ROUTER_NS));
        cmd.addAll(command);
        return LocalCluster.run(cmd, Map.of(), 20).stdout();
    }

    static List<Path> parseBird(String out) {
        List<Path> paths = new ArrayList<>();
        for (String block : out.split("\\n(?=\\S*\\s+unicast \\[)")) {
            if (!block.contains("unicast [")) {
                continue;
            }
            String nextHop = null;
            Set<String> communities = new TreeSet<>();
            Set<String> large = new TreeSet<>();
            Long med = null;
            Long localPref = null;
            for (String line : block.split("\\n")) {
                String l = line.trim();
                if (l.startsWith("BGP.next_hop:")) {
                    nextHop = l.substring("BGP.next_hop:".length()).trim().split("\\s+")[0];
                } else if (l.startsWith("BGP.community:")) {
                    Matcher m = BIRD_PAIR.matcher(l);
                    while (m.find()) {
                        communities.add(m.group(1) + ":" + m.group(2));
                    }
                } else if (l.startsWith("BGP.large_community:")) {
                    Matcher m = BIRD_TRIPLE.matcher(l);
                    while (m.find()) {
                        large.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
                    }
                } else if (l.startsWith("BGP.med:")) {
                    med = Long.parseLong(l.substring("BGP.med:".length()).trim());
                } else if (l.startsWith("BGP.local_pref:")) {
                    localPref = Long.parseLong(l.substring("BGP.local_pref:".length()).trim());
                }
            }
            paths.add(new Path(nextHop, communities, large, med, localPref));
        }
        return paths;
    }

    static List<Path> parseFrr(String out) {
        List<Path> paths = new ArrayList<>();
        for (Object o : json(out).getJsonArray("paths", new JsonArray())) {
            JsonObject p = (JsonObject) o;
            Set<String> communities = new TreeSet<>();
            for (String c : p.getJsonObject("community", new JsonObject()).getString("string", "").split("\\s+")) {
                if (!c.isEmpty()) {
                    communities.add(FRR_WELL_KNOWN.getOrDefault(c, c));
                }
            }
            Set<String> large = new TreeSet<>();
            for (String c : p.getJsonObject("largeCommunity", new JsonObject()).getString("string", "").split("\\s+")) {
                if (!c.isEmpty()) {
                    large.add(c);
                }
            }
            JsonArray hops = p.getJsonArray("nexthops", new JsonArray());
            String nextHop = hops.isEmpty() ? null : hops.getJsonObject(0).getString("ip");
            paths.add(new Path(nextHop, communities, large, p.getLong("metric"), p.getLong("locPrf")));
        }
        return paths;
    }

    /** GoBGP's JSON: the prefix to its paths, each with its attributes by type code (RFC 4271 numbering). */
    static List<Path> parseGobgp(String out, String prefix) {
        List<Path> paths = new ArrayList<>();
        JsonArray found = json(out).getJsonArray(prefix, new JsonArray());
        for (Object o : found) {
            String nextHop = null;
            Set<String> communities = new TreeSet<>();
            Set<String> large = new TreeSet<>();
            Long med = null;
            Long localPref = null;
            for (Object a : ((JsonObject) o).getJsonArray("attrs", new JsonArray())) {
                JsonObject attr = (JsonObject) a;
                switch (attr.getInteger("type", -1)) {
                    case 3 -> nextHop = attr.getString("nexthop");
                    case 4 -> med = attr.getLong("metric");
                    case 5 -> localPref = attr.getLong("value");
                    case 8 -> attr.getJsonArray("communities", new JsonArray()).forEach(
                            c -> communities.add((((Number) c).longValue() >>> 16) + ":" + (((Number) c).longValue() & 0xffff)));
                    case 14 -> nextHop = attr.getJsonArray("nexthop", new JsonArray()).getString(0);
                    case 32 -> attr.getJsonArray("value", new JsonArray()).forEach(c -> {
                        JsonObject l = (JsonObject) c;
                        large.add(l.getValue("ASN") + ":" + l.getValue("LocalData1") + ":" + l.getValue("LocalData2"));
                    });
                    default -> { }
                }
            }
            paths.add(new Path(nextHop, communities, large, med, localPref));
        }
        return paths;
    }

    private static JsonObject json(String text) {
        return new JsonObject(text.isBlank() ? "{}" : text);
    }
}
