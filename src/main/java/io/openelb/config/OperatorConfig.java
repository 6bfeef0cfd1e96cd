package io.openelb.config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Every knob of the process, its default, validated once at start.
 *
 * <p>Each option is read from its flag, else from its environment variable ({@code OPENELB_} and the
 * flag name in upper snake case, e.g. {@code --http-port} from {@code OPENELB_HTTP_PORT}), else from
 * its default. {@code --help} lists them all with defaults. The options are declared, typed and converted
 * in {@link Flags}; a value picocli refuses, and each cross-option check that fails, is reported at once.
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
 * @param eventLoops      the Vert.x event loops of the process
 * @param logLevel        log level of the root logger
 * @param logFormat       {@code text} (one line per event) or {@code json} (one JSON object per line)
 * @param printConfig     print the effective configuration and exit
 * @param loadBalancerClass {@code spec.loadBalancerClass} of the Services this controller serves
 * @param allocateUnclassed also serve LoadBalancer Services that have no class and no OpenELB annotation
 * @param leaderElection  how the controller replicas choose the active one
 * @param layer2          the speakers' Layer 2 membership and handover
 * @param apiServerVip    the kube-apiserver VIP ({@code --role apiserver-vip}); its defaults in other roles
 * @param ui              the controller's management UI
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
        int eventLoops,
        String logLevel,
        String logFormat,
        boolean printConfig,
        String loadBalancerClass,
        boolean allocateUnclassed,
        LeaderElection leaderElection,
        Layer2 layer2,
        ApiServerVip apiServerVip,
        Ui ui,
        Map<String, String> effective) {

    /**
     * Lease-based leader election of the controller (coordination.k8s.io Lease in {@code namespace}).
     *
     * @param enabled off only for a single replica (tests, demos)
     */
    public record LeaderElection(boolean enabled, String leaseName, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod) {

        /** How long one write may take without a deadline of its own: a single replica has no standby. */
        private static final Duration SINGLE_REPLICA_WRITE = Duration.ofSeconds(10);

        /**
         * The longest one controller write may take, send to answer, retries included: a write started while
         * the Lease surely holds (less than renewDeadline after a renewal's renew time) then ends before a
         * standby may take over (leaseDuration after that time), so a new leader never lists Services while
         * the old one still writes (as far as the API server finishes a write when its client gives up).
         */
        public Duration writeDeadline() {
            return enabled ? leaseDuration.minus(renewDeadline) : SINGLE_REPLICA_WRITE;
        }
    }

    /**
     * The speakers' Layer 2 half.
     *
     * @param membershipPort TCP port of the JGroups membership on the node's address (failure detection
     *                       also listens on this port + 100)
     * @param failureTimeout a speaker silent this long (hung, cut off) leaves the view; a killed one leaves
     *                       at once, its sockets close
     * @param handoverDelay  a new owner whose predecessor is still live waits this long before answering
     * @param secretName     the Secret (in the program's namespace) whose key {@code secret} is the membership key
     */
    public record Layer2(int membershipPort, Duration failureTimeout, Duration handoverDelay, String secretName) {}

    /**
     * The kube-apiserver's virtual address, held by one control-plane node elected over VRRP.
     *
     * @param vips           IPv4 and/or IPv6 literals; empty outside the role
     * @param iface          a NIC name or {@code can_reach:<ip>}; empty: the route to the first VIP
     * @param vrid           1-255 in the role, 0 outside it
     * @param priority       1-254
     * @param advertInterval whole centiseconds, 10ms-40950ms
     * @param preempt        a higher priority takes over from a lower master
     * @param health         when this node's API server counts as healthy
     */
    public record ApiServerVip(List<String> vips, String iface, int vrid, int priority, Duration advertInterval,
            boolean preempt, Health health) {
        public ApiServerVip {
            vips = List.copyOf(vips);
        }
    }

    /**
     * The controller's management UI.
     *
     * @param enabled     served at /ui/
     * @param writes      Eips and Services may be changed through it (with the user's own rights)
     * @param sessionIdle a session unused this long ends
     */
    public record Ui(boolean enabled, boolean writes, Duration sessionIdle) {}

    /**
     * The checks of the local API server.
     *
     * @param url      answered 200 when healthy
     * @param interval between checks
     * @param timeout  a check without an answer this long failed
     * @param fall     consecutive failures that make it unhealthy
     * @param rise     consecutive successes that make it healthy
     * @param caFile   PEM CA bundle to verify the URL's certificate with; empty: see the README
     */
    public record Health(String url, Duration interval, Duration timeout, int fall, int rise, String caFile) {}

    static final String ENV_PREFIX = "OPENELB_";
    private static final String SEE_HELP = "\nRun with --help to see every option.";

    public OperatorConfig {
        effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
    }

    /**
     * Reads the command line and environment. Called once, on the main thread.
     *
     * @param env  the process environment (a map, so tests pass their own)
     * @param args the command-line arguments
     * @return what to do: run with a valid configuration, or print help, version or every error and exit
     */
    public static Invocation parse(Map<String, String> env, String... args) {
        Flags flags = new Flags();
        CommandLine cli = new CommandLine(flags);
        cli.getCommandSpec().parser().collectErrors(true);
        cli.setDefaultValueProvider(spec -> fromEnvironment(spec, env));
        ParseResult parsed = cli.parseArgs(args);
        if (cli.isUsageHelpRequested()) {
            return new Invocation.Exit(0, cli.getUsageMessage());
        }
        if (cli.isVersionHelpRequested()) {
            StringWriter out = new StringWriter();
            cli.printVersionHelp(new PrintWriter(out));
            return new Invocation.Exit(0, out.toString());
        }
        List<String> errors = new ArrayList<>();
        if (!parsed.errors().isEmpty()) {
            Set<ArgSpec> refused = new HashSet<>();
            for (Exception error : parsed.errors()) {
                errors.add(describeError(error, parsed));
                if (error instanceof ParameterException bad && bad.getArgSpec() != null) {
                    refused.add(bad.getArgSpec());
                }
            }
            applyRemainingDefaults(parsed, refused, errors);
        }
        errors.addAll(crossChecks(flags));
        if (!errors.isEmpty()) {
            return new Invocation.Exit(2, "openelb: invalid configuration:\n" + String.join("\n", errors) + SEE_HELP);
        }
        return new Invocation.Run(from(flags, effectiveValues(parsed)));
    }

    /** The environment variable that sets the option named {@code --some-flag}. */
    static String envName(String longOption) {
        return ENV_PREFIX + longOption.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** An option's default: its environment variable if set and not empty, else the declared one. */
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

    /** A refused value as {@code --option: what is wrong}, naming the variable when it came from there. */
    private static String describeError(Exception error, ParseResult parsed) {
        if (error instanceof ParameterException bad && bad.getCause() instanceof TypeConversionException refusal
                && bad.getArgSpec() instanceof OptionSpec option) {
            return refusal(option, refusal, !onCommandLine(option, parsed));
        }
        return error.getMessage();
    }

    /** Whether the command line gave the option (picocli counts a refused value as not matched). */
    private static boolean onCommandLine(OptionSpec option, ParseResult parsed) {
        String name = option.longestName();
        return parsed.hasMatchedOption(option)
                || parsed.originalArgs().stream().anyMatch(arg -> arg.equals(name) || arg.startsWith(name + "="));
    }

    private static String refusal(OptionSpec option, TypeConversionException refusal, boolean fromEnvironment) {
        String source = fromEnvironment ? " (set by " + envName(option.longestName()) + ")" : "";
        return option.longestName() + ": " + refusal.getMessage() + source;
    }

    /**
     * picocli applies no default once an argument was refused, and stops at the first refused default:
     * apply the others here, so that every bad value is reported at once and the cross checks see them all.
     */
    private static void applyRemainingDefaults(ParseResult parsed, Set<ArgSpec> refused, List<String> errors) {
        for (OptionSpec option : parsed.commandSpec().options()) {
            if (option.usageHelp() || option.versionHelp() || parsed.hasMatchedOption(option)
                    || refused.contains(option)) {
                continue;
            }
            String text = option.defaultValueString();
            ITypeConverter<?>[] converters = option.converters();
            try {
                option.setValue(converters.length == 0 ? text : converters[0].convert(text));
            } catch (TypeConversionException e) {
                errors.add(refusal(option, e, true));
            } catch (Exception e) {
                throw new IllegalStateException("converter of " + option.longestName() + " failed", e);
            }
        }
    }

    /** The checks that involve more than one option or the file system; a refused (null) value skips them. */
    private static List<String> crossChecks(Flags f) {
        List<String> errors = new ArrayList<>();
        String nodeName = f.nodeName.trim();
        if (f.role != null && f.role.runsSpeaker()) {
            if (nodeName.isEmpty()) {
                errors.add("--node-name: required for role " + f.role + " (set OPENELB_NODE_NAME from spec.nodeName)");
            } else if (!Converters.isObjectName(nodeName)) {
                errors.add("--node-name: '" + nodeName + "' is not a valid Kubernetes node name");
            }
        }
        if (f.role == Role.APISERVER_VIP) {
            if (f.vip != null && f.vip.isEmpty()) {
                errors.add("--vip: required for role apiserver-vip");
            }
            if (f.vrid != null && f.vrid == 0) {
                errors.add("--vrid: required for role apiserver-vip (1-255, the same on every control-plane node)");
            }
        }
        if (!f.healthCaFile.isEmpty() && !Files.isReadable(Path.of(f.healthCaFile))) {
            errors.add("--health-ca-file: cannot read '" + f.healthCaFile + "'");
        }
        if (!f.kubeconfig.isEmpty() && !Files.isReadable(Path.of(f.kubeconfig))) {
            errors.add("--kubeconfig: cannot read '" + f.kubeconfig + "'");
        }
        if (f.leaseDuration != null && f.renewDeadline != null && f.retryPeriod != null
                && (f.renewDeadline.compareTo(f.leaseDuration) >= 0 || f.retryPeriod.compareTo(f.renewDeadline) >= 0)) {
            errors.add("--lease-duration, --renew-deadline, --retry-period: each must be longer than the next");
        }
        return errors;
    }

    private static Map<String, String> effectiveValues(ParseResult parsed) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec option : parsed.commandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                values.put(option.longestName(), Flags.display(option.getValue()));
            }
        }
        return values;
    }

    private static OperatorConfig from(Flags f, Map<String, String> effective) {
        return new OperatorConfig(f.role, f.nodeName.trim(), f.namespace, f.httpHost, f.httpPort, f.grpcHost,
                f.grpcPort, f.kubeconfig, f.shutdownTimeout, f.eventLoops, Flags.display(f.logLevel),
                Flags.display(f.logFormat), f.printConfig, f.loadBalancerClass, f.allocateUnclassed,
                new LeaderElection(f.leaderElect, f.leaseName, f.leaseDuration, f.renewDeadline, f.retryPeriod),
                new Layer2(f.membershipPort, f.membershipFailureTimeout, f.layer2HandoverDelay, f.membershipSecret),
                new ApiServerVip(f.vip.isEmpty() ? List.of() : List.of(f.vip.split(",")), f.vipInterface.trim(),
                        f.vrid, f.vrrpPriority, f.vrrpAdvertInterval, f.vrrpPreempt,
                        new Health(f.healthUrl, f.healthInterval, f.healthTimeout, f.healthFall, f.healthRise,
                                f.healthCaFile)),
                new Ui(f.ui, f.uiWrites, f.uiSessionIdle),
                effective);
    }

    /** The effective configuration, one {@code --option = value} line each, in --help order. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        effective.forEach((option, value) -> out.append(option).append(" = ").append(value).append('\n'));
        return out.toString();
    }
}
