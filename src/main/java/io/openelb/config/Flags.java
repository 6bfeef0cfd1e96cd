package io.openelb.config;

import io.openelb.config.Converters.BooleanConverter;
import io.openelb.config.Converters.DurationConverter;
import io.openelb.config.Converters.EventLoopsConverter;
import io.openelb.config.Converters.HostConverter;
import io.openelb.config.Converters.LogFormatConverter;
import io.openelb.config.Converters.LogLevelConverter;
import io.openelb.config.Converters.MembershipPortConverter;
import io.openelb.config.Converters.NamespaceConverter;
import io.openelb.config.Converters.NonBlankConverter;
import io.openelb.config.Converters.ObjectNameConverter;
import io.openelb.config.Converters.PortConverter;
import io.openelb.config.Converters.PositiveDurationConverter;
import io.openelb.config.Converters.RoleConverter;
import io.openelb.config.VipConverters.AddressListConverter;
import io.openelb.config.VipConverters.AdvertIntervalConverter;
import io.openelb.config.VipConverters.CountConverter;
import io.openelb.config.VipConverters.HealthUrlConverter;
import io.openelb.config.VipConverters.PriorityConverter;
import io.openelb.config.VipConverters.VridConverter;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * The options as picocli sees them: each typed, with its converter (which refuses a bad value), its
 * default and its help text. Filled by one parse, on the thread that calls {@link OperatorConfig#parse},
 * then read into an {@link OperatorConfig}; the environment variables come in as defaults.
 */
@Command(
        name = "openelb",
        mixinStandardHelpOptions = true,
        versionProvider = Flags.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        showDefaultValues = true,
        description = "Load balancer for Kubernetes clusters without a cloud load balancer: gives each "
                + "LoadBalancer Service an IP from an Eip pool and announces it over BGP or answers ARP/NDP "
                + "for it. Every option can also be set by its environment variable; a flag wins.%n")
final class Flags {

    /** Log levels of the root logger. */
    enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR }

    /** {@code text}: one line per event; {@code json}: one JSON object per line. */
    enum LogFormat { TEXT, JSON }

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "all", converter = RoleConverter.class,
            description = "controller | speaker | all | apiserver-vip (the kube-apiserver's virtual address over "
                    + "VRRP, no Kubernetes: the --vip and --health options). Env OPENELB_ROLE.")
    Role role;

    /** Checked against the role once everything is parsed: only the speaker needs a valid one. */
    @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "",
            description = "Node this speaker runs on (set from the downward API in a cluster). "
                    + "Required for speaker and all; falls back to $HOSTNAME. Env OPENELB_NODE_NAME.")
    String nodeName;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "openelb-system",
            converter = NamespaceConverter.class,
            description = "Namespace of this program's own objects (Lease, Secrets). Env OPENELB_NAMESPACE.")
    String namespace;

    @Option(names = "--http-host", paramLabel = "ADDR", defaultValue = "0.0.0.0", converter = HostConverter.class,
            description = "Address of the HTTP endpoint (/healthz, /readyz, /metrics). Env OPENELB_HTTP_HOST.")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "50052", converter = PortConverter.class,
            description = "Port of the HTTP endpoint; 0 picks a free port. Env OPENELB_HTTP_PORT.")
    Integer httpPort;

    @Option(names = "--grpc-host", paramLabel = "ADDR", defaultValue = "127.0.0.1", converter = HostConverter.class,
            description = "Address of the speaker's read-only gobgp-compatible gRPC API (gobgp -u ADDR -p PORT "
                    + "global|neighbor|global rib). Env OPENELB_GRPC_HOST.")
    String grpcHost;

    @Option(names = "--grpc-port", paramLabel = "PORT", defaultValue = "50051", converter = PortConverter.class,
            description = "Port of the speaker's gobgp-compatible gRPC API (gobgpd's default); 0 picks a free "
                    + "port. Env OPENELB_GRPC_PORT.")
    Integer grpcPort;

    /** Checked for readability once everything is parsed. */
    @Option(names = "--kubeconfig", paramLabel = "FILE", defaultValue = "",
            description = "Kubeconfig file. Empty: $KUBECONFIG, ~/.kube/config, then the in-cluster "
                    + "ServiceAccount. Env OPENELB_KUBECONFIG.")
    String kubeconfig;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = PositiveDurationConverter.class,
            description = "Longest clean shutdown on SIGTERM before exiting anyway. Env OPENELB_SHUTDOWN_TIMEOUT.")
    Duration shutdownTimeout;

    @Option(names = "--event-loops", paramLabel = "N", defaultValue = "1", converter = EventLoopsConverter.class,
            description = "Vert.x event loops (1-64). One serves a node agent's small tasks without handing each "
                    + "change from thread to thread; the writes and the watches run on other threads. "
                    + "Env OPENELB_EVENT_LOOPS.")
    Integer eventLoops;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", converter = LogLevelConverter.class,
            description = "trace | debug | info | warn | error. Env OPENELB_LOG_LEVEL.")
    LogLevel logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            converter = LogFormatConverter.class,
            description = "text (one line per event) | json (one JSON object per line: timestamp, level, "
                    + "loggerName, threadName, message, throwable). Env OPENELB_LOG_FORMAT.")
    LogFormat logFormat;

    @Option(names = "--load-balancer-class", paramLabel = "CLASS", defaultValue = "openelb.kubesphere.io/openelb",
            converter = NonBlankConverter.class,
            description = "spec.loadBalancerClass of the Services to serve (besides those annotated "
                    + "lb.kubesphere.io/v1alpha1: openelb). Env OPENELB_LOAD_BALANCER_CLASS.")
    String loadBalancerClass;

    @Option(names = "--allocate-unclassed", defaultValue = "false", fallbackValue = "true", arity = "0..1",
            converter = BooleanConverter.class, showDefaultValue = Visibility.ALWAYS,
            description = "Also serve LoadBalancer Services with neither a class nor the OpenELB annotation. "
                    + "Env OPENELB_ALLOCATE_UNCLASSED.")
    Boolean allocateUnclassed;

    @Option(names = "--ui", defaultValue = "true", fallbackValue = "true", arity = "0..1",
            converter = BooleanConverter.class, showDefaultValue = Visibility.ALWAYS,
            description = "Controller: serve the management UI at /ui/ on the HTTP port (users sign in with "
                    + "their own Kubernetes token). Env OPENELB_UI.")
    Boolean ui;

    @Option(names = "--ui-writes", defaultValue = "false", fallbackValue = "true", arity = "0..1",
            converter = BooleanConverter.class, showDefaultValue = Visibility.ALWAYS,
            description = "Controller: let the UI create, edit and delete Eips and move Services, for users whose "
                    + "RBAC allows it; read-only otherwise. Env OPENELB_UI_WRITES.")
    Boolean uiWrites;

    @Option(names = "--ui-session-idle", paramLabel = "DURATION", defaultValue = "30m",
            converter = PositiveDurationConverter.class,
            description = "A UI session unused this long ends (8 h after sign-in at the latest). "
                    + "Env OPENELB_UI_SESSION_IDLE.")
    Duration uiSessionIdle;

    @Option(names = "--leader-elect", defaultValue = "true", fallbackValue = "true", arity = "0..1",
            converter = BooleanConverter.class, showDefaultValue = Visibility.ALWAYS,
            description = "Elect one active controller through a Lease; turn off only for a single replica. "
                    + "Env OPENELB_LEADER_ELECT.")
    Boolean leaderElect;

    @Option(names = "--lease-name", paramLabel = "NAME", defaultValue = "openelb-controller",
            converter = ObjectNameConverter.class,
            description = "Name of the leader-election Lease in --namespace. Env OPENELB_LEASE_NAME.")
    String leaseName;

    @Option(names = "--lease-duration", paramLabel = "DURATION", defaultValue = "15s",
            converter = PositiveDurationConverter.class,
            description = "How long a standby waits after the leader's last renewal before taking over. "
                    + "Env OPENELB_LEASE_DURATION.")
    Duration leaseDuration;

    @Option(names = "--renew-deadline", paramLabel = "DURATION", defaultValue = "10s",
            converter = PositiveDurationConverter.class,
            description = "How long the leader keeps trying to renew before it gives up leading. "
                    + "Env OPENELB_RENEW_DEADLINE.")
    Duration renewDeadline;

    @Option(names = "--retry-period", paramLabel = "DURATION", defaultValue = "2s",
            converter = PositiveDurationConverter.class,
            description = "Interval between leader-election attempts and renewals. Env OPENELB_RETRY_PERIOD.")
    Duration retryPeriod;

    @Option(names = "--membership-port", paramLabel = "PORT", defaultValue = "7946",
            converter = MembershipPortConverter.class,
            description = "TCP port of the Layer 2 membership among speakers on the node's address; failure "
                    + "detection also uses PORT+100. Env OPENELB_MEMBERSHIP_PORT.")
    Integer membershipPort;

    @Option(names = "--membership-failure-timeout", paramLabel = "DURATION", defaultValue = "1s",
            converter = PositiveDurationConverter.class,
            description = "A speaker that sends no heartbeat this long (hung, cut off) leaves the Layer 2 "
                    + "membership; a killed one leaves at once. Env OPENELB_MEMBERSHIP_FAILURE_TIMEOUT.")
    Duration membershipFailureTimeout;

    @Option(names = "--membership-secret", paramLabel = "NAME", defaultValue = "openelb-membership",
            description = "Secret in the program's namespace whose key 'secret' the Layer 2 speakers authenticate "
                    + "each other with. Env OPENELB_MEMBERSHIP_SECRET.")
    String membershipSecret;

    @Option(names = "--layer2-handover-delay", paramLabel = "DURATION", defaultValue = "300ms",
            converter = DurationConverter.class,
            description = "When ownership of an address moves while the old owner is still live (a node "
                    + "joins, an endpoint moves), the new owner waits this long before answering, so two "
                    + "nodes never answer at once. Env OPENELB_LAYER2_HANDOVER_DELAY.")
    Duration layer2HandoverDelay;

    @Option(names = "--vip", paramLabel = "ADDR[,ADDR]", defaultValue = "", converter = AddressListConverter.class,
            description = "apiserver-vip: the kube-apiserver's virtual addresses, IPv4 and/or IPv6, comma-separated. "
                    + "Required for that role. Env OPENELB_VIP.")
    String vip;

    @Option(names = "--vip-interface", paramLabel = "NIC", defaultValue = "",
            description = "apiserver-vip: interface to hold the addresses on, a name or can_reach:<ip>; empty: "
                    + "the interface of the route to the first --vip. Env OPENELB_VIP_INTERFACE.")
    String vipInterface;

    @Option(names = "--vrid", paramLabel = "1-255", defaultValue = "0", converter = VridConverter.class,
            description = "apiserver-vip: VRRP virtual router id, the same on every control-plane node and unused "
                    + "by any other VRRP router on the segment. Required for that role. Env OPENELB_VRID.")
    Integer vrid;

    @Option(names = "--vrrp-priority", paramLabel = "1-254", defaultValue = "100", converter = PriorityConverter.class,
            description = "apiserver-vip: this node's VRRP priority; the highest healthy node holds the address. "
                    + "Env OPENELB_VRRP_PRIORITY.")
    Integer vrrpPriority;

    @Option(names = "--vrrp-advert-interval", paramLabel = "DURATION", defaultValue = "200ms",
            converter = AdvertIntervalConverter.class,
            description = "VIP mode (speaker) and apiserver-vip: VRRP advertisement interval, 10ms-40950ms in "
                    + "centiseconds; a master is "
                    + "replaced after about 3 of them. Env OPENELB_VRRP_ADVERT_INTERVAL.")
    Duration vrrpAdvertInterval;

    @Option(names = "--vrrp-preempt", defaultValue = "true", fallbackValue = "true", arity = "0..1",
            converter = BooleanConverter.class, showDefaultValue = Visibility.ALWAYS,
            description = "VIP mode (speaker) and apiserver-vip: a node with a higher priority takes the address "
                    + "over from a lower one. "
                    + "Env OPENELB_VRRP_PREEMPT.")
    Boolean vrrpPreempt;

    @Option(names = "--health-url", paramLabel = "URL", defaultValue = "https://127.0.0.1:6443/readyz",
            converter = HealthUrlConverter.class,
            description = "apiserver-vip: the local API server's health; 200 is healthy. HTTPS to 127.0.0.1 or "
                    + "::1 is not verified unless --health-ca-file is set. Env OPENELB_HEALTH_URL.")
    String healthUrl;

    // 500 ms x 2 failures: a dead API server costs its clients about a second before the VIP moves
    @Option(names = "--health-interval", paramLabel = "DURATION", defaultValue = "500ms",
            converter = PositiveDurationConverter.class,
            description = "apiserver-vip: time between health checks. Env OPENELB_HEALTH_INTERVAL.")
    Duration healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION", defaultValue = "500ms",
            converter = PositiveDurationConverter.class,
            description = "apiserver-vip: a health check without an answer this long failed. "
                    + "Env OPENELB_HEALTH_TIMEOUT.")
    Duration healthTimeout;

    @Option(names = "--health-fall", paramLabel = "N", defaultValue = "2", converter = CountConverter.class,
            description = "apiserver-vip: consecutive failed checks that make the node unhealthy (it gives the "
                    + "address up). Env OPENELB_HEALTH_FALL.")
    Integer healthFall;

    @Option(names = "--health-rise", paramLabel = "N", defaultValue = "2", converter = CountConverter.class,
            description = "apiserver-vip: consecutive good checks that make the node healthy (it competes for "
                    + "the address). Env OPENELB_HEALTH_RISE.")
    Integer healthRise;

    @Option(names = "--health-ca-file", paramLabel = "FILE", defaultValue = "",
            description = "apiserver-vip: PEM CA bundle that verifies --health-url's certificate (kubeadm: "
                    + "/etc/kubernetes/pki/ca.crt); empty: the JVM's CAs, none for loopback. "
                    + "Env OPENELB_HEALTH_CA_FILE.")
    String healthCaFile;

    @Option(names = "--print-config", defaultValue = "false", fallbackValue = "true", arity = "0..1",
            converter = BooleanConverter.class, showDefaultValue = Visibility.ALWAYS,
            description = "Print the effective configuration and exit. Env OPENELB_PRINT_CONFIG.")
    Boolean printConfig;

    /** The value of an option as {@code --print-config} shows it: as a flag would write it. */
    static String display(Object value) {
        if (value instanceof Duration duration) {
            return Converters.format(duration);
        }
        if (value instanceof Role role) {
            return role.toString();
        }
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Flags.class.getPackage().getImplementationVersion();
            return new String[] {"openelb " + (v == null ? "dev" : v)};
        }
    }
}
