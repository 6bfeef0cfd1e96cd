package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the API server's audit log and counting the program's requests in it, on lines as it writes them. */
class AuditLogTest {
    private static final String CONTROLLER = "system:serviceaccount:openelb-system:openelb-controller";
    private static final String SPEAKER = "system:serviceaccount:openelb-system:openelb-speaker";

    /** An audit.k8s.io/v1 Event at Metadata level, as kube-apiserver v1.33 writes it (bodies left out). */
    static String line(String stage, String user, String agent, String verb, String group, String resource,
            String subresource, String name) {
        return ("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"a1\","
                + "\"stage\":\"%s\",\"requestURI\":\"/api/v1/namespaces/ns/%s\",\"verb\":\"%s\","
                + "\"user\":{\"username\":\"%s\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"127.0.0.1\"],"
                + "\"userAgent\":\"%s\",\"objectRef\":{\"resource\":\"%s\",\"namespace\":\"ns\",\"name\":\"%s\","
                + "\"apiGroup\":\"%s\",\"apiVersion\":\"v1\"%s},\"responseStatus\":{\"metadata\":{},\"code\":200},"
                + "\"requestReceivedTimestamp\":\"2026-11-27T10:00:00.123456Z\","
                + "\"stageTimestamp\":\"2026-11-27T10:00:00.130001Z\"}\n").formatted(stage, resource, verb, user, agent,
                resource, name, group, subresource.isEmpty() ? "" : ",\"subresource\":\"" + subresource + "\"");
    }

    static String complete(String user, String verb, String resource, String subresource) {
        return line("ResponseComplete", user, RequestCounts.role(user) == null ? "kubectl/v1.33.13"
                : "openelb-" + RequestCounts.role(user) + "/0.1.0", verb, "", resource, subresource, "svc-0");
    }

    @Test
    void onlyCompletedRequestsAboutObjectsAreRead() {
        assertThat(AuditLog.parse(line("ResponseStarted", CONTROLLER, "a", "watch", "", "services", "", "")))
                .isEmpty();
        assertThat(AuditLog.parse("{\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"requestURI\":\"/healthz\"}"))
                .isEmpty();
        AuditLog.Request r = AuditLog.parse(line("ResponseComplete", CONTROLLER, "openelb-controller/0.1.0", "patch",
                "network.kubesphere.io", "eips", "status", "pool")).orElseThrow();
        assertThat(r.what()).isEqualTo("patch eips/status (network.kubesphere.io)");
        assertThat(r.isWrite()).isTrue();
        assertThat(r.received()).hasToString("2026-11-27T10:00:00.123456Z");
        assertThat(r.completed()).hasToString("2026-11-27T10:00:00.130001Z");
    }

    @Test
    void eachReadReturnsTheLinesCompletedSinceTheLastAndFollowsARotation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.log");
        append(file, complete(CONTROLLER, "get", "services", ""));
        AuditLog log = new AuditLog(file);
        assertThat(log.read()).as("what was there before the reader").isEmpty();

        String patch = complete(CONTROLLER, "patch", "services", "status");
        append(file, patch + patch.substring(0, 40)); // the second line still being written
        assertThat(log.read()).extracting(AuditLog.Request::what).containsExactly("patch services/status");
        append(file, patch.substring(40));
        assertThat(log.read()).extracting(AuditLog.Request::what).containsExactly("patch services/status");

        // rotation: the API server renames the file and starts a new one
        append(file, complete(CONTROLLER, "create", "events", ""));
        Files.move(file, dir.resolve("audit-2026-11-27T10-00-01.000.log"));
        append(file, complete(SPEAKER, "create", "events", ""));
        assertThat(log.read()).extracting(r -> RequestCounts.role(r.user()))
                .containsExactly("controller", "speaker");
    }

    @Test
    void countsTheProgramsRequestsPerServiceAndShowsThemInATable() {
        RequestCounts counts = new RequestCounts(2);
        counts.phase("create");
        for (String line : List.of(complete(CONTROLLER, "get", "services", "status"),
                complete(CONTROLLER, "patch", "services", "status"), complete(CONTROLLER, "patch", "services", ""),
                complete(CONTROLLER, "create", "events", ""), complete(SPEAKER, "create", "events", ""),
                complete(SPEAKER, "create", "events", ""), complete("openelb-admin", "create", "services", ""))) {
            counts.add("create", AuditLog.parse(line).orElseThrow());
        }
        counts.phase("update");

        assertThat(counts.serviceWritesPerService("create", "controller")).isEqualTo(1.0);
        assertThat(counts.eventsPerService("create", "controller")).isEqualTo(0.5);
        assertThat(counts.eventsPerService("create", null)).isEqualTo(1.5);
        assertThat(counts.serviceReads("create", "controller")).isEqualTo(1);
        assertThat(counts.serviceWritesPerService("update", "controller")).isZero();
        assertThat(counts.table()).contains(
                "| create | controller | patch services/status | 1 | 0.50 |",
                "| create | speaker | create events | 2 | 1.00 |",
                "| update | - | none | 0 | 0 |",
                "controller [openelb-controller/0.1.0]").doesNotContain("openelb-admin", "kubectl");
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
