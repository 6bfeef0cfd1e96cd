package io.openelb.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The options of {@code --role apiserver-vip}: defaults, environment, and what each refuses. */
class ApiServerVipConfigTest {
    private static OperatorConfig run(Map<String, String> env, String... args) {
        Invocation invocation = OperatorConfig.parse(env, args);
        assertThat(invocation).isInstanceOf(Invocation.Run.class);
        return ((Invocation.Run) invocation).config();
    }

    private static Invocation.Exit exit(String... args) {
        Invocation invocation = OperatorConfig.parse(Map.of(), args);
        assertThat(invocation).isInstanceOf(Invocation.Exit.class);
        return (Invocation.Exit) invocation;
    }

    @Test
    void defaultsCheckTheLocalApiServerEverySecondAndAdvertiseEvery200ms() {
        OperatorConfig config = run(Map.of(), "--role=apiserver-vip", "--vip=192.0.2.10", "--vrid=51");

        assertThat(config.role()).isEqualTo(Role.APISERVER_VIP);
        assertThat(config.role().usesKubernetes()).isFalse();
        assertThat(config.apiServerVip()).isEqualTo(new OperatorConfig.ApiServerVip(List.of("192.0.2.10"), "", 51,
                100, Duration.ofMillis(200), true, new OperatorConfig.Health("https://127.0.0.1:6443/readyz",
                        Duration.ofMillis(500), Duration.ofMillis(500), 2, 2, "")));
        assertThat(config.describe()).contains("--role = apiserver-vip\n", "--vrrp-advert-interval = 200ms\n");
    }

    @Test
    void everyOptionComesFromItsEnvironmentVariableToo() {
        OperatorConfig config = run(Map.of("OPENELB_ROLE", "apiserver-vip", "OPENELB_VIP", "192.0.2.10, 2001:db8::10",
                "OPENELB_VRID", "7", "OPENELB_VIP_INTERFACE", "can_reach:192.0.2.1", "OPENELB_VRRP_PRIORITY", "150",
                "OPENELB_VRRP_ADVERT_INTERVAL", "1s", "OPENELB_VRRP_PREEMPT", "false",
                "OPENELB_HEALTH_URL", "http://127.0.0.1:8080/livez", "OPENELB_HEALTH_FALL", "3"));

        assertThat(config.apiServerVip().vips()).containsExactly("192.0.2.10", "2001:db8::10");
        assertThat(config.apiServerVip().iface()).isEqualTo("can_reach:192.0.2.1");
        assertThat(config.apiServerVip().vrid()).isEqualTo(7);
        assertThat(config.apiServerVip().priority()).isEqualTo(150);
        assertThat(config.apiServerVip().advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.apiServerVip().preempt()).isFalse();
        assertThat(config.apiServerVip().health().url()).isEqualTo("http://127.0.0.1:8080/livez");
        assertThat(config.apiServerVip().health().fall()).isEqualTo(3);
    }

    @Test
    void theAdvertIntervalIsRoundedToCentiseconds() {
        assertThat(run(Map.of("HOSTNAME", "n"), "--vrrp-advert-interval=1234ms").apiServerVip().advertInterval())
                .isEqualTo(Duration.ofMillis(1230));
        assertThat(run(Map.of("HOSTNAME", "n"), "--vrrp-advert-interval=40950ms").apiServerVip().advertInterval())
                .isEqualTo(Duration.ofMillis(40950));
    }

    @Test
    void theRoleNeedsItsAddressesAndVrid() {
        Invocation.Exit exit = exit("--role=apiserver-vip");

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains("--vip: required for role apiserver-vip", "--vrid: required for role");
    }

    @Test
    void otherRolesNeedNeither() {
        assertThat(run(Map.of(), "--role=controller").apiServerVip().vips()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--vip=192.0.2.300                | --vip: '192.0.2.300' is not an IPv4 or IPv6 address",
        "--vip=192.0.2.1,apiserver.local  | --vip: 'apiserver.local' is not an IPv4 or IPv6 address",
        "--vip=192.0.2.1,                 | --vip: '' is not an IPv4 or IPv6 address",
        "--vrid=256                       | --vrid: '256' is not a VRID (0-255)",
        "--vrrp-priority=255              | --vrrp-priority: '255' is not a VRRP priority (1-254)",
        "--vrrp-advert-interval=5ms       | --vrrp-advert-interval: must be 10ms-40950ms",
        "--vrrp-advert-interval=41s       | --vrrp-advert-interval: must be 10ms-40950ms",
        "--vrrp-preempt=yes               | --vrrp-preempt: 'yes' is not true or false",
        "--health-url=ftp://127.0.0.1/    | --health-url: 'ftp://127.0.0.1/' is not an http:// or https:// URL",
        "--health-fall=0                  | --health-fall: '0' is not a count (1-100)",
        "--health-timeout=0s              | --health-timeout: must be longer than 0",
        "--health-ca-file=/no/such        | --health-ca-file: cannot read '/no/such'",
    })
    void badValuesAreRefusedWithTheOptionNamed(String arg, String message) {
        Invocation.Exit exit = exit("--role=apiserver-vip", "--vip=192.0.2.10", "--vrid=1", arg);

        assertThat(exit.exitCode()).isEqualTo(2);
        assertThat(exit.text()).contains(message);
    }
}
