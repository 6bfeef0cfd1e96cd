package io.openelb.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {

    private static OperatorConfig run(Map<String, String> env, String... args) {
        Invocation invocation = OperatorConfig.parse(env, args);
        assertThat(invocation).isInstanceOf(Invocation.Run.class);
        return ((Invocation.Run) invocation).config();
    }

    private static Invocation.Exit exit(Map<String, String> env, String... args) {
        Invocation invocation = OperatorConfig.parse(env, args);
        assertThat(invocation).isInstanceOf(Invocation.Exit.class);
        return (Invocation.Exit) invocation;
    }

    @Test
    void defaultsRunBothRolesOnThisHost() {
        OperatorConfig config = run(Map.of("HOSTNAME", "node-1"));

        assertThat(config.role()).isEqualTo(Role.ALL);
        assertThat(config.nodeName()).isEqualTo("node-1");
        assertThat(config.namespace()).isEqualTo("openelb-system");
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.httpPort()).isEqualTo(50052);
        assertThat(config.grpcHost()).isEqualTo("127.0.0.1");
        assertThat(config.grpcPort()).isEqualTo(50051);
        assertThat(config.kubeconfig()).isEmpty();
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.eventLoops()).isEqualTo(1);
        assertThat(config.logLevel()).isEqualTo("info");
        assertThat(config.logFormat()).isEqualTo("text");
        assertThat(config.printConfig()).isFalse();
        assertThat(config.loadBalancerClass()).isEqualTo("openelb.kubesphere.io/openelb");
        assertThat(config.allocateUnclassed()).isFalse();
        assertThat(config.leaderElection()).isEqualTo(new OperatorConfig.LeaderElection(true, "openelb-controller",
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertThat(config.layer2()).isEqualTo(new OperatorConfig.Layer2(7946, Duration.ofSeconds(1),
                Duration.ofMillis(300), "openelb-membership"));
    }

    @Test
    void layer2OptionsComeFromFlagsOrEnvironment() {
        OperatorConfig config = run(Map.of("HOSTNAME", "n", "OPENELB_MEMBERSHIP_FAILURE_TIMEOUT", "2s"),
                "--membership-port=7000", "--layer2-handover-delay=0ms", "--membership-secret=l2-key");

        assertThat(config.layer2()).isEqualTo(new OperatorConfig.Layer2(7000, Duration.ofSeconds(2), Duration.ZERO,
                "l2-key"));
    }

    @Test
    void theGrpcApiAddressComesFromFlagsOrEnvironment() {
        OperatorConfig config = run(Map.of("HOSTNAME", "n", "OPENELB_GRPC_HOST", "::1"), "--grpc-port=50061");

        assertThat(config.grpcHost()).isEqualTo("::1");
        assertThat(config.grpcPort()).isEqualTo(50061);
        assertThat(exit(Map.of("HOSTNAME", "n"), "--grpc-port=65536").text())
                .contains("--grpc-port: '65536' is not a port number");
        assertThat(exit(Map.of("HOSTNAME", "n"), "--grpc-host= ").text()).contains("--grpc-host: must not be empty");
    }

    @Test
    void environmentVariablesSetOptions() {
        OperatorConfig config = run(Map.of(
                "OPENELB_ROLE", "speaker",
                "OPENELB_NODE_NAME", "worker-2",
                "OPENELB_HTTP_PORT", "9000",
                "OPENELB_SHUTDOWN_TIMEOUT", "500ms",
                "OPENELB_EVENT_LOOPS", "2",
                "OPENELB_LOG_LEVEL", "DEBUG"));

        assertThat(config.role()).isEqualTo(Role.SPEAKER);
        assertThat(config.nodeName()).isEqualTo("worker-2");
        assertThat(config.httpPort()).isEqualTo(9000);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.eventLoops()).isEqualTo(2);
        assertThat(config.logLevel()).isEqualTo("debug");
    }

    @Test
    void flagWinsOverEnvironment() {
        OperatorConfig config = run(Map.of("OPENELB_HTTP_PORT", "9000", "OPENELB_NODE_NAME", "n"),
                "--http-port", "9100", "--role=controller");

        assertThat(config.httpPort()).isEqualTo(9100);
        assertThat(config.role()).isEqualTo(Role.CONTROLLER);
    }

    @Test
    void controllerNeedsNoNodeName() {
        assertThat(run(Map.of(), "--role", "controller").nodeName()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--http-port=70000     | --http-port: '70000' is not a port number (0-65535)",
        "--http-port=abc       | --http-port: 'abc' is not a port number",
        "--event-loops=0       | --event-loops: '0' is not a number of event loops (1-64)",
        "--role=router         | --role: unknown role 'router', expected controller, speaker or all",
        "--shutdown-timeout=10 | --shutdown-timeout: invalid duration '10'",
        "--shutdown-timeout=0s | --shutdown-timeout: must be longer than 0",
        "--log-level=loud      | --log-level: 'loud' is not one of trace, debug, info, warn, error",
        "--log-format=xml      | --log-format: 'xml' is not one of text, json",
        "--namespace=Bad_NS    | --namespace: 'Bad_NS' is not a valid namespace name",
        "--node-name=Node_1    | --node-name: 'Node_1' is not a valid Kubernetes node name",
        "--print-config=maybe  | --print-config: 'maybe' is not true or false",
        "--kubeconfig=/no/such | --kubeconfig: cannot read '/no/such'",
        "--renew-deadline=20s  | each must be longer than the next",
        "--lease-name=Lease_1  | --lease-name: 'Lease_1' is not a valid object name",
        "--load-balancer-class=  | --load-balancer-class: must not be empty",
        "--membership-port=65500 | --membership-port: must be 1-65435",
        "--membership-failure-timeout=0s | --membership-failure-timeout: must be longer than 0",
        "--layer2-handover-delay=soon | --layer2-handover-delay: invalid duration",
    })
    void badValuesAreRejectedWithTheOptionNamed(String arg, String message) {
        Invocation.Exit exit = exit(Map.of("HOSTNAME", "n"), arg);

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains("invalid configuration").contains(message).contains("--help");
    }

    @Test
    void badEnvironmentValueIsRejectedLikeAFlag() {
        Invocation.Exit exit = exit(Map.of("OPENELB_HTTP_PORT", "-1", "HOSTNAME", "n"));

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains("--http-port: '-1' is not a port number");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--http-host=not an address | --http-host: 'not an address' is not an IP address or host name",
        "--grpc-host=2001:db8::zz   | --grpc-host: '2001:db8::zz' is not an IP address or host name",
        "--membership-port=x        | --membership-port: 'x' is not a port number (0-65535)",
        "--lease-duration=15        | --lease-duration: invalid duration '15', expected e.g. 500ms, 15s, 2m or 1h",
        "--allocate-unclassed=yes   | --allocate-unclassed: 'yes' is not true or false",
    })
    void typedOptionsRefuseValuesTheirTypeCannotHold(String arg, String message) {
        Invocation.Exit exit = exit(Map.of("HOSTNAME", "n"), arg);

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains("invalid configuration", message).doesNotContain("set by");
    }

    @Test
    void addressesAreIpLiteralsOrHostNames() {
        OperatorConfig config = run(Map.of("HOSTNAME", "n"), "--http-host=fe80::1%eth0", "--grpc-host=Localhost");

        assertThat(config.httpHost()).isEqualTo("fe80::1%eth0");
        assertThat(config.grpcHost()).isEqualTo("Localhost");
    }

    @Test
    void everyBadEnvironmentValueIsReportedWithItsVariable() {
        Invocation.Exit exit = exit(Map.of("HOSTNAME", "n", "OPENELB_SHUTDOWN_TIMEOUT", "soon",
                "OPENELB_LOG_FORMAT", "xml", "OPENELB_GRPC_PORT", "-2"), "--http-port=x");

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains(
                "--http-port: 'x' is not a port number (0-65535)\n",
                "--shutdown-timeout: invalid duration 'soon', expected e.g. 500ms, 15s, 2m or 1h"
                        + " (set by OPENELB_SHUTDOWN_TIMEOUT)",
                "--log-format: 'xml' is not one of text, json (set by OPENELB_LOG_FORMAT)",
                "--grpc-port: '-2' is not a port number (0-65535) (set by OPENELB_GRPC_PORT)");
    }

    @Test
    void anOptionWithoutItsValueIsAnError() {
        Invocation.Exit exit = exit(Map.of("HOSTNAME", "n"), "--http-port");

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains("Missing required parameter for option '--http-port'");
    }

    @Test
    void booleanOptionsTakeTheirValueAttachedOrSeparate() {
        assertThat(run(Map.of("HOSTNAME", "n"), "--leader-elect", "false").leaderElection().enabled()).isFalse();
        assertThat(run(Map.of("HOSTNAME", "n"), "--leader-elect=FALSE").leaderElection().enabled()).isFalse();
        assertThat(run(Map.of("HOSTNAME", "n", "OPENELB_LEADER_ELECT", "false"), "--leader-elect")
                .leaderElection().enabled()).isTrue();
    }

    @Test
    void printConfigWritesDurationsAndEnumsAsFlagsDo() {
        OperatorConfig config = run(Map.of("HOSTNAME", "n", "OPENELB_LOG_LEVEL", "WARN"),
                "--shutdown-timeout=120s", "--lease-duration=90s", "--layer2-handover-delay=1500ms");

        assertThat(config.describe()).contains("--shutdown-timeout = 2m\n", "--lease-duration = 90s\n",
                "--layer2-handover-delay = 1500ms\n", "--log-level = warn\n");
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        Invocation.Exit exit = exit(Map.of(), "--role=speaker", "--http-port=x", "--log-level=y");

        assertThat(exit.text()).contains("--node-name: required for role speaker", "--http-port", "--log-level");
    }

    @Test
    void unknownFlagIsAnError() {
        Invocation.Exit exit = exit(Map.of(), "--no-such-flag");

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndVariable() {
        Invocation.Exit exit = exit(Map.of(), "--help");

        assertThat(exit.exitCode()).isZero();
        OperatorConfig config = run(Map.of("HOSTNAME", "n"));
        assertThat(config.effective()).isNotEmpty();
        for (String option : config.effective().keySet()) {
            assertThat(exit.text()).contains(option).contains(OperatorConfig.envName(option) + ".");
        }
        assertThat(exit.text()).contains("Default: 50052", "Default: openelb-system", "Default: 10s");
    }

    @Test
    void printConfigShowsEffectiveValues() {
        OperatorConfig config = run(Map.of("OPENELB_HTTP_PORT", "9000", "HOSTNAME", "n"), "--print-config");

        assertThat(config.printConfig()).isTrue();
        assertThat(config.describe()).contains("--http-port = 9000\n", "--role = all\n", "--node-name = n\n");
    }

    @Test
    void versionIsPrinted() {
        Invocation.Exit exit = exit(Map.of(), "--version");

        assertThat(exit.exitCode()).isZero();
        assertThat(exit.text()).startsWith("openelb ");
    }
}
