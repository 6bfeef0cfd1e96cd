package io.openelb.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Service as the controller, the speakers and the status pages need it, converted once from the
 * watched object. Only the fields the program reads are kept (a cached Service is 10-13 KiB; this is a
 * few hundred bytes).
 *
 * @param createdAt        creation timestamp as the API server wrote it (RFC 3339; sorts by time)
 * @param deleting         has a deletion timestamp
 * @param loadBalancer     {@code spec.type} is LoadBalancer
 * @param loadBalancerClass {@code spec.loadBalancerClass}, null when unset
 * @param annotations      only the annotations of {@code io.openelb.api.Annotations} and
 *                         {@link RouteOverride#ANNOTATIONS} that are set
 * @param loadBalancerIp   {@code spec.loadBalancerIP}, null when unset
 * @param ipFamilies       {@code spec.ipFamilies} in order
 * @param ipFamilyPolicy   {@code spec.ipFamilyPolicy}, "" when unset
 * @param localTrafficOnly {@code externalTrafficPolicy: Local}
 * @param ingress          the IP addresses in {@code status.loadBalancer.ingress} (host names and garbage left
 *                         out)
 * @param hasFinalizer     carries OpenELB's finalizer (which older versions added too; the controller drops it)
 * @param poolLabel        the Eip label the controller wrote, null when absent
 */
public record ServiceModel(String namespace, String name, String uid, String resourceVersion, String createdAt,
        boolean deleting, boolean loadBalancer, String loadBalancerClass, Map<String, String> annotations,
        String loadBalancerIp, List<IpFamily> ipFamilies, String ipFamilyPolicy, List<Port> ports,
        boolean localTrafficOnly, List<IpAddress> ingress, boolean hasFinalizer, String poolLabel) {

    /** Creation time, then namespace/name: of two that want one address the first holds it, or gets it first. */
    public static final Comparator<ServiceModel> OLDEST_FIRST =
            Comparator.comparing(ServiceModel::createdAt).thenComparing(ServiceModel::key);

    /** A port the Service exposes; protocol as in the spec (TCP when unset). */
    public record Port(String protocol, int port) {}

    public ServiceModel {
        annotations = Map.copyOf(annotations);
        ipFamilies = List.copyOf(ipFamilies);
        ports = List.copyOf(ports);
        ingress = List.copyOf(ingress);
    }

    /** {@code namespace/name}, as kubectl writes it. */
    public String key() {
        return namespace + "/" + name;
    }

    public Optional<String> annotation(String name) {
        return Optional.ofNullable(annotations.get(name));
    }
}
