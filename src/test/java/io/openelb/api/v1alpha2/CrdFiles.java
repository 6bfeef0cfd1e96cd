package io.openelb.api.v1alpha2;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The CRDs under {@code crds/} and the samples under {@code manifests/samples/}, read as plain maps. */
final class CrdFiles {
    static final Path CRDS = Path.of("crds");
    static final Path SAMPLES = Path.of("manifests", "samples");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private CrdFiles() {}

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        return SERIALIZATION.unmarshal(read(file), Map.class);
    }

    /** Every YAML document of a file (documents are separated by a line {@code ---}). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(Path file) {
        return java.util.Arrays.stream(read(file).split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#")))
                .map(doc -> (Map<String, Object>) SERIALIZATION.unmarshal(doc, Map.class))
                .toList();
    }

    /** The CRD whose spec.names.kind is {@code kind}. */
    static Map<String, Object> crdOfKind(String kind) {
        return yamlFiles(CRDS).stream()
                .map(CrdFiles::yaml)
                .filter(crd -> kind.equals(get(crd, "spec", "names", "kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CRD in crds/ for kind " + kind));
    }

    /** The openAPIV3Schema of a CRD's version {@code name}. */
    static Map<String, Object> schema(Map<String, Object> crd, String version) {
        return version(crd, version).map(v -> CrdFiles.<Map<String, Object>>get(v, "schema", "openAPIV3Schema"))
                .orElseThrow(() -> new AssertionError("no version " + version));
    }

    @SuppressWarnings("unchecked")
    static java.util.Optional<Map<String, Object>> version(Map<String, Object> crd, String name) {
        List<Map<String, Object>> versions = get(crd, "spec", "versions");
        return versions.stream().filter(v -> name.equals(v.get("name"))).findFirst();
    }

    /** Walks nested maps; null when a key is missing. */
    @SuppressWarnings("unchecked")
    static <T> T get(Map<String, Object> map, String... keys) {
        Object node = map;
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(key);
        }
        return (T) node;
    }
}
