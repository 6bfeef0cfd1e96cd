package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each ServiceAccount of the install manifest (manifests/openelb.yaml, RBAC from manifests/rbac.yaml)
 * may do, asked of the real API server's authorizer: everything the program needs, a sample of what it
 * must not, and nothing granted that this table does not list as needed.
 */
class RbacIT {
    /**
     * account, verb, resource, namespace ('' = all namespaces), expected. {@code resource} is written as
     * kubectl takes it ({@code kind.group/name}), or {@code kind#subresource}.
     */
    private static final String TABLE = """
            # controller: needs
            openelb-controller, get,    services,                          '', yes
            openelb-controller, list,   services,                          '', yes
            openelb-controller, watch,  services,                          '', yes
            openelb-controller, patch,  services,                          '', yes
            openelb-controller, patch,  services#status,                   '', yes
            openelb-controller, get,    namespaces,                        '', yes
            openelb-controller, list,   namespaces,                        '', yes
            openelb-controller, watch,  namespaces,                        '', yes
            openelb-controller, get,    eips.network.kubesphere.io,        '', yes
            openelb-controller, list,   eips.network.kubesphere.io,        '', yes
            openelb-controller, watch,  eips.network.kubesphere.io,        '', yes
            openelb-controller, patch,  eips.network.kubesphere.io#status, '', yes
            openelb-controller, get,    bgpadvertisements.network.kubesphere.io, '', yes
            openelb-controller, list,   bgpadvertisements.network.kubesphere.io, '', yes
            openelb-controller, watch,  bgpadvertisements.network.kubesphere.io, '', yes
            openelb-controller, patch,  bgpadvertisements.network.kubesphere.io#status, '', yes
            openelb-controller, get,    bgpconfs.network.kubesphere.io,    '', yes
            openelb-controller, list,   bgpconfs.network.kubesphere.io,    '', yes
            openelb-controller, watch,  bgpconfs.network.kubesphere.io,    '', yes
            openelb-controller, create, events,                            '', yes
            openelb-controller, create, leases.coordination.k8s.io,        openelb-system, yes
            openelb-controller, get,    leases.coordination.k8s.io/openelb-controller, openelb-system, yes
            openelb-controller, patch,  leases.coordination.k8s.io/openelb-controller, openelb-system, yes
            # controller: must not
            openelb-controller, patch,  leases.coordination.k8s.io/other-lease, openelb-system, no
            openelb-controller, create, leases.coordination.k8s.io,        default, no
            openelb-controller, delete, services,                          '', no
            openelb-controller, create, services,                          '', no
            openelb-controller, patch,  eips.network.kubesphere.io,        '', no
            openelb-controller, patch,  bgpadvertisements.network.kubesphere.io, '', no
            openelb-controller, patch,  bgpconfs.network.kubesphere.io#status, '', no
            openelb-controller, get,    secrets,                           openelb-system, no
            openelb-controller, list,   secrets,                           '', no
            openelb-controller, create, pods,                              default, no
            openelb-controller, patch,  pods,                              openelb-system, no
            openelb-controller, delete, pods,                              '', no
            openelb-controller, patch,  nodes,                             '', no
            openelb-controller, patch,  deployments.apps,                  openelb-system, no
            # speaker: needs
            openelb-speaker,    get,    services,                          '', yes
            openelb-speaker,    list,   services,                          '', yes
            openelb-speaker,    watch,  services,                          '', yes
            openelb-speaker,    get,    endpointslices.discovery.k8s.io,   '', yes
            openelb-speaker,    list,   endpointslices.discovery.k8s.io,   '', yes
            openelb-speaker,    watch,  endpointslices.discovery.k8s.io,   '', yes
            openelb-speaker,    get,    nodes,                             '', yes
            openelb-speaker,    list,   nodes,                             '', yes
            openelb-speaker,    watch,  nodes,                             '', yes
            openelb-speaker,    get,    bgppeers.network.kubesphere.io,    '', yes
            openelb-speaker,    list,   bgppeers.network.kubesphere.io,    '', yes
            openelb-speaker,    watch,  bgppeers.network.kubesphere.io,    '', yes
            openelb-speaker,    get,    bgpconfs.network.kubesphere.io,    '', yes
            openelb-speaker,    list,   bgpconfs.network.kubesphere.io,    '', yes
            openelb-speaker,    watch,  bgpconfs.network.kubesphere.io,    '', yes
            openelb-speaker,    get,    eips.network.kubesphere.io,        '', yes
            openelb-speaker,    list,   eips.network.kubesphere.io,        '', yes
            openelb-speaker,    watch,  eips.network.kubesphere.io,        '', yes
            openelb-speaker,    get,    bgpadvertisements.network.kubesphere.io, '', yes
            openelb-speaker,    list,   bgpadvertisements.network.kubesphere.io, '', yes
            openelb-speaker,    watch,  bgpadvertisements.network.kubesphere.io, '', yes
            openelb-speaker,    patch,  bgppeers.network.kubesphere.io#status, '', yes
            openelb-speaker,    patch,  bgpconfs.network.kubesphere.io#status, '', yes
            openelb-speaker,    create, events,                            '', yes
            # BGP passwords (manifests/samples/bgppeer-md5.yaml) and the Layer 2 membership secret
            openelb-speaker,    get,    secrets,                           openelb-system, yes
            openelb-speaker,    list,   secrets,                           openelb-system, yes
            openelb-speaker,    watch,  secrets,                           openelb-system, yes
            openelb-speaker,    get,    secrets/bgp-router-1,              openelb-system, yes
            openelb-speaker,    get,    secrets/openelb-membership,        openelb-system, yes
            # speaker: must not
            openelb-speaker,    patch,  services#status,                   '', no
            openelb-speaker,    patch,  services,                          '', no
            openelb-speaker,    patch,  eips.network.kubesphere.io#status, '', no
            openelb-speaker,    patch,  bgppeers.network.kubesphere.io,    '', no
            openelb-speaker,    patch,  bgpadvertisements.network.kubesphere.io#status, '', no
            openelb-speaker,    get,    secrets,                           kube-system, no
            openelb-speaker,    get,    secrets,                           default, no
            openelb-speaker,    list,   secrets,                           '', no
            openelb-speaker,    create, secrets,                           openelb-system, no
            openelb-speaker,    patch,  secrets,                           openelb-system, no
            openelb-speaker,    create, pods,                              default, no
            openelb-speaker,    patch,  pods,                              openelb-system, no
            openelb-speaker,    delete, pods,                              '', no
            openelb-speaker,    patch,  nodes,                             '', no
            openelb-speaker,    create, leases.coordination.k8s.io,        openelb-system, no
            """;

    /** Granted to every authenticated user by the API server's defaults (system:basic-user), not by us. */
    private static final List<String> DEFAULT_GRANTS = List.of("selfsubjectreviews.authentication.k8s.io",
            "selfsubjectaccessreviews.authorization.k8s.io", "selfsubjectrulesreviews.authorization.k8s.io");

    private static LocalCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.get();
    }

    record Row(String account, String verb, String resource, String namespace, String expected) {}

    static List<Row> rows() {
        return TABLE.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> Arrays.stream(l.split(",")).map(String::strip).map(c -> c.equals("''") ? "" : c)
                        .toArray(String[]::new))
                .map(c -> new Row(c[0], c[1], c[2], c[3], c[4]))
                .toList();
    }

    static Stream<Arguments> table() {
        return rows().stream().map(r -> Arguments.of(r.account(), r.verb(), r.resource(), r.namespace(),
                r.expected()));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}: {4}")
    @MethodSource("table")
    void serviceAccountMayDoExactlyWhatItNeeds(String account, String verb, String resource, String namespace,
            String expected) {
        String ns = namespace.isEmpty() ? "--all-namespaces" : "--namespace=" + namespace;
        String[] resourceAndSubresource = resource.split("#");
        String subresource = resourceAndSubresource.length > 1 ? resourceAndSubresource[1] : "";
        LocalCluster.Result answer = cluster.kubectlResult("auth", "can-i", verb, resourceAndSubresource[0], ns,
                "--subresource=" + subresource, "--as=system:serviceaccount:openelb-system:" + account);

        assertThat(answer.stdout().trim()).as(answer.stderr()).isEqualTo(expected);
    }

    /**
     * Every (resource, verb) the authorizer lists for the account, in its own namespace and in another,
     * is a "yes" row of the table: a rule added to rbac.yaml without a row here (a need) fails.
     */
    @ParameterizedTest
    @ValueSource(strings = {"openelb-controller", "openelb-speaker"})
    void nothingIsGrantedBeyondTheTable(String account) {
        List<String> unexplained = new ArrayList<>();
        for (String namespace : List.of("openelb-system", "default")) {
            String list = cluster.kubectl("auth", "can-i", "--list", "--namespace=" + namespace,
                    "--as=system:serviceaccount:openelb-system:" + account);
            list.lines().skip(1).filter(l -> !l.startsWith(" ")).forEach(line -> {
                // Resources, Non-Resource URLs, Resource Names, Verbs: "services/status  []  []  [patch]"
                String[] columns = line.split("\\s{2,}");
                String resource = columns[0];
                List<String> names = bracketed(columns[2]);
                if (DEFAULT_GRANTS.contains(resource)) {
                    return;
                }
                for (String verb : bracketed(columns[3])) {
                    for (String name : names.isEmpty() ? List.of("") : names) {
                        if (!inTable(account, verb, resource, name, namespace)) {
                            unexplained.add(verb + " " + resource + (name.isEmpty() ? "" : "/" + name)
                                    + " in " + namespace);
                        }
                    }
                }
            });
        }
        assertThat(unexplained).as("granted to %s but not a need in the table", account).isEmpty();
    }

    private static boolean inTable(String account, String verb, String resource, String name, String namespace) {
        return rows().stream().filter(r -> r.account().equals(account) && r.verb().equals(verb)
                        && r.expected().equals("yes"))
                .filter(r -> r.namespace().isEmpty() || r.namespace().equals(namespace))
                .anyMatch(r -> {
                    // table: kind.group[/name] or kind[#sub]; list: kind.group or kind/sub or kind.group/sub
                    String[] kindAndSub = r.resource().split("#");
                    String kind = kindAndSub[0];
                    String rowName = "";
                    if (kindAndSub.length == 1 && kind.contains("/")) {
                        rowName = kind.substring(kind.indexOf('/') + 1);
                        kind = kind.substring(0, kind.indexOf('/'));
                    }
                    String listed = kindAndSub.length > 1 ? kind + "/" + kindAndSub[1] : kind;
                    return listed.equals(resource) && rowName.equals(name);
                });
    }

    private static List<String> bracketed(String column) {
        String inner = column.strip().replaceAll("^\\[|]$", "").strip();
        return inner.isEmpty() ? List.of() : List.of(inner.split("\\s+"));
    }
}
