package io.openelb.ipam;

/** A Service by namespace and name; prints as {@code namespace/name}, as kubectl and OpenELB write it. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {

    /** The key of {@code namespace/name}. */
    public static ServiceKey parse(String key) {
        String[] nsName = key.split("/", 2);
        return new ServiceKey(nsName[0], nsName[1]);
    }

    @Override
    public int compareTo(ServiceKey other) {
        int byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
