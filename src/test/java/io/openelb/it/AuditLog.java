package io.openelb.it;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The API server's audit log ({@code hack/cluster/audit-policy.yaml}: one JSON object per line), read as it
 * grows: each {@link #read} returns the requests completed since the previous one, or since this reader was
 * made. A rotation (the API server renames the file to {@code audit-<time>.log} and starts a new one) is
 * followed: the rest of the renamed file is read first. Used by one test thread.
 */
final class AuditLog {
    private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");

    /**
     * One completed request, as its audit event at Metadata level describes it: when the API server received it
     * and when it had answered it (microseconds).
     */
    record Request(Instant received, Instant completed, String user, String userAgent, String verb, String apiGroup,
            String resource, String subresource, String namespace, String name) {
        /** {@code patch services/status}, {@code create events}, {@code patch eips/status (network.kubesphere.io)}. */
        String what() {
            return verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource)
                    + (apiGroup.isEmpty() ? "" : " (" + apiGroup + ")");
        }

        boolean isWrite() {
            return WRITES.contains(verb);
        }
    }

    private final Path file;
    private long offset;
    private Object fileKey;

    /** A reader that starts at the end of {@code file} as it is now (which may not exist yet). */
    AuditLog(Path file) {
        this.file = file;
        BasicFileAttributes now = attributes(file);
        this.fileKey = now == null ? null : now.fileKey();
        this.offset = now == null ? 0 : now.size();
    }

    /** The requests whose audit lines were completed since the last call. */
    List<Request> read() {
        List<Request> requests = new ArrayList<>();
        BasicFileAttributes now = attributes(file);
        if (now == null) {
            return requests;
        }
        if (!now.fileKey().equals(fileKey)) {
            if (fileKey != null) { // rotated: what we had not read yet is at the end of the newest old file
                newestRotated().ifPresent(old -> readFrom(old, offset, requests));
            }
            fileKey = now.fileKey();
            offset = 0;
        }
        offset = readFrom(file, offset, requests);
        return requests;
    }

    /**
     * The request of an audit line, if the line tells a completed one about an object (not the start of a
     * watch, not a URL like /healthz).
     */
    static Optional<Request> parse(String line) {
        JsonObject event = new JsonObject(line);
        JsonObject object = event.getJsonObject("objectRef");
        if (!"ResponseComplete".equals(event.getString("stage")) || object == null) {
            return Optional.empty();
        }
        JsonObject user = event.getJsonObject("user", new JsonObject());
        return Optional.of(new Request(Instant.parse(event.getString("requestReceivedTimestamp")),
                Instant.parse(event.getString("stageTimestamp")),
                user.getString("username", ""), event.getString("userAgent", ""), event.getString("verb", ""),
                object.getString("apiGroup", ""), object.getString("resource", ""),
                object.getString("subresource", ""), object.getString("namespace", ""),
                object.getString("name", "")));
    }

    /** Adds the requests of the complete lines from {@code from} on; returns where the next read starts. */
    private static long readFrom(Path path, long from, List<Request> requests) {
        try (RandomAccessFile in = new RandomAccessFile(path.toFile(), "r")) {
            long length = in.length();
            if (length <= from) {
                return from;
            }
            byte[] bytes = new byte[Math.toIntExact(length - from)];
            in.seek(from);
            in.readFully(bytes);
            int end = lastNewline(bytes); // a line still being written is read next time
            new String(bytes, 0, end + 1, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .forEach(l -> parse(l).ifPresent(requests::add));
            return from + end + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** audit-2026-01-02T03-04-05.678.log beside audit.log: the timestamp sorts as the name does. */
    private Optional<Path> newestRotated() {
        String name = file.getFileName().toString();
        String prefix = name.replaceFirst("\\.log$", "") + "-";
        try (Stream<Path> files = Files.list(file.toAbsolutePath().getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".log")).max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
