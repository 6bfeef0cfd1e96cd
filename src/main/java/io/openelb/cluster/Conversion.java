package io.openelb.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.openelb.announce.VipPlan;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.NodeModel;
import io.openelb.model.RouteOverride;
import io.openelb.model.ServiceModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one place where watched Kubernetes objects become the program's values: one InternalIP rule, one
 * parser of a Service's ingress, one place for defaults. Pure (no I/O); called once per watch event, on
 * the informer's thread. Objects of the project's CRDs (Eip, BgpConf, BgpPeer) are kept as they are:
 * they are validated against each other where they are used ({@code PoolSet}, {@code BgpConfigs}).
 */
public final class Conversion {
    public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final Set<String> SERVICE_ANNOTATIONS = Set.of(Annotations.LOAD_BALANCER, Annotations.POOL,
            Annotations.REQUESTED_ADDRESS, Annotations.SHARING_KEY, RouteOverride.COMMUNITIES,
            RouteOverride.LOCAL_PREF, RouteOverride.MED, VipPlan.GROUP, VipPlan.VRID);

    private final LongAdder conversions = new LongAdder();

    /** The converted value of a watched object. */
    public Object convert(ResourceKind kind, HasMetadata object) {
        conversions.increment();
        return switch (kind) {
            case SERVICE -> service((Service) object);
            case ENDPOINT_SLICE -> slice((EndpointSlice) object);
            case NODE -> node((Node) object);
            case NAMESPACE -> labels(object.getMetadata());
            case SECRET -> secretData((Secret) object);
            case EIP -> (Eip) object;
            case BGP_CONF -> (BgpConf) object;
            case BGP_PEER -> (BgpPeer) object;
            case BGP_ADVERTISEMENT -> BgpAdvertisements.of((BgpAdvertisement) object);
        };
    }

    /** How many objects this instance converted (each watch event converts its object once). */
    public long conversions() {
        return conversions.sum();
    }

    /**
     * The key of an object of this kind in the snapshot: {@code namespace/name}, the name of a cluster-scoped
     * object, and the name of a Secret (only those of the program's own namespace are watched).
     */
    public static String key(ResourceKind kind, HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return shared(meta.getNamespace() == null || kind == ResourceKind.SECRET ? meta.getName()
                : meta.getNamespace() + "/" + meta.getName());
    }

    /**
     * The one copy of a string that many models repeat (a namespace, a node's name, an annotation, the key
     * of a Service that its EndpointSlice names too): every watch event parses fresh copies, and with
     * thousands of Services those copies were a large part of each role's heap per Service. The JVM's
     * string table holds them weakly: a string no model uses any more is collected.
     */
    static String shared(String text) {
        return text == null ? null : text.intern();
    }

    public static NodeModel node(Node node) {
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        Map<String, String> labels = labels(node.getMetadata());
        List<IpAddress> internal = new ArrayList<>();
        Map<IpAddress, String> addresses = new HashMap<>();
        if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
            for (NodeAddress a : node.getStatus().getAddresses()) {
                parse(a.getAddress()).ifPresent(ip -> {
                    addresses.putIfAbsent(ip, Objects.requireNonNullElse(a.getType(), ""));
                    if ("InternalIP".equals(a.getType())) {
                        internal.add(ip);
                    }
                });
            }
        }
        return new NodeModel(shared(node.getMetadata().getName()), ready, labels.containsKey(EXCLUDE_LABEL), labels,
                internal, addresses);
    }

    public static ServiceModel service(Service service) {
        ObjectMeta meta = service.getMetadata();
        ServiceSpec spec = service.getSpec() == null ? new ServiceSpec() : service.getSpec();
        Map<String, String> annotations = new HashMap<>();
        Objects.requireNonNullElse(meta.getAnnotations(), Map.<String, String>of()).forEach((k, v) -> {
            if (SERVICE_ANNOTATIONS.contains(k) && v != null) {
                annotations.put(shared(k), shared(v));
            }
        });
        List<IpFamily> families = Objects.requireNonNullElse(spec.getIpFamilies(), List.<String>of()).stream()
                .map(f -> "IPv6".equals(f) ? IpFamily.IPV6 : IpFamily.IPV4)
                .toList();
        List<ServiceModel.Port> ports = Objects.requireNonNullElse(spec.getPorts(),
                        List.<io.fabric8.kubernetes.api.model.ServicePort>of()).stream()
                .map(p -> new ServiceModel.Port(shared(Objects.requireNonNullElse(p.getProtocol(), "TCP")),
                        Objects.requireNonNullElse(p.getPort(), 0)))
                .toList();
        String poolLabel = meta.getLabels() == null ? null : shared(meta.getLabels().get(Annotations.POOL));
        boolean finalizer = meta.getFinalizers() != null && meta.getFinalizers().contains(Annotations.FINALIZER);
        return new ServiceModel(shared(meta.getNamespace()), meta.getName(),
                Objects.requireNonNullElse(meta.getUid(), ""),
                Objects.requireNonNullElse(meta.getResourceVersion(), ""),
                Objects.requireNonNullElse(meta.getCreationTimestamp(), ""), meta.getDeletionTimestamp() != null,
                "LoadBalancer".equals(spec.getType()), shared(spec.getLoadBalancerClass()), annotations,
                spec.getLoadBalancerIP(), families, shared(Objects.requireNonNullElse(spec.getIpFamilyPolicy(), "")),
                ports, "Local".equals(spec.getExternalTrafficPolicy()), ingress(service), finalizer, poolLabel);
    }

    /** The IP addresses in {@code status.loadBalancer.ingress}; host names and garbage are left out. */
    public static List<IpAddress> ingress(Service service) {
        if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        List<IpAddress> addresses = new ArrayList<>();
        for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
            parse(ingress.getIp()).ifPresent(addresses::add);
        }
        return addresses;
    }

    /** The Service an EndpointSlice belongs to, and the nodes of its ready endpoints. */
    public static SliceModel slice(EndpointSlice slice) {
        Map<String, String> labels = labels(slice.getMetadata());
        String service = labels.get(SERVICE_NAME_LABEL);
        Set<String> nodes = new TreeSet<>();
        for (Endpoint e : Objects.requireNonNullElse(slice.getEndpoints(), List.<Endpoint>of())) {
            boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
            if (ready && e.getNodeName() != null) {
                nodes.add(shared(e.getNodeName()));
            }
        }
        String serviceKey = service == null ? null : shared(slice.getMetadata().getNamespace() + "/" + service);
        return new SliceModel(serviceKey, nodes);
    }

    /** A Secret's data (base64 as stored), by key; decoded where it is used. */
    static Map<String, String> secretData(Secret secret) {
        return Map.copyOf(Objects.requireNonNullElse(secret.getData(), Map.of()));
    }

    private static Map<String, String> labels(ObjectMeta meta) {
        return meta.getLabels() == null ? Map.of() : Map.copyOf(meta.getLabels());
    }

    private static java.util.Optional<IpAddress> parse(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(IpAddress.parse(text.trim()));
        } catch (IllegalArgumentException hostNameOrGarbage) {
            return java.util.Optional.empty();
        }
    }
}
