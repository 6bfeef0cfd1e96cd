package io.openelb.it;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real local control plane of {@code hack/cluster.sh} (kube-apiserver + etcd built from source),
 * started once per test JVM, with {@code crds/} and {@code manifests/rbac.yaml} applied as a user would
 * with kubectl. Tests act as admin through {@link #admin()}; the program runs with the token of its own
 * ServiceAccount ({@link #kubeconfigFor}).
 */
final class LocalCluster {
    /**
     * The tests' own control plane, apart from the one hack/local-up.sh starts, so neither disturbs the
     * other; OPENELB_IT_CLUSTER_DIR and OPENELB_IT_APISERVER_PORT give a second test run its own.
     */
    static final Map<String, String> ENV = Map.of(
            "OPENELB_CLUSTER_DIR", System.getenv().getOrDefault("OPENELB_IT_CLUSTER_DIR", "/tmp/openelb-it-cluster"),
            "OPENELB_APISERVER_PORT", System.getenv().getOrDefault("OPENELB_IT_APISERVER_PORT", "16443"));
    private static LocalCluster instance;

    private final Path kubeconfig;
    private final Path binDir;
    private final KubernetesClient admin;

    private LocalCluster(Path kubeconfig, Path binDir) {
        this.kubeconfig = kubeconfig;
        this.binDir = binDir;
        this.admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig))).build();
    }

    /** The tests' control plane, started once per JVM. */
    static synchronized LocalCluster get() {
        if (instance == null) {
            instance = start(ENV);
        }
        return instance;
    }

    /** Starts (or reuses) the control plane that {@code env} names, with the CRDs and RBAC applied. */
    static LocalCluster start(Map<String, String> env) {
        String exports = run(List.of("hack/cluster.sh", "up"), env, 1800).stdout();
        LocalCluster cluster = new LocalCluster(Path.of(exported(exports, "KUBECONFIG")),
                Path.of(exported(exports, "PATH").split(":")[0]));
        cluster.kubectl("apply", "-f", "crds/");
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                "crd/eips.network.kubesphere.io", "crd/bgpconfs.network.kubesphere.io",
                "crd/bgppeers.network.kubesphere.io");
        cluster.kubectl("apply", "-f", "manifests/rbac.yaml");
        return cluster;
    }

    /** host:port of the API server on the host's loopback, e.g. 127.0.0.1:16443. */
    String apiServerHostPort() {
        java.net.URI uri = java.net.URI.create(admin.getConfiguration().getMasterUrl());
        return uri.getHost() + ":" + uri.getPort();
    }

    KubernetesClient admin() {
        return admin;
    }

    /** Runs kubectl as admin; fails the test on a non-zero exit. */
    String kubectl(String... args) {
        Result result = kubectlResult(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + result.stderr());
        }
        return result.stdout();
    }

    /** Runs kubectl as admin with input on stdin (e.g. {@code apply -f -}). */
    Result kubectlWithInput(String input, String... args) {
        return run(command(args), Map.of("KUBECONFIG", kubeconfig.toString()), 120, input);
    }

    Result kubectlResult(String... args) {
        return run(command(args), Map.of("KUBECONFIG", kubeconfig.toString()), 120);
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(binDir.resolve("kubectl").toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A kubeconfig carrying a fresh token of this ServiceAccount: the identity the program has in a cluster. */
    Path kubeconfigFor(String namespace, String serviceAccount, Path dir) {
        String token = admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(24 * 3600L).endSpec()
                        .build())
                .getStatus().getToken();
        Config config = admin.getConfiguration();
        String ca = config.getCaCertData() != null ? config.getCaCertData()
                : Base64.getEncoder().encodeToString(read(Path.of(config.getCaCertFile())).getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve(serviceAccount + ".kubeconfig");
        write(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster: {server: "%s", certificate-authority-data: %s}
                users:
                - name: %s
                  user: {token: %s}
                contexts:
                - name: local
                  context: {cluster: local, user: %s}
                current-context: local
                """.formatted(config.getMasterUrl(), ca, serviceAccount, token, serviceAccount));
        return file;
    }

    record Result(int exitCode, String stdout, String stderr) {}

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        return run(command, env, timeoutSeconds, null);
    }

    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds, String input) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            Path out = Files.createTempFile("cmd", ".out");
            Path err = Files.createTempFile("cmd", ".err");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String exported(String env, String name) {
        Matcher m = Pattern.compile("export " + name + "=\"?([^\"\\n]+)").matcher(env);
        if (!m.find()) {
            throw new AssertionError("hack/cluster.sh up printed no " + name + ": " + env);
        }
        return m.group(1);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
