package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.cluster.SnapshotBuilder;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** BGP passwords come from the Secrets of the program's namespace in the snapshot, each problem with its reason. */
class SecretPasswordsTest {
    private static final String NS = "openelb-system";

    private static SecretPasswords passwords(Map<String, String> data) {
        SnapshotBuilder builder = new SnapshotBuilder(Set.of(ResourceKind.SECRET));
        var secret = new SecretBuilder().withNewMetadata().withNamespace(NS).withName("bgp-auth").endMetadata()
                .withData(data).build();
        builder.put(ResourceKind.SECRET, Conversion.key(ResourceKind.SECRET, secret),
                new Conversion().convert(ResourceKind.SECRET, secret));
        ClusterSnapshot snapshot = builder.snapshot(true);
        return new SecretPasswords(snapshot, NS, new TcpMd5Keys());
    }

    private static BgpPeerSpec.SecretKeyRef ref(String namespace, String name, String key) {
        BgpPeerSpec.SecretKeyRef ref = new BgpPeerSpec.SecretKeyRef();
        ref.namespace = namespace;
        ref.name = name;
        ref.key = key;
        return ref;
    }

    @Test
    void thePasswordIsTheDecodedValueOfTheKeyPasswordByDefault() {
        assertThat(passwords(Map.of("password", "czNjcjN0")).fromSecret(ref(null, "bgp-auth", null))).isEqualTo("s3cr3t");
    }

    @Test
    void aMissingSecretAMissingKeyBadBase64AndAnotherNamespaceEachSaySo() {
        SecretPasswords passwords = passwords(Map.of("password", "not base64!"));

        assertThatThrownBy(() -> passwords.fromSecret(ref(null, "nope", null)))
                .hasMessage("authPasswordSecretRef: Secret openelb-system/nope not found");
        assertThatThrownBy(() -> passwords.fromSecret(ref(null, "bgp-auth", "router9")))
                .hasMessage("authPasswordSecretRef: Secret openelb-system/bgp-auth has no key router9");
        assertThatThrownBy(() -> passwords.fromSecret(ref(null, "bgp-auth", null)))
                .hasMessage("authPasswordSecretRef: Secret openelb-system/bgp-auth key password is not valid base64");
        assertThatThrownBy(() -> passwords.fromSecret(ref("default", "bgp-auth", null)))
                .hasMessage("authPasswordSecretRef: Secrets are read from namespace openelb-system only, not default");
    }
}
