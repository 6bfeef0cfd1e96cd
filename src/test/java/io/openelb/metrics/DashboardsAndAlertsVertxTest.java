package io.openelb.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric a dashboard panel, a dashboard variable or an alert rule reads is one the program exports
 * (OpenELB ships metrics that are never updated, and dashboards reading metrics that do not exist: never
 * again). The exported names come from a real registry the program's meter classes populate
 * ({@link ExportedMetrics}), not from a list kept by hand.
 */
class DashboardsAndAlertsVertxTest {
    /** Labels Prometheus adds to every sample of a target, or that a query may name without a sample having it. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job", "namespace", "pod", "node");
    private static Set<String> exported;
    private static Map<String, Set<String>> labels;

    @BeforeAll
    static void scrape() throws Exception {
        String text = ExportedMetrics.scrape();
        exported = ExportedMetrics.names(text);
        labels = ExportedMetrics.labels(text);
    }

    @Test
    void theExtractorFindsMetricNamesAndNothingElse() {
        assertThat(PromQl.metricNames("sum by (pool, family) (rate(openelb_a_total{pool=~\"$pool\",x='y'}"
                + "[$__rate_interval] offset 5m)) / on(pool) group_left(family) (openelb_b > 0.9e3) or vector(0)"))
                .containsExactly("openelb_a_total", "openelb_b");
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))"))
                .containsExactly("x_bucket");
        assertThat(PromQl.metricNames("label_values(openelb_pool_addresses, pool)"))
                .containsExactly("openelb_pool_addresses");
        assertThat(PromQl.labelNames("sum by (pool, family) (x{kind=\"a\",peer=~\"$peer\", y != 'b'}) / on(pool) z"))
                .containsExactly("family", "kind", "peer", "pool", "y");
    }

    @Test
    void everyDashboardPanelReadsOnlyExportedMetrics() throws Exception {
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(Path.of("grafana"))) {
            dashboards = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).extracting(p -> p.getFileName().toString())
                .contains("openelb-pools.json", "openelb-bgp.json", "openelb-layer2.json", "openelb-controller.json",
                        "openelb-vip.json");
        Map<String, Set<String>> missing = new TreeMap<>();
        for (Path file : dashboards) {
            JsonObject dashboard = new JsonObject(Files.readString(file));
            List<String> queries = new ArrayList<>();
            for (Object o : dashboard.getJsonArray("panels")) {
                JsonObject panel = (JsonObject) o;
                if (panel.getString("type").equals("row")) {
                    continue;
                }
                JsonArray targets = panel.getJsonArray("targets", new JsonArray());
                assertThat(targets).as("%s panel '%s' has a query", file, panel.getString("title")).isNotEmpty();
                targets.forEach(t -> queries.add(((JsonObject) t).getString("expr")));
            }
            for (Object o : dashboard.getJsonObject("templating").getJsonArray("list")) {
                Object query = ((JsonObject) o).getValue("query");
                if (query instanceof JsonObject q) {
                    queries.add(q.getString("query"));
                }
            }
            assertThat(queries).as("%s reads some metric", file).isNotEmpty();
            check(file.toString(), queries, missing);
        }
        assertThat(missing).as("metrics read by dashboards but not exported").isEmpty();
    }

    @Test
    void everyAlertRuleReadsOnlyExportedMetrics() throws Exception {
        GenericKubernetesResource rules = new KubernetesSerialization().unmarshal(
                Files.readString(Path.of("manifests", "prometheus-rules.yaml")), GenericKubernetesResource.class);
        List<String> alerts = new ArrayList<>();
        List<String> expressions = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rules
                .getAdditionalProperties().get("spec")).get("groups");
        for (Map<String, Object> group : groups) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) group.get("rules");
            for (Map<String, Object> rule : list) {
                alerts.add((String) rule.get("alert"));
                expressions.add((String) rule.get("expr"));
            }
        }
        assertThat(alerts).containsExactlyInAnyOrder("OpenELBPoolNearlyExhausted", "OpenELBPoolExhausted",
                "OpenELBBgpSessionDown", "OpenELBConfigInvalid", "OpenELBNoLeader", "OpenELBVipTwoMasters",
                "OpenELBVipNoNodeCompetes");
        Map<String, Set<String>> missing = new TreeMap<>();
        check("manifests/prometheus-rules.yaml", expressions, missing);
        assertThat(missing).as("metrics read by alert rules but not exported").isEmpty();
    }

    @Test
    void aLabelTheMetricDoesNotCarryIsCaught() {
        Map<String, Set<String>> missing = new TreeMap<>();
        check("fixture", List.of("sum by (instance, route) (rate(vertx_http_server_requests_total[5m]))",
                "openelb_pool_addresses{pool=\"a\", family=\"ipv4\"}"), missing);
        assertThat(missing).containsExactly(Map.entry("fixture", Set.of("label route")));
    }

    @Test
    void theLabelOfALabelValuesQueryIsChecked() {
        Map<String, Set<String>> missing = new TreeMap<>();
        check("fixture", List.of("label_values(openelb_pool_addresses, pool)",
                "label_values(openelb_pool_addresses, peer)"), missing);
        assertThat(missing).containsExactly(Map.entry("fixture", Set.of("label peer")));
    }

    @Test
    void aNameTheProgramDoesNotExportIsCaught() {
        Map<String, Set<String>> missing = new TreeMap<>();
        check("fixture", List.of("rate(openelb_bgp_updates_never_counted_total[5m])", "openelb_bgp_session_up"),
                missing);
        assertThat(missing).containsExactly(Map.entry("fixture", Set.of("openelb_bgp_updates_never_counted_total")));
    }

    private static void check(String where, List<String> expressions, Map<String, Set<String>> missing) {
        for (String expression : expressions) {
            Set<String> names = PromQl.metricNames(expression);
            assertThat(names).as("%s: a query reads no metric: %s", where, expression).isNotEmpty();
            for (String name : names) {
                if (!exported.contains(name)) {
                    missing.computeIfAbsent(where, k -> new TreeSet<>()).add(name);
                }
            }
            // every label it matches on or groups by is carried by one of its metrics (or by the target)
            for (String label : PromQl.labelNames(expression)) {
                boolean carried = TARGET_LABELS.contains(label) || label.equals("le")
                        || names.stream().anyMatch(n -> labels.getOrDefault(n, Set.of()).contains(label));
                if (!carried) {
                    missing.computeIfAbsent(where, k -> new TreeSet<>()).add("label " + label);
                }
            }
        }
    }
}
