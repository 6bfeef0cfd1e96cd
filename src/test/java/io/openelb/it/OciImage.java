package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * An OCI image archive (a tar of an OCI image layout) opened as a container runtime would: the one
 * manifest of {@code index.json}, every blob checked against its digest and size, every layer against its
 * {@code diff_id}, the layers unpacked in order into one root filesystem. The archive and the layers are
 * unpacked with GNU tar (symlinks, hard links, modes and owners as a runtime keeps them).
 *
 * @param index the archive's {@code index.json}
 * @param config the image configuration
 * @param layerSizes compressed size of each layer, in bytes
 * @param unpackedLayerSizes size of each uncompressed layer tar, in bytes
 * @param rootfs the unpacked root filesystem
 */
record OciImage(JsonObject index, JsonObject config, List<Long> layerSizes, List<Long> unpackedLayerSizes,
        Path rootfs) {

    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** Unpacks {@code archive} into {@code dir} ({@code dir/layout}, {@code dir/rootfs}) and checks it. */
    static OciImage open(Path archive, Path dir) throws IOException {
        Path layout = Files.createDirectories(dir.resolve("layout"));
        tar("-xf", archive.toString(), "-C", layout.toString());
        assertThat(new JsonObject(Files.readString(layout.resolve("oci-layout"))).getString("imageLayoutVersion"))
                .isEqualTo("1.0.0");
        JsonObject index = new JsonObject(Files.readString(layout.resolve("index.json")));
        JsonArray manifests = index.getJsonArray("manifests");
        assertThat(manifests).as("manifests in index.json").hasSize(1);
        JsonObject manifestDescriptor = manifests.getJsonObject(0);
        assertThat(manifestDescriptor.getString("mediaType")).isEqualTo(MANIFEST);
        JsonObject manifest = new JsonObject(Files.readString(blob(layout, manifestDescriptor)));
        JsonObject config = new JsonObject(Files.readString(blob(layout, manifest.getJsonObject("config"))));

        JsonArray layers = manifest.getJsonArray("layers");
        JsonArray diffIds = config.getJsonObject("rootfs").getJsonArray("diff_ids");
        assertThat(diffIds).as("diff_ids").hasSameSizeAs(layers);
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        List<Long> sizes = new ArrayList<>();
        List<Long> unpackedSizes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            JsonObject layer = layers.getJsonObject(i);
            assertThat(layer.getString("mediaType")).isEqualTo(GZIP_LAYER);
            Path file = blob(layout, layer);
            Digest uncompressed = sha256(new GZIPInputStream(Files.newInputStream(file)));
            assertThat("sha256:" + uncompressed.hex()).as("diff_id of layer " + i).isEqualTo(diffIds.getString(i));
            tar("-xzf", file.toString(), "-C", rootfs.toString(), "--numeric-owner");
            sizes.add(Files.size(file));
            unpackedSizes.add(uncompressed.size());
        }
        try (Stream<Path> files = Files.walk(rootfs)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".wh.")))
                    .as("whiteouts (nothing here deletes a file of a lower layer)").isEmpty();
        }
        return new OciImage(index, config, List.copyOf(sizes), List.copyOf(unpackedSizes), rootfs);
    }

    /** The image configuration's {@code config} object: Entrypoint, Env, User, ExposedPorts. */
    JsonObject runtime() {
        return config.getJsonObject("config");
    }

    private static Path blob(Path layout, JsonObject descriptor) throws IOException {
        String digest = descriptor.getString("digest");
        assertThat(digest).startsWith("sha256:");
        Path file = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
        assertThat(Files.size(file)).as("size of " + digest).isEqualTo(descriptor.getLong("size"));
        assertThat("sha256:" + sha256(Files.newInputStream(file)).hex()).as("content of " + digest).isEqualTo(digest);
        return file;
    }

    private record Digest(String hex, long size) {}

    private static Digest sha256(InputStream input) throws IOException {
        try (DigestInputStream in = new DigestInputStream(input, MessageDigest.getInstance("SHA-256"))) {
            long size = in.transferTo(OutputStream.nullOutputStream());
            return new Digest(HexFormat.of().formatHex(in.getMessageDigest().digest()), size);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void tar(String... args) {
        List<String> command = new ArrayList<>(List.of("tar"));
        command.addAll(List.of(args));
        LocalCluster.Result result = LocalCluster.run(command, Map.of(), 300);
        assertThat(result.exitCode()).as(command + ": " + result.stderr()).isZero();
    }
}
