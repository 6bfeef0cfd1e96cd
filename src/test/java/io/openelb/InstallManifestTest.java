package io.openelb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The install manifest and the image, read as files: least privilege for each role, probes on the HTTP
 * endpoint, resources set, the image the Dockerfile builds. InstallIT applies the same file to a real API
 * server and runs the jar with the image's flags.
 */
class InstallManifestTest {

    @Test
    void controllerIsTwoReplicasWithNoPrivilegeAtAll() {
        Deployment deployment = InstallFiles.object(Deployment.class, "openelb-controller");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container c = InstallFiles.controllerContainer();

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(pod.getServiceAccountName()).isEqualTo("openelb-controller");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(c.getArgs()).containsExactly("--role=controller");
        assertLockedDown(c.getSecurityContext());
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    }

    @Test
    void speakerIsOnTheHostNetworkOfEveryNodeWithOnlyNetRaw() {
        DaemonSet daemonSet = InstallFiles.object(DaemonSet.class, "openelb-speaker");
        PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
        Container c = InstallFiles.speakerContainer();

        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(pod.getServiceAccountName()).isEqualTo("openelb-speaker");
        assertThat(c.getArgs()).containsExactly("--role=speaker");
        assertThat(c.getEnv()).extracting(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath())
                .contains(org.assertj.core.groups.Tuple.tuple("OPENELB_NODE_NAME", "spec.nodeName"));
        assertLockedDown(c.getSecurityContext());
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_RAW");
    }

    private static void assertLockedDown(SecurityContext security) {
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    }

    /**
     * Beyond the containers' contexts: neither Pod shares the host's processes, IPC or files, both run under
     * the runtime's seccomp profile, and only the speaker is root (uid 0, on purpose: see the manifest), while
     * the controller may never be.
     */
    @Test
    void neitherPodSharesHostProcessesIpcOrFilesAndOnlyTheSpeakerIsRoot() {
        PodSpec controller = InstallFiles.object(Deployment.class, "openelb-controller").getSpec().getTemplate().getSpec();
        PodSpec speaker = InstallFiles.object(DaemonSet.class, "openelb-speaker").getSpec().getTemplate().getSpec();
        for (PodSpec pod : List.of(controller, speaker)) {
            assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getContainers()).hasSize(1);
            assertThat(pod.getInitContainers()).isNullOrEmpty();
        }
        assertThat(InstallFiles.controllerContainer().getSecurityContext().getRunAsNonRoot()).isNotEqualTo(Boolean.FALSE);
        SecurityContext root = InstallFiles.speakerContainer().getSecurityContext();
        assertThat(root.getRunAsUser()).isZero();
        assertThat(root.getCapabilities().getAdd()).as("root, but without root's capabilities")
                .containsExactly("NET_RAW");
        assertThat(InstallFiles.read(java.nio.file.Path.of("manifests", "base", "speaker.yaml")))
                .as("the reason is written beside it").contains("Not a non-root user");
    }

    @Test
    void bothRolesAreProbedOnTheHttpEndpointAndHaveMemoryRequestsAndLimits() {
        for (Container c : List.of(InstallFiles.controllerContainer(), InstallFiles.speakerContainer())) {
            assertThat(c.getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(50052);
            });
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
            Quantity request = c.getResources().getRequests().get("memory");
            Quantity limit = c.getResources().getLimits().get("memory");
            assertThat(request).as(c.getName()).isNotNull();
            assertThat(Quantity.getAmountInBytes(limit)).isGreaterThanOrEqualTo(Quantity.getAmountInBytes(request));
            assertThat(c.getResources().getRequests()).containsKey("cpu");
            assertThat(c.getVolumeMounts()).as("writable /tmp for native libraries")
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        }
    }

    @Test
    void disruptionBudgetAndMetricsServiceSelectTheRolesPods() {
        Deployment deployment = InstallFiles.object(Deployment.class, "openelb-controller");
        DaemonSet daemonSet = InstallFiles.object(DaemonSet.class, "openelb-speaker");
        PodDisruptionBudget pdb = InstallFiles.object(PodDisruptionBudget.class, "openelb-controller");
        Service metrics = InstallFiles.object(Service.class, "openelb-metrics");

        assertThat(pdb.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(metrics.getSpec().getSelector());
        assertThat(daemonSet.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(metrics.getSpec().getSelector());
        assertThat(metrics.getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    }

    @Test
    void everythingNamespacedIsInOpenElbSystem() {
        assertThat(InstallFiles.objects()).isNotEmpty();
        for (HasMetadata o : InstallFiles.objects()) {
            boolean clusterScoped = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole",
                    "ClusterRoleBinding").contains(o.getKind());
            assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                    .isEqualTo(clusterScoped ? null : "openelb-system");
        }
    }

    /**
     * A static guard beside RbacIT's table: no wildcard anywhere, no Secret outside a namespaced Role,
     * nothing on Pods, and every write verb is one the program uses.
     */
    @Test
    void rbacHasNoWildcardAndWritesOnlyWhatTheProgramWrites() {
        Set<String> writes = Set.of("create", "update", "patch", "delete", "deletecollection", "escalate", "bind",
                "impersonate");
        Set<String> allowedWrites = Set.of("patch services", "patch services/status", "patch eips/status",
                "create events", "create leases", "patch leases", "patch bgppeers/status", "patch bgpconfs/status",
                "patch bgpadvertisements/status");
        List<String> found = new ArrayList<>();
        Stream.concat(
                InstallFiles.objects().stream().filter(ClusterRole.class::isInstance)
                        .map(o -> ((ClusterRole) o).getRules()).map(rules -> new Object[] {rules, true}),
                InstallFiles.objects().stream().filter(Role.class::isInstance)
                        .map(o -> ((Role) o).getRules()).map(rules -> new Object[] {rules, false}))
                .forEach(pair -> {
                    @SuppressWarnings("unchecked")
                    List<PolicyRule> rules = (List<PolicyRule>) pair[0];
                    boolean clusterWide = (boolean) pair[1];
                    for (PolicyRule rule : rules) {
                        assertThat(rule.getVerbs()).doesNotContain("*");
                        assertThat(rule.getResources()).doesNotContain("*").doesNotContain("pods");
                        assertThat(rule.getApiGroups()).doesNotContain("*");
                        if (clusterWide) {
                            assertThat(rule.getResources()).as("Secrets only by a namespaced Role")
                                    .doesNotContain("secrets");
                        }
                        for (String verb : rule.getVerbs()) {
                            for (String resource : rule.getResources()) {
                                if (writes.contains(verb)) {
                                    found.add(verb + " " + resource);
                                }
                            }
                        }
                    }
                });
        assertThat(found).as("writes the roles grant").isNotEmpty();
        assertThat(allowedWrites).containsAll(found);
    }

    @Test
    void imageIsTheOneTheDockerfileBuildsTaggedWithThePomVersion() {
        Matcher version = Pattern.compile("<artifactId>openelb-jvm</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(InstallFiles.read(java.nio.file.Path.of("pom.xml")));
        assertThat(version.find()).isTrue();
        String image = "openelb-jvm:" + version.group(1);

        assertThat(InstallFiles.controllerContainer().getImage()).isEqualTo(image);
        assertThat(InstallFiles.speakerContainer().getImage()).isEqualTo(image);
        assertThat(InstallFiles.read(InstallFiles.DOCKERFILE)).contains("docker build -t " + image + " .");
    }

    @Test
    void dockerfileBuildsInAStageOfItsOwnAndRunsTheJarAsANonRootUserWithContainerAwareFlags() {
        String dockerfile = InstallFiles.read(InstallFiles.DOCKERFILE);
        List<String> entrypoint = InstallFiles.entrypoint();

        assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).as("multi-stage")
                .isEqualTo(2);
        assertThat(dockerfile).containsPattern("(?m)^USER [1-9][0-9]*:[1-9][0-9]*$");
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(dockerfile).contains("COPY --from=build /src/target/openelb.jar " + entrypoint.get(
                entrypoint.size() - 1));
        assertThat(InstallFiles.jvmFlags()).anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="))
                .noneMatch(f -> f.startsWith("-Xmx"));
    }
}
