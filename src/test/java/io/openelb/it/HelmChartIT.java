package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.config.Invocation;
import io.openelb.config.OperatorConfig;
import io.openelb.layer2.Layer2Verticle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Helm chart charts/openelb, rendered by the pinned Helm of hack/helm.sh (built on first use; no API
 * server): it lints, with default values it renders the objects of manifests/openelb.yaml (apart from the
 * two a Helm install needs otherwise: the Namespace and the membership Secret), and each value lands where
 * values.yaml says.
 */
class HelmChartIT {
    private static final String CHART = "charts/openelb";
    private static final String NAMESPACE = "openelb-system";
    /** The first call may build Helm: a few minutes on 2 cores. */
    private static final int HELM_TIMEOUT_SECONDS = 1200;

    @Test
    void chartLintsWithoutFailure() {
        assertThat(helm("lint", CHART)).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void defaultValuesRenderTheObjectsOfTheInstallManifest() throws IOException {
        Map<String, Map<String, Object>> manifest = byKey(Files.readString(Path.of("manifests", "openelb.yaml")));
        Map<String, Map<String, Object>> chart = byKey(render());

        // Helm creates the release namespace (--create-namespace) and owns no Namespace object
        assertThat(manifest.remove("Namespace//" + NAMESPACE)).isNotNull();
        // the one object a static manifest cannot hold: a key of its own for every cluster
        Map<String, Object> secret = chart.remove("Secret/" + NAMESPACE + "/" + speakersDefaultSecretName());
        assertThat(secret).as("membership Secret").isNotNull();
        assertThat(chart).as("objects that differ: %s (manifests/openelb.yaml stale? hack/manifests.sh)",
                differing(chart, manifest)).isEqualTo(manifest);

        assertThat(at(secret, "metadata", "annotations")).isEqualTo(Map.of("helm.sh/resource-policy", "keep"));
        String key = new String(Base64.getDecoder().decode((String) at(secret, "data", Layer2Verticle.SECRET_KEY)),
                StandardCharsets.UTF_8);
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(byKey(render()).get("Secret/" + NAMESPACE + "/" + speakersDefaultSecretName()))
                .as("another install, another key").isNotEqualTo(secret);
    }

    @Test
    void chartCrdsAreTheRepositorysFiles() throws IOException {
        assertThat(Path.of(CHART, "crds").toRealPath()).isEqualTo(Path.of("crds").toRealPath());
    }

    @Test
    void packagedChartRendersLikeTheDirectory(@TempDir Path dir) throws IOException {
        helm("package", CHART, "--destination", dir.toString());
        Path packaged;
        try (Stream<Path> files = Files.list(dir)) {
            packaged = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow();
        }
        Map<String, Map<String, Object>> fromPackage = byKey(helm("template", "openelb", packaged.toString(),
                "--namespace", NAMESPACE, "--include-crds", "--set-json", "membership.existingSecret=\"openelb-membership\""));

        assertThat(fromPackage).isEqualTo(byKey(render("membership.existingSecret=\"openelb-membership\"")));
    }

    @Test
    void imageNodeSelectionPriorityAndReplicasLandOnTheirRole() {
        Map<String, Map<String, Object>> objects = byKey(render("image.repository=\"registry.example/openelb-jvm\"",
                "image.tag=\"1.2.3\"", "image.pullPolicy=\"Always\"", "controller.replicas=3",
                "controller.priorityClassName=\"openelb-critical\"", "controller.resources={\"limits\":{\"memory\":\"512Mi\"}}",
                "speaker.nodeSelector={\"openelb/speaker\":\"yes\"}", "speaker.tolerations=[]",
                "speaker.priorityClassName=\"system-node-critical\"", "speaker.extraArgs=[\"--log-level=debug\"]"));
        Map<String, Object> controller = objects.get("Deployment/" + NAMESPACE + "/openelb-controller");
        Map<String, Object> speaker = objects.get("DaemonSet/" + NAMESPACE + "/openelb-speaker");

        assertThat(at(controller, "spec", "replicas")).isEqualTo(3);
        assertThat(at(pod(controller), "priorityClassName")).isEqualTo("openelb-critical");
        assertThat(at(container(controller), "image")).isEqualTo("registry.example/openelb-jvm:1.2.3");
        assertThat(at(container(controller), "imagePullPolicy")).isEqualTo("Always");
        assertThat(at(container(controller), "resources")).isEqualTo(Map.of("limits", Map.of("memory", "512Mi")));
        assertThat(at(pod(controller), "nodeSelector")).as("null keeps the manifest's: none").isNull();
        assertThat(at(container(speaker), "image")).isEqualTo("registry.example/openelb-jvm:1.2.3");
        assertThat(at(pod(speaker), "nodeSelector")).isEqualTo(Map.of("openelb/speaker", "yes"));
        assertThat(at(pod(speaker), "tolerations")).isEqualTo(List.of());
        assertThat(at(pod(speaker), "priorityClassName")).isEqualTo("system-node-critical");
        assertThat(at(container(speaker), "args")).isEqualTo(List.of("--role=speaker", "--log-level=debug"));
        assertThat(at(container(speaker), "resources", "limits", "memory")).as("the manifest's").isEqualTo("256Mi");
    }

    @Test
    void uiValuesBecomeControllerFlagsAndTheUiServiceGoesWithTheUi() {
        Map<String, Map<String, Object>> writes = byKey(render("ui.writes=true"));
        Map<String, Map<String, Object>> off = byKey(render("ui.enabled=false"));

        assertThat(at(container(writes.get("Deployment/" + NAMESPACE + "/openelb-controller")), "args"))
                .isEqualTo(List.of("--role=controller", "--ui-writes"));
        assertThat(writes).containsKey("Service/" + NAMESPACE + "/openelb-ui");
        assertThat(at(container(off.get("Deployment/" + NAMESPACE + "/openelb-controller")), "args"))
                .isEqualTo(List.of("--role=controller", "--ui=false"));
        assertThat(off).doesNotContainKey("Service/" + NAMESPACE + "/openelb-ui")
                .containsKey("Service/" + NAMESPACE + "/openelb-metrics");
    }

    @Test
    void anExistingSecretIsTheSpeakersAndNoneIsCreated() {
        Map<String, Map<String, Object>> objects = byKey(render("membership.existingSecret=\"l2-key\""));

        assertThat(objects.keySet()).noneMatch(k -> k.startsWith("Secret/"));
        assertThat(at(container(objects.get("DaemonSet/" + NAMESPACE + "/openelb-speaker")), "args"))
                .isEqualTo(List.of("--role=speaker", "--membership-secret=l2-key"));
    }

    @Test
    void serviceMonitorScrapesTheMetricsServicesPort() {
        Map<String, Map<String, Object>> objects = byKey(render("metrics.serviceMonitor.enabled=true",
                "metrics.serviceMonitor.labels={\"release\":\"kube-prometheus-stack\"}"));
        Map<String, Object> monitor = objects.get("ServiceMonitor/" + NAMESPACE + "/openelb");
        Map<String, Object> service = objects.get("Service/" + NAMESPACE + "/openelb-metrics");

        assertThat(monitor).as("ServiceMonitor").isNotNull();
        assertThat(at(monitor, "metadata", "labels", "release")).isEqualTo("kube-prometheus-stack");
        assertThat(at(monitor, "spec", "namespaceSelector", "matchNames")).isEqualTo(List.of(NAMESPACE));
        @SuppressWarnings("unchecked")
        Map<String, Object> selected = (Map<String, Object>) at(monitor, "spec", "selector", "matchLabels");
        @SuppressWarnings("unchecked")
        Map<String, Object> labels = (Map<String, Object>) at(service, "metadata", "labels");
        assertThat(labels).containsAllEntriesOf(selected);
        @SuppressWarnings("unchecked")
        Map<String, Object> endpoint = ((List<Map<String, Object>>) at(monitor, "spec", "endpoints")).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> port = ((List<Map<String, Object>>) at(service, "spec", "ports")).get(0);
        assertThat(endpoint.get("port")).isEqualTo(port.get("name"));
        assertThat(endpoint.get("path")).isEqualTo("/metrics");
        assertThat(byKey(render()).keySet()).noneMatch(k -> k.startsWith("ServiceMonitor/"));
    }

    @Test
    void prometheusRuleIsTheRepositorysAlertRules() throws IOException {
        Map<String, Object> rules = byKey(Files.readString(Path.of("manifests", "prometheus-rules.yaml")))
                .get("PrometheusRule/" + NAMESPACE + "/openelb");
        Map<String, Object> rendered = byKey(render("metrics.prometheusRule.enabled=true"))
                .get("PrometheusRule/" + NAMESPACE + "/openelb");

        assertThat(rendered).as("PrometheusRule").isNotNull();
        assertThat(rendered.get("spec")).isEqualTo(rules.get("spec"));
        assertThat(byKey(render()).keySet()).noneMatch(k -> k.startsWith("PrometheusRule/"));
    }

    @Test
    void everyDashboardIsAConfigMapForTheGrafanaSidecar() throws IOException {
        Map<String, Map<String, Object>> objects = byKey(render("grafanaDashboards.enabled=true"));
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(Path.of("grafana"))) {
            dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }

        assertThat(dashboards).isNotEmpty();
        assertThat(objects.keySet().stream().filter(k -> k.startsWith("ConfigMap/"))).hasSameSizeAs(dashboards);
        for (Path dashboard : dashboards) {
            String file = dashboard.getFileName().toString();
            Map<String, Object> configMap = objects.get("ConfigMap/" + NAMESPACE + "/"
                    + file.replace(".json", "-dashboard"));
            assertThat(configMap).as(file).isNotNull();
            assertThat(at(configMap, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
            assertThat(((String) at(configMap, "data", file)).strip()).isEqualTo(Files.readString(dashboard).strip());
        }
        assertThat(byKey(render()).keySet()).noneMatch(k -> k.startsWith("ConfigMap/"));
    }

    @Test
    void anotherReleaseNamespaceHoldsEveryNamespacedObjectAndEveryRbacSubject() {
        List<Map<String, Object>> objects = documents(helm("template", "openelb", CHART, "--namespace", "lb",
                "--set-json", "metrics.serviceMonitor.enabled=true"));
        List<Object> namespaces = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            namespaces.add(at(o, "metadata", "namespace"));
            if (o.get("subjects") instanceof List<?> subjects) {
                subjects.forEach(s -> namespaces.add(((Map<?, ?>) s).get("namespace")));
            }
        }

        assertThat(namespaces).filteredOn(n -> n != null).isNotEmpty().containsOnly("lb");
    }

    private static List<String> differing(Map<String, ?> a, Map<String, ?> b) {
        return Stream.concat(a.keySet().stream(), b.keySet().stream()).distinct()
                .filter(k -> !Objects.equals(a.get(k), b.get(k))).toList();
    }

    /** The Secret the speakers read when no flag names one. */
    private static String speakersDefaultSecretName() {
        Invocation invocation = OperatorConfig.parse(Map.of(), "--role=speaker", "--node-name=n");
        assertThat(invocation).isInstanceOf(Invocation.Run.class);
        return ((Invocation.Run) invocation).config().layer2().secretName();
    }

    /** The chart with default values but these, each a {@code --set-json} (path=JSON). */
    private static String render(String... values) {
        List<String> args = new ArrayList<>(List.of("template", "openelb", CHART, "--namespace", NAMESPACE,
                "--include-crds"));
        for (String value : values) {
            args.add("--set-json");
            args.add(value);
        }
        return helm(args.toArray(String[]::new));
    }

    private static String helm(String... args) {
        List<String> command = new ArrayList<>(List.of("hack/helm.sh"));
        command.addAll(List.of(args));
        LocalCluster.Result result = LocalCluster.run(command, Map.of(), HELM_TIMEOUT_SECONDS);
        assertThat(result.exitCode()).as("%s:\n%s", command, result.stderr()).isZero();
        return result.stdout();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    /** The objects of a multi-document YAML stream by kind/namespace/name (order and comments do not count). */
    private static Map<String, Map<String, Object>> byKey(String yaml) {
        Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
        for (Map<String, Object> o : documents(yaml)) {
            String key = o.get("kind") + "/" + valueOr(at(o, "metadata", "namespace")) + "/" + at(o, "metadata", "name");
            assertThat(objects.put(key, o)).as("twice: %s", key).isNull();
        }
        return objects;
    }

    private static String valueOr(Object value) {
        return value == null ? "" : value.toString();
    }

    private static Object at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    private static Map<?, ?> pod(Map<String, Object> workload) {
        return (Map<?, ?>) at(workload, "spec", "template", "spec");
    }

    private static Map<?, ?> container(Map<String, Object> workload) {
        return (Map<?, ?>) ((List<?>) at(pod(workload), "containers")).get(0);
    }
}
