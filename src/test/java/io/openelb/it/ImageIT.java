package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The image {@code hack/image.sh} builds from Debian packages, without Docker, agrees with the
 * {@code Dockerfile} on what matters: the same entrypoint, environment, user and port, the jar and its
 * class-data sharing archive, libpcap and {@code ip}, a Java 17 runtime; and its JVM accepts the CDS archive
 * (the archive fits only the JVM and jar it was made with, so this is what a build with the wrong JVM
 * breaks). Runs the script (the Debian base layer is cached: ~20 s after the first build of a few minutes)
 * and the image's programs in a chroot of its unpacked layers, as the image's user: needs root. Starts no
 * control plane.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {
    private static final Path ARCHIVE = Path.of("target", "openelb-image.oci.tar");
    private static final Path JAR = Path.of("target", "openelb.jar");
    private static final int MIB = 1024 * 1024;

    /** The unpacked archive: not a JUnit temporary directory, whose removal warns of every absolute symlink. */
    private static final Path DIR = Path.of("target", "image-it");
    private OciImage image;
    private DockerfileRuntime dockerfile;

    @BeforeAll
    void buildAndOpenTheImage() throws IOException {
        removeUnpacked();
        LocalCluster.Result build = LocalCluster.run(List.of("hack/image.sh", ARCHIVE.toString()), Map.of(), 1800);
        assertThat(build.exitCode()).as("hack/image.sh: " + build.stderr()).isZero();
        image = OciImage.open(ARCHIVE, DIR);
        dockerfile = DockerfileRuntime.read(Path.of("Dockerfile"));
        System.out.printf("image %s: archive %d MiB; layers %s MiB compressed, %s MiB unpacked (%d MiB)%n",
                imageName(), Files.size(ARCHIVE) / MIB, mib(image.layerSizes()), mib(image.unpackedLayerSizes()),
                image.unpackedLayerSizes().stream().mapToLong(Long::longValue).sum() / MIB);
    }

    @AfterAll
    void removeUnpacked() {
        LocalCluster.Result rm = LocalCluster.run(List.of("rm", "-rf", "--one-file-system", DIR.toString()),
                Map.of(), 120);
        assertThat(rm.exitCode()).as(rm.stderr()).isZero();
    }

    @Test
    void theArchiveNamesTheImageByThePomsVersion() throws IOException {
        assertThat(imageName()).isEqualTo("docker.io/library/openelb-jvm:" + pomVersion());
    }

    @Test
    void entrypointEnvironmentUserAndPortAreTheDockerfiles() {
        JsonObject runtime = image.runtime();

        assertThat(runtime.getJsonArray("Entrypoint").getList()).isEqualTo(dockerfile.entrypoint());
        assertThat(runtime.getString("User")).isEqualTo(dockerfile.user());
        assertThat(runtime.getJsonObject("ExposedPorts").fieldNames())
                .containsExactlyInAnyOrderElementsOf(dockerfile.exposedPorts());
        assertThat(environment()).containsAllEntriesOf(dockerfile.env()).containsKey("PATH");
    }

    @Test
    void theCdsArchiveIsTrainedWithTheDockerfilesFlags() {
        JsonArray history = image.config().getJsonArray("history");

        assertThat(history.getJsonObject(history.size() - 1).getString("created_by"))
                .contains("cds-archive.sh " + String.join(" ", dockerfile.cdsFlags()));
    }

    @Test
    void theLayersHoldTheJarItsCdsArchiveLibpcapAndIp() throws IOException {
        Path rootfs = image.rootfs();

        assertThat(Files.mismatch(rootfs.resolve("opt/openelb/openelb.jar"), JAR)).as("the jar of this build")
                .isEqualTo(-1);
        assertThat(rootfs.resolve("opt/openelb/openelb.jsa")).isNotEmptyFile();
        try (Stream<Path> libs = Files.walk(rootfs.resolve("usr/lib"))) {
            assertThat(libs.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("libpcap.so.1."));
        }
        InImage ip = inImage(List.of("ip", "-V"));
        assertThat(ip.exitCode()).as(ip.output()).isZero();
        assertThat(ip.output()).contains("iproute2");
    }

    @Test
    void theJavaOnThePathIsAJava17Runtime() {
        InImage java = inImage(List.of("java", "-version"));

        assertThat(java.exitCode()).as(java.output()).isZero();
        assertThat(java.output()).containsPattern("version \"17\\.");
    }

    /**
     * The entrypoint as it is, with -Xshare:on, which makes an archive the JVM cannot use an error rather
     * than a slower start, and the program's --version. (The JVM's own -version would not do: it drops
     * -jar's class path, which the archive checks.)
     */
    @Test
    void theImagesJvmStartsTheEntrypointWithItsCdsArchive() throws IOException {
        List<String> command = new ArrayList<>(dockerfile.entrypoint());
        command.add(1, "-Xshare:on");
        command.add("--version");

        InImage run = inImage(command);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output().strip()).isEqualTo("openelb " + pomVersion());
    }

    @Test
    void noAptListsOrPackageCacheAreLeft() throws IOException {
        try (Stream<Path> apt = Stream.concat(Files.walk(image.rootfs().resolve("var/lib/apt/lists")),
                Files.walk(image.rootfs().resolve("var/cache/apt")))) {
            assertThat(apt.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("lock")))
                    .isEmpty();
        }
    }

    private String imageName() {
        return image.index().getJsonArray("manifests").getJsonObject(0).getJsonObject("annotations")
                .getString("io.containerd.image.name");
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object entry : image.runtime().getJsonArray("Env")) {
            String[] pair = entry.toString().split("=", 2);
            env.put(pair[0], pair[1]);
        }
        return env;
    }

    private record InImage(int exitCode, String output) {}

    /**
     * Runs {@code command} as the container would: in the unpacked root filesystem, as the image's user,
     * with exactly the image's environment (its PATH finds the program), /proc mounted in a namespace of
     * its own (the JVM finds its libraries through /proc/self/exe).
     */
    private InImage inImage(List<String> command) {
        Path rootfs = image.rootfs();
        List<String> full = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork",
                "--mount-proc=" + rootfs.resolve("proc"), "/usr/sbin/chroot", "--userspec=" + image.runtime()
                        .getString("User"), rootfs.toString()));
        full.addAll(command);
        try {
            Path output = Files.createTempFile(DIR, "in-image", ".out");
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment());
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in 60 s");
            }
            return new InImage(process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String pomVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>openelb-jvm</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).as("version in pom.xml").isTrue();
        return version.group(1);
    }

    private static List<Long> mib(List<Long> bytes) {
        return bytes.stream().map(b -> b / MIB).toList();
    }

    /**
     * What the Dockerfile's last stage gives a container: its exec-form ENTRYPOINT, ENV, USER and EXPOSE,
     * and the JVM flags of its CDS training run ({@code RUN /tmp/cds-archive.sh JAR ARCHIVE FLAGS...}).
     */
    record DockerfileRuntime(List<String> entrypoint, Map<String, String> env, String user,
            List<String> exposedPorts, List<String> cdsFlags) {

        private static final Pattern CDS_RUN = Pattern.compile("(?m)^RUN /tmp/cds-archive.sh \\S+ \\S+ (.*?)[ \\\\]*$");

        static DockerfileRuntime read(Path dockerfile) throws IOException {
            String text = Files.readString(dockerfile);
            String lastStage = text.substring(text.lastIndexOf("\nFROM ") + 1);
            List<String> entrypoint = List.of();
            Map<String, String> env = new LinkedHashMap<>();
            String user = null;
            List<String> ports = new ArrayList<>();
            for (String line : lastStage.lines().toList()) {
                String[] instruction = line.split(" ", 2);
                switch (instruction[0]) {
                    case "ENTRYPOINT" ->
                        entrypoint = new JsonArray(instruction[1]).stream().map(Object::toString).toList();
                    case "USER" -> user = instruction[1];
                    case "EXPOSE" -> Stream.of(instruction[1].split(" "))
                            .forEach(p -> ports.add(p.contains("/") ? p : p + "/tcp"));
                    case "ENV" -> Stream.of(instruction[1].split(" ")).map(kv -> kv.split("=", 2))
                            .forEach(kv -> env.put(kv[0], kv[1]));
                    default -> { }
                }
            }
            Matcher cds = CDS_RUN.matcher(lastStage);
            assertThat(cds.find()).as("the CDS training RUN line").isTrue();
            return new DockerfileRuntime(entrypoint, env, user, ports, List.of(cds.group(1).split(" ")));
        }
    }
}
