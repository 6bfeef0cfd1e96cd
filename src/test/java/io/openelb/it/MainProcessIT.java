package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.openelb.MockApiServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as a user runs it: help, bad configuration, health, readiness, clean SIGTERM. */
class MainProcessIT {
    private static final Path JAR = Path.of("target", "openelb.jar");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private KubernetesMockServer apiServer;

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        if (apiServer != null) {
            apiServer.destroy();
        }
    }

    @Test
    void helpListsEveryOptionAndExitsZero() throws Exception {
        Run run = runToEnd("--help");

        assertThat(run.exitCode).isZero();
        assertThat(run.stdout).contains("--role", "--node-name", "--namespace", "--http-host", "--http-port",
                "--kubeconfig", "--shutdown-timeout", "--log-level", "--print-config", "Default: 50052");
    }

    @Test
    void badConfigurationExitsTwoWithAClearMessage() throws Exception {
        Run run = runToEnd("--http-port=nope", "--role=speaker", "--node-name=");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.stderr).contains("invalid configuration", "--http-port: 'nope' is not a port number",
                "--node-name: required for role speaker");
    }

    @Test
    void printConfigShowsTheEffectiveValuesAndExits() throws Exception {
        Run run = runToEnd("--print-config", "--role=controller", "--http-port=9999");

        assertThat(run.exitCode).isZero();
        assertThat(run.stdout).contains("--role = controller", "--http-port = 9999");
    }

    @Test
    void becomesReadyWhenInformersSyncAndStopsCleanlyOnSigterm() throws Exception {
        apiServer = MockApiServer.withOurCrds();
        int port = freePort();
        Process process = start(kubeconfig(apiServer.createClient().getConfiguration().getMasterUrl()), port);

        assertThat(awaitStatus(port, "/healthz", 200)).isEqualTo(200);
        assertThat(awaitStatus(port, "/readyz", 200)).isEqualTo(200);
        assertThat(get(port, "/metrics").body()).contains("openelb_kube_informers_synced 1.0");

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited within 20 s").isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("stderr.log"))).contains("stopping", "stopped");
        assertThat(http.sendAsync(request(port, "/healthz"), HttpResponse.BodyHandlers.ofString()))
                .as("the HTTP port is closed").failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void staysUnreadyWhileTheApiServerIsUnreachableAndStillStopsCleanlyWithinTheShutdownTimeout() throws Exception {
        int port = freePort();
        int closedPort = freePort();
        Process process = start(kubeconfig("https://127.0.0.1:" + closedPort), port, "--shutdown-timeout=2s");

        assertThat(awaitStatus(port, "/healthz", 200)).isEqualTo(200);
        Thread.sleep(1000);
        HttpResponse<String> readyz = get(port, "/readyz");
        assertThat(readyz.statusCode()).isEqualTo(503);
        assertThat(readyz.body()).contains("\"waitingFor\":[\"informers\"]");

        // the leader election's renewal retries against the absent API server for ~20 s: stopping must not
        // wait for it longer than the shutdown timeout (per stage: election, BGP, the rest)
        process.destroy();
        assertThat(process.waitFor(8, TimeUnit.SECONDS)).as("stopped within the shutdown timeout").isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void withJsonLogFormatEveryLineIsOneJsonObject() throws Exception {
        int port = freePort();
        Process process = start(kubeconfig("https://127.0.0.1:" + freePort()), port, "--log-format=json");
        assertThat(awaitStatus(port, "/healthz", 200)).isEqualTo(200);
        process.destroy();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

        List<String> lines = Files.readAllLines(dir.resolve("stderr.log")).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        List<io.vertx.core.json.JsonObject> events = new ArrayList<>();
        for (String line : lines) {
            assertThat(line).as("a log line").startsWith("{").endsWith("}");
            events.add(new io.vertx.core.json.JsonObject(line));
        }
        assertThat(events).allSatisfy(e -> assertThat(e.fieldNames())
                .contains("timestamp", "level", "loggerName", "threadName", "formattedMessage"));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getString("level")).isEqualTo("INFO");
            assertThat(e.getString("loggerName")).isEqualTo("io.openelb.Main");
            assertThat(e.getString("formattedMessage")).isEqualTo("stopped");
        });
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"http", "grpc"})
    void aPortInUseStopsTheProcessWithExitOneAndAMessageNamingTheAddress(String api) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Process process = start(kubeconfig("https://127.0.0.1:" + freePort()),
                    api.equals("http") ? port : freePort(), api.equals("grpc") ? port : 0, "--shutdown-timeout=2s");

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped by itself").isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("stderr.log")))
                    .contains("failed to start", "cannot listen on 127.0.0.1:" + port);
        }
    }

    private Path kubeconfig(String server) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: test
                  user:
                    token: test-token
                contexts:
                - name: test
                  context: {cluster: test, user: test}
                current-context: test
                """.formatted(server));
        return file;
    }

    private Process start(Path kubeconfig, int httpPort, String... extraArgs) throws IOException {
        return start(kubeconfig, httpPort, 0, extraArgs);
    }

    private Process start(Path kubeconfig, int httpPort, int grpcPort, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString(),
                "--role=all", "--node-name=node-1", "--http-host=127.0.0.1", "--http-port=" + httpPort,
                "--grpc-host=127.0.0.1", "--grpc-port=" + grpcPort, "--kubeconfig=" + kubeconfig));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OPENELB_") || k.equals("KUBECONFIG"));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private record Run(int exitCode, String stdout, String stderr) {}

    private Run runToEnd(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        processes.add(process);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private int awaitStatus(int port, String path, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = get(port, path).statusCode();
                if (last == status) {
                    return last;
                }
            } catch (IOException notListeningYet) {
                // the JVM is still starting
            }
            Thread.sleep(100);
        }
        return last;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(request(port, path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
