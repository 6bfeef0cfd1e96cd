package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.openelb.InstallFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install as a user does it, against the real API server: manifests/openelb.yaml is what its sources
 * render, applies with no error (server-side dry run, then for real), the kustomize base takes an
 * overlay, and the controller runs with the image's JVM flags inside the memory limit the manifest gives
 * it, serving the sample Services as their comments say. RBAC of the applied ServiceAccounts: RbacIT.
 */
class InstallIT {
    private static final List<String> SERVICE_SAMPLES = List.of("service-etp-cluster.yaml", "service-etp-local.yaml",
            "service-requested-ip.yaml", "service-shared-ip.yaml");
    private static LocalCluster cluster;
    private OpenElbProcess controller;
    private IpamFixture migration;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.get();
    }

    @AfterEach
    void removeSamples() throws Exception {
        if (migration != null) {
            if (controller != null && controller.alive()) {
                migration.deleteServices();
            }
            IpamFixture.removeLeftovers(cluster.admin());
            // whatever step failed, the cluster is left with our install
            cluster.kubectl("delete", "--ignore-not-found", "validatingwebhookconfiguration/openelb-admission");
            cluster.kubectlResult("-n", "openelb-system", "delete", "deployment/openelb-controller",
                    "daemonset/openelb-speaker");
            cluster.kubectl("apply", "-f", InstallFiles.INSTALL.toString());
        }
        if (controller != null) {
            for (String sample : SERVICE_SAMPLES) {
                cluster.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", sample(sample));
            }
            // the controller, still running, releases the addresses and drops its finalizer
            IpamFixture.await(() -> cluster.admin().services().inNamespace("default").list().getItems().stream()
                    .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList(), List::isEmpty,
                    "sample Services gone");
            controller.close();
        }
        // the sample Eip is a default pool: it must not outlive this test
        cluster.kubectl("delete", "--ignore-not-found", "-f", sample("eip-bgp.yaml"), "-f",
                sample("bgppeer-md5.yaml"));
    }

    @Test
    void installManifestIsWhatItsSourcesRender() {
        LocalCluster.Result check = LocalCluster.run(List.of("hack/manifests.sh", "--check"),
                Map.of("KUBECTL", cluster.kubectlBinary().toString()), 60);

        assertThat(check.exitCode()).as("hack/manifests.sh --check:\n%s", check.stderr()).isZero();
    }

    @Test
    void installAppliesServerSideDryRunThenForRealWithoutErrorOrWarning() {
        String file = InstallFiles.INSTALL.toString();
        LocalCluster.Result dryRun = cluster.kubectlResult("apply", "--dry-run=server", "--validate=strict", "-f",
                file);
        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stderr()).doesNotContainIgnoringCase("warning");

        LocalCluster.Result apply = cluster.kubectlResult("apply", "--validate=strict", "-f", file);
        assertThat(apply.exitCode()).as(apply.stderr()).isZero();
        assertThat(apply.stderr()).doesNotContainIgnoringCase("warning");

        long objects = InstallFiles.objects().size();
        assertThat(cluster.kubectl("get", "-f", file, "-o", "name").lines()).hasSize((int) objects);
        assertThat(cluster.kubectl("get", "deployment,daemonset,poddisruptionbudget,service,serviceaccount",
                "-n", "openelb-system", "-o", "name"))
                .contains("deployment.apps/openelb-controller", "daemonset.apps/openelb-speaker",
                        "poddisruptionbudget.policy/openelb-controller", "service/openelb-metrics",
                        "serviceaccount/openelb-controller", "serviceaccount/openelb-speaker");
    }

    @Test
    void kustomizeBaseTakesTheOverlayForBgpPort179() {
        String rendered = cluster.kubectl("kustomize", "docs/install/bgp-port-179");
        LocalCluster.Result dryRun = cluster.kubectlResult("apply", "--dry-run=server", "-k",
                "docs/install/bgp-port-179");

        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(rendered).contains("- NET_RAW\n            - NET_BIND_SERVICE");
        assertThat(cluster.kubectl("kustomize", "manifests")).doesNotContain("NET_BIND_SERVICE");
    }

    /**
     * The controller as its Pod runs it: the image's JVM flags, the container's memory limit, the
     * ServiceAccount's token. OpenELB-style sample Services get the addresses their comments promise.
     */
    @Test
    void controllerWithTheImagesFlagsServesTheSampleServicesWithinItsMemoryLimit() throws Exception {
        IpamFixture.removeLeftovers(cluster.admin());
        cluster.kubectl("apply", "-f", sample("eip-bgp.yaml"));
        controller = startControllerAsItsPodWould("controller");
        for (String sample : SERVICE_SAMPLES) {
            cluster.kubectl("apply", "-f", sample(sample));
        }

        assertThat(awaitIngress("web-fixed-ip")).containsExactly("192.0.2.120");
        assertThat(awaitIngress("dns-udp")).containsExactly("192.0.2.130");
        assertThat(awaitIngress("dns-tcp")).containsExactly("192.0.2.130");
        for (String name : List.of("web-cluster", "web-local")) {
            assertThat(awaitIngress(name)).singleElement().satisfies(ip -> assertThat(
                    Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1))).as(ip).isBetween(100, 150));
        }
        assertThat(awaitIngress("web-cluster")).isNotEqualTo(awaitIngress("web-local"));

        long limitKiB = InstallFiles.memoryLimitMiB(InstallFiles.controllerContainer()) * 1024;
        assertThat(controller.peakRssKiB()).as("peak RSS (KiB) within the container's memory limit")
                .isPositive().isLessThan(limitKiB);
    }

    /**
     * OpenELB v0.6's install, as its deploy/openelb.yaml names things (same Deployment, DaemonSet and
     * ServiceAccount names, other selectors, a webhook, broad roles), replaced by the README's migration
     * steps (hack/migrate-from-openelb.sh): our manifest cannot be applied over it before, applies after,
     * narrows the roles, leaves nothing of OpenELB's, and every LoadBalancer Service keeps its address once
     * the controller runs.
     */
    @Test
    void migrationFromOpenElbReplacesItsInstallAndKeepsEveryAddress() throws Exception {
        IpamFixture.removeLeftovers(cluster.admin());
        cluster.kubectl("-n", "openelb-system", "delete", "deployment/openelb-controller",
                "daemonset/openelb-speaker");
        LocalCluster.Result openElb = cluster.kubectlWithInput(OPENELB_V06_INSTALL, "apply", "-f", "-");
        assertThat(openElb.exitCode()).as(openElb.stderr()).isZero();
        migration = new IpamFixture(cluster.admin(), "migration");
        migration.eip("it-migration", "198.51.100.0/28");
        migration.openElbService("web", "it-migration", "198.51.100.3", Map.of(), "TCP", 80);
        migration.openElbService("db", "it-migration", "198.51.100.7", Map.of(), "TCP", 5432);
        String before = migrate("addresses");
        assertThat(before).contains(migration.namespace + "/web 198.51.100.3", migration.namespace + "/db 198.51.100.7");

        LocalCluster.Result overOpenElb = cluster.kubectlResult("apply", "--dry-run=server", "-f",
                InstallFiles.INSTALL.toString());
        assertThat(overOpenElb.exitCode()).as("applied over OpenELB's Deployment").isNotZero();
        assertThat(overOpenElb.stderr()).contains("field is immutable");

        migrate("stop");
        migrate("install");

        assertThat(cluster.kubectl("get", "validatingwebhookconfigurations", "-o", "name"))
                .doesNotContain("openelb-admission");
        assertThat(cluster.kubectl("-n", "openelb-system", "get", "serviceaccounts,services", "-o", "name"))
                .doesNotContain("openelb-admission");
        assertThat(cluster.kubectl("get", "clusterroles", "-o", "name")).doesNotContain("openelb-manager-role");
        assertThat(cluster.kubectl("-n", "openelb-system", "get", "deployment", "openelb-controller", "-o",
                "jsonpath={.spec.selector.matchLabels}")).contains("\"app.kubernetes.io/component\":\"controller\"");
        assertThat(cluster.kubectl("-n", "openelb-system", "get", "secret", "openelb-membership", "-o",
                "jsonpath={.data.secret}")).hasSizeGreaterThan(32);
        assertThat(cluster.kubectlResult("auth", "can-i", "delete", "services", "--all-namespaces",
                "--as=system:serviceaccount:openelb-system:openelb-controller").stdout().strip())
                .as("OpenELB's broad controller role narrowed").isEqualTo("no");

        controller = startControllerAsItsPodWould("migrated");
        migration.service("after");
        assertThat(migration.awaitIngress("after")).singleElement().isNotIn("198.51.100.3", "198.51.100.7");
        assertThat(migrate("addresses").lines().filter(l -> !l.contains("/after ")))
                .containsExactlyElementsOf(before.lines().toList());
    }

    /** OpenELB v0.6's own objects that collide with ours or that only it used (shape of its deploy/openelb.yaml). */
    private static final String OPENELB_V06_INSTALL = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: openelb-controller, namespace: openelb-system, labels: {app: openelb-manager}}
            spec:
              selector: {matchLabels: {app: openelb-manager, control-plane: openelb-manager}}
              template:
                metadata: {labels: {app: openelb-manager, control-plane: openelb-manager}}
                spec:
                  serviceAccountName: openelb-controller
                  containers: [{name: openelb-controller, image: kubesphere/openelb-controller:v0.6.0}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: openelb-speaker, namespace: openelb-system}
            spec:
              selector: {matchLabels: {app: openelb-speaker}}
              template:
                metadata: {labels: {app: openelb-speaker}}
                spec:
                  hostNetwork: true
                  serviceAccountName: openelb-speaker
                  containers: [{name: openelb-speaker, image: kubesphere/openelb-speaker:v0.6.0}]
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: openelb-admission, namespace: openelb-system}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: openelb-admission, namespace: openelb-system}
            spec:
              selector: {app: openelb-manager}
              ports: [{name: https-webhook, port: 443, targetPort: 443}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: openelb-controller}
            rules:
              - {apiGroups: [""], resources: [services], verbs: [create, delete, get, list, patch, update, watch]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: openelb-manager-role}
            rules:
              - {apiGroups: [network.kubesphere.io], resources: [eips], verbs: [create, delete, get, list, patch, update, watch]}
            ---
            # failurePolicy Ignore here (OpenELB's is Fail) so that a failure of this test cannot block
            # the Eip writes of the tests after it
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata: {name: openelb-admission}
            webhooks:
              - name: validate.eip.network.kubesphere.io
                admissionReviewVersions: [v1]
                clientConfig: {service: {name: openelb-admission, namespace: openelb-system, path: /validate-network-kubesphere-io-v1alpha2-eip}}
                failurePolicy: Ignore
                sideEffects: None
                rules: [{apiGroups: [network.kubesphere.io], apiVersions: [v1alpha2], operations: [CREATE, UPDATE], resources: [eips]}]
            """;

    /** The controller with the image's JVM flags and environment, its memory limit, its ServiceAccount. */
    private static OpenElbProcess startControllerAsItsPodWould(String name) throws Exception {
        Path dir = Files.createTempDirectory("install-it");
        return OpenElbProcess.startWithJvmFlags(
                InstallFiles.jvmFlagsInContainer(InstallFiles.controllerContainer()), InstallFiles.environment(),
                cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir, name,
                "--role=controller", "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=1s")
                .awaitReady(Duration.ofSeconds(60));
    }

    private String migrate(String step) {
        LocalCluster.Result result = LocalCluster.run(List.of("hack/migrate-from-openelb.sh", step),
                Map.of("KUBECTL", cluster.kubectlBinary().toString(), "KUBECONFIG",
                        cluster.adminKubeconfig().toString()), 120);
        assertThat(result.exitCode()).as("migrate %s: %s", step, result.stderr()).isZero();
        return result.stdout();
    }

    @Test
    void dockerfilePassesHadolint() {
        LocalCluster.Result lint = LocalCluster.run(List.of("hack/lint-dockerfile.sh"), Map.of(), 300);

        assertThat(lint.exitCode()).as("hadolint:\n%s%s", lint.stdout(), lint.stderr()).isZero();
    }

    /** The MD5 sample's Secret is where the speaker, and only the speaker, may read it. */
    @Test
    void md5SampleSecretIsReadableByTheSpeakerOnly() {
        cluster.kubectl("apply", "-f", sample("bgppeer-md5.yaml"));
        String ref = cluster.kubectl("get", "bgppeer", "bgppeer-md5-sample", "-o",
                "jsonpath={.spec.conf.authPasswordSecretRef.name}");

        assertThat(cluster.kubectl("get", "secret", ref, "-n", "openelb-system", "-o",
                "jsonpath={.data.password}")).isNotEmpty();
        assertThat(canGet("openelb-speaker", "secret/" + ref)).isEqualTo("yes");
        assertThat(canGet("openelb-controller", "secret/" + ref)).isEqualTo("no");
    }

    private String canGet(String account, String resource) {
        return cluster.kubectlResult("auth", "can-i", "get", resource, "-n", "openelb-system",
                "--as=system:serviceaccount:openelb-system:" + account).stdout().strip();
    }

    private List<String> awaitIngress(String name) throws InterruptedException {
        return IpamFixture.await(() -> {
            Service s = cluster.admin().services().inNamespace("default").withName(name).get();
            return s == null ? List.<String>of() : IpamFixture.ingress(s);
        }, l -> !l.isEmpty(), "an address for default/" + name);
    }

    private static String sample(String file) {
        return Path.of("manifests", "samples", file).toString();
    }
}
