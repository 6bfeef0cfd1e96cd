package io.openelb.it;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Objects the IPAM ITs create on the real API server, each test in its own namespace. */
final class IpamFixture {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** On every namespace and Eip the ITs create, so that leftovers can be found and removed. */
    static final String LABEL = "openelb-it";
    final KubernetesClient admin;
    final String namespace;

    IpamFixture(KubernetesClient admin, String prefix) {
        this.admin = admin;
        this.namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .withLabels(Map.of(LABEL, "true")).endMetadata().build()).create();
    }

    /** An Eip that admits only this fixture's namespace, so concurrent tests do not share pools. */
    Eip eip(String name, String address, Map<String, String> annotations) {
        return eip(name, address, annotations, spec -> spec.namespaces = List.of(namespace));
    }

    /** An Eip labelled as the ITs', its spec completed by {@code spec}. */
    Eip eip(String name, String address, Map<String, String> annotations,
            java.util.function.Consumer<EipSpec> spec) {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName(name).withAnnotations(annotations)
                .withLabels(Map.of(LABEL, "true")).build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = address;
        spec.accept(eip.getSpec());
        return admin.resources(Eip.class).resource(eip).create();
    }

    /**
     * Changes spec fields by merge patch, as {@code kubectl patch --type=merge} does: the controller writes
     * the Eip's status meanwhile, so a read-modify-write would conflict.
     */
    void patchEipSpec(String name, Map<String, Object> spec) {
        admin.resources(Eip.class).withName(name).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asJson(Map.of("spec", spec)));
    }

    Eip eip(String name, String address) {
        return eip(name, address, Map.of());
    }

    /** A LoadBalancer Service of OpenELB's class, without node ports (no kube-proxy here). */
    Service service(String name, Map<String, String> annotations, int port, String policy, String... families) {
        return admin.services().inNamespace(namespace).resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass("openelb.kubesphere.io/openelb")
                .withAllocateLoadBalancerNodePorts(false)
                .withIpFamilyPolicy(policy).withIpFamilies(families)
                .addNewPort().withName("p").withProtocol("TCP").withPort(port).endPort()
                .endSpec()
                .build()).create();
    }

    /**
     * A Service as OpenELB v0.6 leaves it: no class, its annotations (served by OpenELB, the Eip the user
     * named, the protocol), the label of the Eip the address came from, its finalizer, and the address in
     * the status. {@code eip} null: the user named no Eip (OpenELB took its default one, {@code labelEip}).
     */
    Service openElbService(String name, String eip, String labelEip, String address,
            Map<String, String> extraAnnotations, String protocol, int port) {
        Map<String, String> annotations = new java.util.HashMap<>(Map.of(
                "lb.kubesphere.io/v1alpha1", "openelb",
                "protocol.openelb.kubesphere.io/v1alpha1", "bgp"));
        if (eip != null) {
            annotations.put("eip.openelb.kubesphere.io/v1alpha2", eip);
        }
        annotations.putAll(extraAnnotations);
        admin.services().inNamespace(namespace).resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withAnnotations(annotations)
                .withLabels(Map.of("eip.openelb.kubesphere.io/v1alpha2", labelEip))
                .withFinalizers("finalizer.lb.kubesphere.io/v1alpha1").endMetadata()
                .withNewSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .addNewPort().withName("p").withProtocol(protocol).withPort(port).endPort()
                .endSpec()
                .build()).create();
        return admin.services().inNamespace(namespace).withName(name).editStatus(s -> {
            s.getStatus().getLoadBalancer().setIngress(List.of(new io.fabric8.kubernetes.api.model
                    .LoadBalancerIngressBuilder().withIp(address).build()));
            return s;
        });
    }

    /** An OpenELB Service whose user named Eip {@code eip}. */
    Service openElbService(String name, String eip, String address, Map<String, String> extraAnnotations,
            String protocol, int port) {
        return openElbService(name, eip, eip, address, extraAnnotations, protocol, port);
    }

    Service service(String name, Map<String, String> annotations, int port) {
        return service(name, annotations, port, "SingleStack", "IPv4");
    }

    Service service(String name) {
        return service(name, Map.of(), 80);
    }

    Optional<Service> get(String name) {
        return Optional.ofNullable(admin.services().inNamespace(namespace).withName(name).get());
    }

    static List<String> ingress(Service service) {
        if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return service.getStatus().getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp).toList();
    }

    /** Waits until the Service's status holds addresses, and returns them. */
    List<String> awaitIngress(String name) throws InterruptedException {
        return await(() -> get(name).map(IpamFixture::ingress).orElse(List.of()), l -> !l.isEmpty(),
                "an address for " + namespace + "/" + name);
    }

    /**
     * Waits until the Service carries the controller's claim: the label naming {@code eip}, and no
     * finalizer of OpenELB's. The controller writes the address first and the claim one API round trip later.
     */
    Service awaitClaim(String name, String eip) throws InterruptedException {
        return await(() -> get(name).orElse(null), s -> s != null
                && (s.getMetadata().getFinalizers() == null
                        || !s.getMetadata().getFinalizers().contains("finalizer.lb.kubesphere.io/v1alpha1"))
                && s.getMetadata().getLabels() != null
                && eip.equals(s.getMetadata().getLabels().get("eip.openelb.kubesphere.io/v1alpha2")),
                "the Eip label " + eip + " and no OpenELB finalizer on " + namespace + "/" + name);
    }

    List<String> events(String name) {
        return admin.v1().events().inNamespace(namespace)
                .withField("involvedObject.name", name).list().getItems().stream()
                .map(e -> e.getReason() + ": " + e.getMessage())
                .toList();
    }

    /** Waits for an Event on the Service whose "reason: message" contains {@code text}. */
    String awaitEvent(String name, String text) throws InterruptedException {
        List<String> events = await(() -> events(name), l -> l.stream().anyMatch(e -> e.contains(text)),
                "an event '" + text + "' on " + name);
        return events.stream().filter(e -> e.contains(text)).findFirst().orElseThrow();
    }

    Eip eipNow(String name) {
        return admin.resources(Eip.class).withName(name).get();
    }

    void delete(String service) {
        admin.services().inNamespace(namespace).withName(service).delete();
    }

    /**
     * Removes what earlier runs left: their Services (finalizers dropped first, as no controller may
     * run) and Eips. Namespaces stay: without a controller-manager they would never finish deleting.
     */
    static void removeLeftovers(KubernetesClient admin) {
        for (var ns : admin.namespaces().withLabel(LABEL).list().getItems()) {
            for (Service s : admin.services().inNamespace(ns.getMetadata().getName()).list().getItems()) {
                admin.services().inNamespace(ns.getMetadata().getName()).withName(s.getMetadata().getName())
                        .edit(svc -> {
                            svc.getMetadata().setFinalizers(List.of());
                            return svc;
                        });
                admin.services().inNamespace(ns.getMetadata().getName()).withName(s.getMetadata().getName()).delete();
            }
        }
        admin.resources(Eip.class).withLabel(LABEL).delete();
    }

    /** Deletes this fixture's Services and waits until the controller has let them go. */
    void deleteServices() throws InterruptedException {
        admin.services().inNamespace(namespace).delete();
        await(() -> admin.services().inNamespace(namespace).list().getItems(), List::isEmpty,
                "Services of " + namespace + " released and gone");
    }

    static <T> T await(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
        return await(read, done, what, WAIT, Duration.ofMillis(100));
    }

    /** Reads every {@code poll} until {@code done}; after {@code wait} fails naming {@code what} and the last value. */
    static <T> T await(Supplier<T> read, Predicate<T> done, String what, Duration wait, Duration poll)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + wait + " for " + what + "; last seen: " + value);
            }
            Thread.sleep(poll.toMillis());
            value = read.get();
        }
        return value;
    }
}
