package io.openelb.config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Every knob of the process, its default, validated once at start.
 *
 * <p>Each option is read from its flag, else from its environment variable ({@code OPENELB_} and the
 * flag name in upper snake case, e.g. {@code --http-port} from {@code OPENELB_HTTP_PORT}), else from
 * its default. {@code --help} lists them all with defaults.
 *
 * @param role            which roles this process runs
 * @param nodeName        the Kubernetes Node this speaker runs on (empty for a controller)
 * @param namespace       namespace of the process's own objects (Lease, Secrets)
 * @param httpHost        address the HTTP endpoint binds to
 * @param httpPort        port of the HTTP endpoint (0 picks a free port)
 * @param grpcHost        address the speaker's gobgp-compatible gRPC API binds to
 * @param grpcPort        port of that API (0 picks a free port)
 * @param kubeconfig      kubeconfig file; empty means the client's usual discovery
 * @param shutdownTimeout how long a clean shutdown may take before the process exits anyway
 * @param logLevel        log level of the root logger
 * @param logFormat       {@code text} (one line per event) or {@code json} (one JSON object per line)
 * @param printConfig     print the effective configuration and exit
 * @param loadBalancerClass {@code spec.loadBalancerClass} of the Services this controller serves
 * @param allocateUnclassed also serve LoadBalancer Services that have no class and no OpenELB annotation
 * @param leaderElection  how the controller replicas choose the active one
 * @param layer2          the speakers' Layer 2 membership and handover
 * @param effective       option name to effective value, in --help order, for printing
 */
public record OperatorConfig(
        Role role,
        String nodeName,
        String namespace,
        String httpHost,
        int httpPort,
        String grpcHost,
        int grpcPort,
        String kubeconfig,
        Duration shutdownTimeout,
        String logLevel,
        String logFormat,
        boolean printConfig,
        String loadBalancerClass,
        boolean allocateUnclassed,
        LeaderElection leaderElection,
        Layer2 layer2,
        Map<String, String> effective) {

    /**
     * Lease-based leader election of the controller (coordination.k8s.io Lease in {@code namespace}).
     *
     * @param enabled off only for a single replica (tests, demos)
     */
    public record LeaderElection(boolean enabled, String leaseName, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod) {}

    /**
     * The speakers' Layer 2 half.
     *
     * @param membershipPort TCP port of the JGroups membership on the node's address (failure detection
     *                       also listens on this port + 100)
     * @param failureTimeout a speaker silent this long (hung, cut off) leaves the view; a killed one leaves
     *                       at once, its sockets close
     * @param handoverDelay  a new owner whose predecessor is still live waits this long before answering
     */
    public record Layer2(int membershipPort, Duration failureTimeout, Duration handoverDelay) {}

    static final String ENV_PREFIX = "OPENELB_";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");
    private static final List<String> LOG_FORMATS = List.of("text", "json");

    /** The flags, as picocli sees them. Mutable only while parsing. */
    @Command(
            name = "openelb",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            sortOptions = false,
            usageHelpAutoWidth = true,
            showDefaultValues = true,
            description = "Load balancer for Kubernetes clusters without a cloud load balancer: gives each "
                    + "LoadBalancer Service an IP from an Eip pool and announces it over BGP or answers ARP/NDP "
                    + "for it. Every option can also be set by its environment variable; a flag wins.%n")
    static final class Flags {
        @Option(names = "--role", paramLabel = "ROLE", defaultValue = "all",
                description = "controller | speaker | all. Env OPENELB_ROLE.")
        String role;

        @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "",
                description = "Node this speaker runs on (set from the downward API in a cluster). "
                        + "Required for speaker and all; falls back to $HOSTNAME. Env OPENELB_NODE_NAME.")
        String nodeName;

        @Option(names = "--namespace", paramLabel = "NS", defaultValue = "openelb-system",
                description = "Namespace of this program's own objects (Lease, Secrets). Env OPENELB_NAMESPACE.")
        String namespace;

        @Option(names = "--http-host", paramLabel = "ADDR", defaultValue = "0.0.0.0",
                description = "Address of the HTTP endpoint (/healthz, /readyz, /metrics). Env OPENELB_HTTP_HOST.")
        String httpHost;

        @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "50052",
                description = "Port of the HTTP endpoint; 0 picks a free port. Env OPENELB_HTTP_PORT.")
        String httpPort;

        @Option(names = "--grpc-host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
                description = "Address of the speaker's read-only gobgp-compatible gRPC API (gobgp -u ADDR -p PORT "
                        + "global|neighbor|global rib). Env OPENELB_GRPC_HOST.")
        String grpcHost;

        @Option(names = "--grpc-port", paramLabel = "PORT", defaultValue = "50051",
                description = "Port of the speaker's gobgp-compatible gRPC API (gobgpd's default); 0 picks a free "
                        + "port. Env OPENELB_GRPC_PORT.")
        String grpcPort;

        @Option(names = "--kubeconfig", paramLabel = "FILE", defaultValue = "",
                description = "Kubeconfig file. Empty: $KUBECONFIG, ~/.kube/config, then the in-cluster "
                        + "ServiceAccount. Env OPENELB_KUBECONFIG.")
        String kubeconfig;

        @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "10s",
                description = "Longest clean shutdown on SIGTERM before exiting anyway. Env OPENELB_SHUTDOWN_TIMEOUT.")
        String shutdownTimeout;

        @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
                description = "trace | debug | info | warn | error. Env OPENELB_LOG_LEVEL.")
        String logLevel;

        @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
                description = "text (one line per event) | json (one JSON object per line: timestamp, level, "
                        + "loggerName, threadName, message, throwable). Env OPENELB_LOG_FORMAT.")
        String logFormat;

        @Option(names = "--load-balancer-class", paramLabel = "CLASS", defaultValue = "openelb.kubesphere.io/openelb",
                description = "spec.loadBalancerClass of the Services to serve (besides those annotated "
                        + "lb.kubesphere.io/v1alpha1: openelb). Env OPENELB_LOAD_BALANCER_CLASS.")
        String loadBalancerClass;

        @Option(names = "--allocate-unclassed", defaultValue = "false", fallbackValue = "true", arity = "0..1",
                description = "Also serve LoadBalancer Services with neither a class nor the OpenELB annotation. "
                        + "Env OPENELB_ALLOCATE_UNCLASSED.")
        String allocateUnclassed;

        @Option(names = "--leader-elect", defaultValue = "true", fallbackValue = "true", arity = "0..1",
                description = "Elect one active controller through a Lease; turn off only for a single replica. "
                        + "Env OPENELB_LEADER_ELECT.")
        String leaderElect;

        @Option(names = "--lease-name", paramLabel = "NAME", defaultValue = "openelb-controller",
                description = "Name of the leader-election Lease in --namespace. Env OPENELB_LEASE_NAME.")
        String leaseName;

        @Option(names = "--lease-duration", paramLabel = "DURATION", defaultValue = "15s",
                description = "How long a standby waits after the leader's last renewal before taking over. "
                        + "Env OPENELB_LEASE_DURATION.")
        String leaseDuration;

        @Option(names = "--renew-deadline", paramLabel = "DURATION", defaultValue = "10s",
                description = "How long the leader keeps trying to renew before it gives up leading. "
                        + "Env OPENELB_RENEW_DEADLINE.")
        String renewDeadline;

        @Option(names = "--retry-period", paramLabel = "DURATION", defaultValue = "2s",
                description = "Interval between leader-election attempts and renewals. Env OPENELB_RETRY_PERIOD.")
        String retryPeriod;

        @Option(names = "--membership-port", paramLabel = "PORT", defaultValue = "7946",
                description = "TCP port of the Layer 2 membership among speakers on the node's address; failure "
                        + "detection also uses PORT+100. Env OPENELB_MEMBERSHIP_PORT.")
        String membershipPort;

        @Option(names = "--membership-failure-timeout", paramLabel = "DURATION", defaultValue = "1s",
                description = "A speaker that sends no heartbeat this long (hung, cut off) leaves the Layer 2 "
                        + "membership; a killed one leaves at once. Env OPENELB_MEMBERSHIP_FAILURE_TIMEOUT.")
        String membershipFailureTimeout;

        @Option(names = "--layer2-handover-delay", paramLabel = "DURATION", defaultValue = "300ms",
                description = "When ownership of an address moves while the old owner is still live (a node "
                        + "joins, an endpoint moves), the new owner waits this long before answering, so two "
                        + "nodes never answer at once. Env OPENELB_LAYER2_HANDOVER_DELAY.")
        String layer2HandoverDelay;

        @Option(names = "--print-config", defaultValue = "false", fallbackValue = "true", arity = "0..1",
                description = "Print the effective configuration and exit. Env OPENELB_PRINT_CONFIG.")
        String printConfig;
    }

    public OperatorConfig {
        effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
    }

    /**
     * Reads the command line and environment.
     *
     * @param env  the process environment (a map, so tests pass their own)
     * @param args the command-line arguments
     * @return what to do: run with a valid configuration, or print help, version or an error and exit
     */
    public static Invocation parse(Map<String, String> env, String... args) {
        Flags flags = new Flags();
        CommandLine cli = new CommandLine(flags);
        cli.setDefaultValueProvider(spec -> fromEnvironment(spec, env));
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                return new Invocation.Exit(0, cli.getUsageMessage());
            }
            if (cli.isVersionHelpRequested()) {
                StringWriter out = new StringWriter();
                cli.printVersionHelp(new PrintWriter(out));
                return new Invocation.Exit(0, out.toString());
            }
            return new Invocation.Run(validate(flags, effectiveValues(parsed)));
        } catch (CommandLine.ParameterException e) {
            return new Invocation.Exit(2, "openelb: " + e.getMessage() + "\nRun with --help to see every option.");
        } catch (InvalidConfigException e) {
            return new Invocation.Exit(2, "openelb: invalid configuration:\n" + e.getMessage()
                    + "\nRun with --help to see every option.");
        }
    }

    /** The environment variable that sets the option named {@code --some-flag}. */
    static String envName(String longOption) {
        return ENV_PREFIX + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String fromEnvironment(ArgSpec spec, Map<String, String> env) {
        if (!(spec instanceof OptionSpec option)) {
            return null;
        }
        String value = env.get(envName(option.longestName()));
        if ((value == null || value.isEmpty()) && option.longestName().equals("--node-name")) {
            value = env.get("HOSTNAME");
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static Map<String, String> effectiveValues(CommandLine.ParseResult parsed) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec option : parsed.commandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                values.put(option.longestName(), String.valueOf((Object) option.getValue()));
            }
        }
        return values;
    }

    private static OperatorConfig validate(Flags f, Map<String, String> effective) {
        List<String> errors = new ArrayList<>();
        Role role = null;
        try {
            role = Role.parse(f.role);
        } catch (IllegalArgumentException e) {
            errors.add("--role: " + e.getMessage());
        }
        String nodeName = f.nodeName.trim();
        if (role != null && role.runsSpeaker()) {
            if (nodeName.isEmpty()) {
                errors.add("--node-name: required for role " + role + " (set OPENELB_NODE_NAME from spec.nodeName)");
            } else if (!DNS_SUBDOMAIN.matcher(nodeName).matches() || nodeName.length() > 253) {
                errors.add("--node-name: '" + nodeName + "' is not a valid Kubernetes node name");
            }
        }
        if (!DNS_LABEL.matcher(f.namespace).matches()) {
            errors.add("--namespace: '" + f.namespace + "' is not a valid namespace name");
        }
        if (f.httpHost.isBlank()) {
            errors.add("--http-host: must not be empty");
        }
        int httpPort = parsePort("--http-port", f.httpPort, errors);
        if (f.grpcHost.isBlank()) {
            errors.add("--grpc-host: must not be empty");
        }
        int grpcPort = parsePort("--grpc-port", f.grpcPort, errors);
        if (!f.kubeconfig.isEmpty() && !Files.isReadable(Path.of(f.kubeconfig))) {
            errors.add("--kubeconfig: cannot read '" + f.kubeconfig + "'");
        }
        Duration shutdownTimeout = parsePositiveDuration("--shutdown-timeout", f.shutdownTimeout, errors);
        String logLevel = f.logLevel.trim().toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            errors.add("--log-level: '" + f.logLevel + "' is not one of " + String.join(", ", LOG_LEVELS));
        }
        String logFormat = f.logFormat.trim().toLowerCase(Locale.ROOT);
        if (!LOG_FORMATS.contains(logFormat)) {
            errors.add("--log-format: '" + f.logFormat + "' is not one of " + String.join(", ", LOG_FORMATS));
        }
        boolean printConfig = parseBoolean("--print-config", f.printConfig, errors);
        if (f.loadBalancerClass.isBlank()) {
            errors.add("--load-balancer-class: must not be empty");
        }
        boolean allocateUnclassed = parseBoolean("--allocate-unclassed", f.allocateUnclassed, errors);
        LeaderElection leaderElection = new LeaderElection(
                parseBoolean("--leader-elect", f.leaderElect, errors),
                f.leaseName,
                parsePositiveDuration("--lease-duration", f.leaseDuration, errors),
                parsePositiveDuration("--renew-deadline", f.renewDeadline, errors),
                parsePositiveDuration("--retry-period", f.retryPeriod, errors));
        if (!DNS_SUBDOMAIN.matcher(f.leaseName).matches()) {
            errors.add("--lease-name: '" + f.leaseName + "' is not a valid object name");
        }
        if (errors.isEmpty() && (leaderElection.renewDeadline().compareTo(leaderElection.leaseDuration()) >= 0
                || leaderElection.retryPeriod().compareTo(leaderElection.renewDeadline()) >= 0)) {
            errors.add("--lease-duration, --renew-deadline, --retry-period: each must be longer than the next");
        }
        int membershipPort = parsePort("--membership-port", f.membershipPort, errors);
        if (membershipPort == 0 || membershipPort > 65535 - 100) {
            errors.add("--membership-port: must be 1-65435 (failure detection uses PORT+100)");
        }
        Layer2 layer2 = new Layer2(membershipPort,
                parsePositiveDuration("--membership-failure-timeout", f.membershipFailureTimeout, errors),
                parseDuration("--layer2-handover-delay", f.layer2HandoverDelay, errors));
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(String.join("\n", errors));
        }
        return new OperatorConfig(role, nodeName, f.namespace, f.httpHost, httpPort, f.grpcHost.trim(), grpcPort,
                f.kubeconfig, shutdownTimeout, logLevel, logFormat, printConfig, f.loadBalancerClass.trim(),
                allocateUnclassed, leaderElection, layer2, effective);
    }

    private static int parsePort(String option, String text, List<String> errors) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add(option + ": '" + text + "' is not a port number (0-65535)");
        return -1;
    }

    private static Duration parsePositiveDuration(String option, String text, List<String> errors) {
        try {
            Duration d = DurationParser.parse(text);
            if (!d.isZero()) {
                return d;
            }
            errors.add(option + ": must be longer than 0");
        } catch (IllegalArgumentException e) {
            errors.add(option + ": " + e.getMessage());
        }
        return Duration.ZERO;
    }

    private static Duration parseDuration(String option, String text, List<String> errors) {
        try {
            return DurationParser.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(option + ": " + e.getMessage());
            return Duration.ZERO;
        }
    }

    private static boolean parseBoolean(String option, String text, List<String> errors) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        errors.add(option + ": '" + text + "' is not true or false");
        return false;
    }

    /** The effective configuration, one {@code --option = value} line each, in --help order. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        effective.forEach((option, value) -> out.append(option).append(" = ").append(value).append('\n'));
        return out.toString();
    }

    private static final class InvalidConfigException extends RuntimeException {
        InvalidConfigException(String message) {
            super(message, null, false, false);
        }
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OperatorConfig.class.getPackage().getImplementationVersion();
            return new String[] {"openelb " + (v == null ? "dev" : v)};
        }
    }
}
