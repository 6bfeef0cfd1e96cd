package io.openelb.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code target/openelb.jar} running as a separate process, as in a Pod, with its logs in a file;
 * optionally inside a lab node's network namespace, as a speaker on that node.
 */
final class OpenElbProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "openelb.jar");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    private final Path log;
    private final String netns;
    final int httpPort;

    private OpenElbProcess(Process process, Path log, String netns, int httpPort) {
        this.process = process;
        this.log = log;
        this.netns = netns;
        this.httpPort = httpPort;
    }

    static OpenElbProcess start(Path kubeconfig, Path logDir, String name, String... args) {
        return startIn(null, kubeconfig, logDir, name, args);
    }

    /** Starts the jar inside network namespace {@code netns} (null: this one). */
    static OpenElbProcess startIn(String netns, Path kubeconfig, Path logDir, String name, String... args) {
        return startIn(netns, List.of("-Xmx256m"), kubeconfig, logDir, name, args);
    }

    /**
     * Starts the jar with these JVM flags and environment, e.g. the image's
     * ({@link io.openelb.InstallFiles#jvmFlags}, {@link io.openelb.InstallFiles#environment}).
     */
    static OpenElbProcess startWithJvmFlags(List<String> jvmFlags, java.util.Map<String, String> env,
            Path kubeconfig, Path logDir, String name, String... args) {
        return startIn(null, jvmFlags, env, kubeconfig, logDir, name, args);
    }

    private static OpenElbProcess startIn(String netns, List<String> jvmFlags, Path kubeconfig, Path logDir,
            String name, String... args) {
        return startIn(netns, jvmFlags, java.util.Map.of(), kubeconfig, logDir, name, args);
    }

    /**
     * Starts the jar inside network namespace {@code netns} (null: this one) with these JVM flags and environment;
     * {@code kubeconfig} null: the environment gives the API server ({@link LocalCluster#withPodCredentials}).
     */
    static OpenElbProcess startIn(String netns, List<String> jvmFlags, java.util.Map<String, String> env,
            Path kubeconfig, Path logDir, String name, String... args) {
        try {
            int port = freePort();
            List<String> command = new ArrayList<>();
            if (netns != null) {
                command.addAll(List.of("ip", "netns", "exec", netns));
            }
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(jvmFlags);
            command.addAll(List.of("-jar", JAR.toString(), "--http-host=127.0.0.1", "--http-port=" + port));
            if (kubeconfig != null) {
                command.add("--kubeconfig=" + kubeconfig);
            }
            command.addAll(List.of(args));
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("OPENELB_") || k.equals("KUBECONFIG"));
            builder.environment().putAll(env);
            return new OpenElbProcess(builder.start(), log, netns, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until /readyz answers 200. */
    OpenElbProcess awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("openelb exited with " + process.exitValue() + ":\n" + log());
            }
            if (get("/readyz").startsWith("200 ")) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("openelb not ready within " + timeout + ":\n" + log());
    }

    String metrics() throws InterruptedException {
        return get("/metrics");
    }

    /**
     * "STATUS body" of a GET on the process's HTTP endpoint, or "" when it does not answer. Inside a lab
     * namespace the request is made there with curl, as only that namespace reaches its loopback.
     */
    String get(String path) throws InterruptedException {
        return request("GET", path);
    }

    /** "STATUS body" of a request with this method (and a small JSON body unless GET), as {@link #get}. */
    String request(String method, String path) throws InterruptedException {
        String url = "http://127.0.0.1:" + httpPort + path;
        String body = "{\"ready\":true,\"pools\":[]}";
        if (netns != null) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "curl", "-s", "--max-time",
                    "5", "-w", "\n%{http_code}", "-X", method));
            if (!method.equals("GET")) {
                command.addAll(List.of("-H", "Content-Type: application/json", "--data", body));
            }
            command.add(url);
            LocalCluster.Result r = LocalCluster.run(command, java.util.Map.of(), 10);
            int cut = r.stdout().lastIndexOf('\n');
            return r.exitCode() != 0 || cut < 0 ? "" : r.stdout().substring(cut + 1) + " " + r.stdout().substring(0, cut);
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).method(method,
                    method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException notListening) {
            return "";
        }
    }

    /** Peak resident set size so far (VmHWM), in KiB. */
    long peakRssKiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** CPU time the process has used so far. */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether this controller holds the Lease, as its own metric says. */
    boolean isLeader() {
        try {
            return process.isAlive() && metrics().contains("openelb_controller_leader 1.0");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then waits for the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("openelb did not stop within 30 s on SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** Sends a signal ({@code STOP} freezes the process as a hung node would be, {@code CONT} resumes it). */
    void signal(String name) {
        LocalCluster.Result r = LocalCluster.run(List.of("kill", "-" + name, String.valueOf(process.pid())), Map.of(), 10);
        if (r.exitCode() != 0) {
            throw new AssertionError("kill -" + name + " failed: " + r.stderr());
        }
    }

    /** SIGKILL: the process dies at once, mid-work. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() {
        return LocalCluster.read(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
