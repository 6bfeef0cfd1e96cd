package io.openelb.speaker;

import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.cluster.ClusterSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** TCP MD5 passwords from the Secrets of the program's namespace in a snapshot, by reference; never logged. */
final class SecretPasswords implements BgpConfigs.Passwords {
    private final ClusterSnapshot snapshot;
    private final String namespace;
    private final TcpMd5Keys md5Keys;

    SecretPasswords(ClusterSnapshot snapshot, String namespace, TcpMd5Keys md5Keys) {
        this.snapshot = snapshot;
        this.namespace = namespace;
        this.md5Keys = md5Keys;
    }

    @Override
    public String fromSecret(BgpPeerSpec.SecretKeyRef ref) {
        if (ref.namespace != null && !ref.namespace.equals(namespace)) {
            throw new IllegalArgumentException("authPasswordSecretRef: Secrets are read from namespace "
                    + namespace + " only, not " + ref.namespace);
        }
        String key = ref.key == null ? "password" : ref.key;
        Map<String, String> data = snapshot.secret(String.valueOf(ref.name)).orElseThrow(() ->
                new IllegalArgumentException("authPasswordSecretRef: Secret " + namespace + "/" + ref.name + " not found"));
        String value = data.get(key);
        if (value == null) {
            throw new IllegalArgumentException("authPasswordSecretRef: Secret " + namespace + "/" + ref.name
                    + " has no key " + key);
        }
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("authPasswordSecretRef: Secret " + namespace + "/" + ref.name + " key "
                    + key + " is not valid base64");
        }
    }

    @Override
    public String unsupported() {
        return md5Keys.unsupportedReason();
    }
}
