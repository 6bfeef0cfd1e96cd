package io.openelb;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user installs, read as the tests need it: the objects of {@code manifests/openelb.yaml} and the
 * container's command line from the {@code Dockerfile}, so that tests run the jar exactly as the image
 * does, with the memory limit the manifest gives it.
 */
public final class InstallFiles {
    public static final Path INSTALL = Path.of("manifests", "openelb.yaml");
    public static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$");

    private InstallFiles() {}

    /** Every object of the install manifest, typed by its kind. */
    public static List<HasMetadata> objects() {
        return Arrays.stream(read(INSTALL).split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
                .map(doc -> (HasMetadata) SERIALIZATION.unmarshal(doc))
                .toList();
    }

    public static <T extends HasMetadata> T object(Class<T> type, String name) {
        return objects().stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                        + " in " + INSTALL));
    }

    public static Container controllerContainer() {
        return object(Deployment.class, "openelb-controller").getSpec().getTemplate().getSpec().getContainers()
                .get(0);
    }

    public static Container speakerContainer() {
        return object(DaemonSet.class, "openelb-speaker").getSpec().getTemplate().getSpec().getContainers()
                .get(0);
    }

    /** A container's memory limit in MiB. */
    public static long memoryLimitMiB(Container container) {
        Quantity limit = container.getResources().getLimits().get("memory");
        return Quantity.getAmountInBytes(limit).longValue() / (1024 * 1024);
    }

    /** The exec-form ENTRYPOINT of the Dockerfile, one element per argument. */
    public static List<String> entrypoint() {
        Matcher m = ENTRYPOINT.matcher(read(DOCKERFILE));
        if (!m.find()) {
            throw new AssertionError("no exec-form ENTRYPOINT in " + DOCKERFILE);
        }
        return Arrays.stream(m.group(1).split(","))
                .map(String::strip)
                .map(arg -> arg.replaceAll("^\"|\"$", ""))
                .toList();
    }

    /** The image's environment: its {@code ENV NAME=value} lines. */
    public static java.util.Map<String, String> environment() {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        Pattern.compile("(?m)^ENV ([A-Za-z_][A-Za-z0-9_]*)=(\\S+)$").matcher(read(DOCKERFILE)).results()
                .forEach(m -> env.put(m.group(1), m.group(2)));
        return env;
    }

    /** The JVM flags of the ENTRYPOINT: between {@code java} and {@code -jar}. */
    public static List<String> jvmFlags() {
        List<String> entrypoint = entrypoint();
        return entrypoint.subList(entrypoint.indexOf("java") + 1, entrypoint.indexOf("-jar"));
    }

    /**
     * The image's JVM flags as the JVM would apply them in a container with this memory limit:
     * {@code -XX:MaxRAM} stands in for the cgroup limit that the JVM reads in a container.
     */
    public static List<String> jvmFlagsInContainer(Container container) {
        return java.util.stream.Stream.concat(jvmFlags().stream(),
                java.util.stream.Stream.of("-XX:MaxRAM=" + memoryLimitMiB(container) + "m")).toList();
    }

    /**
     * {@link #jvmFlagsInContainer} with the image's class-data sharing archive replaced by {@code archive},
     * made from target/openelb.jar as the Dockerfile makes it (hack/cds-archive.sh).
     */
    public static List<String> jvmFlagsInContainer(Container container, Path archive) {
        return jvmFlagsInContainer(container).stream()
                .map(f -> f.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + archive : f).toList();
    }

    /** The JVM flags of the Dockerfile's training run (its {@code RUN /tmp/cds-archive.sh JAR ARCHIVE FLAGS}). */
    public static List<String> cdsTrainingFlags() {
        Matcher m = Pattern.compile("(?m)^RUN /tmp/cds-archive.sh \\S+ \\S+ (.*?) *\\\\?$").matcher(read(DOCKERFILE));
        if (!m.find()) {
            throw new AssertionError("no RUN /tmp/cds-archive.sh in " + DOCKERFILE);
        }
        return List.of(m.group(1).trim().split(" +"));
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
