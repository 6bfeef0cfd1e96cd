package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What each ServiceAccount of manifests/rbac.yaml may do, asked of the real API server's authorizer:
 * everything the program needs, and a sample of what it must not.
 */
class RbacIT {
    private static LocalCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.get();
    }

    /** {@code resource} is written as kubectl takes it ({@code kind.group/name}), or {@code kind#subresource}. */
    @ParameterizedTest(name = "{0} {1} {2} {3}: {4}")
    @CsvSource({
        // controller: needs
        "openelb-controller, list,   services,                       '', yes",
        "openelb-controller, watch,  services,                       '', yes",
        "openelb-controller, patch,  services,                       '', yes",
        "openelb-controller, patch,  services#status,                '', yes",
        "openelb-controller, watch,  namespaces,                     '', yes",
        "openelb-controller, watch,  eips.network.kubesphere.io,     '', yes",
        "openelb-controller, patch,  eips.network.kubesphere.io#status, '', yes",
        "openelb-controller, create, events,                         '', yes",
        "openelb-controller, create, leases.coordination.k8s.io,     openelb-system, yes",
        "openelb-controller, get,    leases.coordination.k8s.io/openelb-controller, openelb-system, yes",
        "openelb-controller, patch,  leases.coordination.k8s.io/openelb-controller, openelb-system, yes",
        // controller: must not
        "openelb-controller, patch,  leases.coordination.k8s.io/other-lease, openelb-system, no",
        "openelb-controller, create, leases.coordination.k8s.io,     default, no",
        "openelb-controller, delete, services,                       '', no",
        "openelb-controller, create, services,                       '', no",
        "openelb-controller, patch,  eips.network.kubesphere.io,     '', no",
        "openelb-controller, get,    secrets,                        openelb-system, no",
        "openelb-controller, create, pods,                           default, no",
        "openelb-controller, patch,  nodes,                          '', no",
        // speaker: needs
        "openelb-speaker,    watch,  services,                       '', yes",
        "openelb-speaker,    watch,  endpointslices.discovery.k8s.io, '', yes",
        "openelb-speaker,    watch,  nodes,                          '', yes",
        "openelb-speaker,    watch,  bgppeers.network.kubesphere.io, '', yes",
        "openelb-speaker,    watch,  bgpconfs.network.kubesphere.io, '', yes",
        "openelb-speaker,    watch,  eips.network.kubesphere.io,     '', yes",
        "openelb-speaker,    patch,  bgppeers.network.kubesphere.io#status, '', yes",
        "openelb-speaker,    patch,  bgpconfs.network.kubesphere.io#status, '', yes",
        "openelb-speaker,    create, events,                         default, yes",
        "openelb-speaker,    watch,  secrets,                        openelb-system, yes",
        // speaker: must not
        "openelb-speaker,    patch,  services#status,                '', no",
        "openelb-speaker,    patch,  services,                       '', no",
        "openelb-speaker,    patch,  eips.network.kubesphere.io#status, '', no",
        "openelb-speaker,    patch,  bgppeers.network.kubesphere.io, '', no",
        "openelb-speaker,    get,    secrets,                        kube-system, no",
        "openelb-speaker,    get,    secrets,                        default, no",
        "openelb-speaker,    create, secrets,                        openelb-system, no",
        "openelb-speaker,    create, pods,                           default, no",
    })
    void serviceAccountMayDoExactlyWhatItNeeds(String account, String verb, String resource, String namespace,
            String expected) {
        String ns = namespace.isEmpty() ? "--all-namespaces" : "--namespace=" + namespace;
        String[] resourceAndSubresource = resource.split("#");
        String subresource = resourceAndSubresource.length > 1 ? resourceAndSubresource[1] : "";
        LocalCluster.Result answer = cluster.kubectlResult("auth", "can-i", verb, resourceAndSubresource[0], ns,
                "--subresource=" + subresource, "--as=system:serviceaccount:openelb-system:" + account);

        assertThat(answer.stdout().trim()).as(answer.stderr()).isEqualTo(expected);
    }
}
