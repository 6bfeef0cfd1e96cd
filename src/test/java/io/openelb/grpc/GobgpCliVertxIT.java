package io.openelb.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.announce.RouteAttributes;
import io.openelb.status.AdvertisedRoute;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.SessionDetail;
import io.openelb.status.SpeakerView;
import io.openelb.status.StatusBoard;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gRPC server as the stock {@code gobgp} CLI (Debian's gobgpd package, gobgp 3.x) reads it, on loopback,
 * with the status board filled as a speaker fills it. The lab IT ({@code GobgpCliIT}) does the same against
 * a real speaker; this one pins what each command prints for known values, in a second. An integration test
 * because the CLI is a lab package: it installs it ({@code hack/lab.sh packages}) when missing, as the lab
 * ITs install the routers, which the unit phase must not do.
 */
class GobgpCliVertxIT {
    private static final Instant UP = Instant.now().minusSeconds(125).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    private Vertx vertx;
    private int port;
    private final StatusBoard board = new StatusBoard();

    @BeforeEach
    void start() throws Exception {
        ensureGobgpCli();
        vertx = Vertx.vertx();
        GrpcVerticle grpc = new GrpcVerticle("127.0.0.1", 0, board);
        vertx.deployVerticle(grpc).await();
        port = grpc.actualPort();
        board.speaker(new SpeakerView(64513, "10.77.0.11", 0, List.of()));
        board.neighbor(neighbor("router-v4", "10.77.0.1", "ESTABLISHED", UP, null, List.of(IpFamily.IPV4),
                List.of(route("192.0.2.10", "10.77.0.11"), route("192.0.2.11", "10.77.0.11"))));
        board.neighbor(neighbor("router-v6", "fd77::1", "ESTABLISHED", UP, null, List.of(IpFamily.IPV6),
                List.of(route("2001:db8::10", "fd77::11"))));
        board.neighbor(neighbor("router-down", "10.77.0.2", "ACTIVE", null, UP.plusSeconds(60),
                List.of(IpFamily.IPV4), List.of()));
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void globalShowsOurAsAndRouterId() {
        assertThat(gobgp("global")).contains("AS:        64513", "Router-ID: 10.77.0.11");
    }

    @Test
    void neighborListShowsEachSessionWithItsState() {
        String out = gobgp("neighbor");

        assertThat(out).containsPattern("10\\.77\\.0\\.1 +64512 +00:02:0\\d +Establ");
        assertThat(out).containsPattern("10\\.77\\.0\\.2 +64512 +00:01:0\\d +Active");
        assertThat(out).containsPattern("fd77::1 +64512 +00:02:0\\d +Establ");
    }

    @Test
    void neighborAddressShowsTheSessionsDetails() {
        String out = gobgp("neighbor", "10.77.0.1");

        assertThat(out).contains("BGP neighbor is 10.77.0.1, remote AS 64512",
                "remote router ID 10.77.0.1", "Hold time is 90, keepalive interval is 30 seconds",
                "Configured hold time is 90, keepalive interval is 30 seconds");
        assertThat(out).containsPattern("BGP state = ESTABLISHED, up for 00:0\\d:\\d\\d");
        assertThat(out).containsPattern("Updates: +2 +1");
        assertThat(out).containsPattern("Advertised: +2");
    }

    @Test
    void anUnknownNeighborIsAnError() {
        assertThat(gobgpFails("neighbor", "10.77.0.99")).contains("not found neighbor 10.77.0.99");
        assertThat(gobgpFails("neighbor", "10.77.0.99", "adj-out")).as("ListPath of an unknown neighbor")
                .containsIgnoringCase("not found");
    }

    @Test
    void globalRibShowsTheAnnouncedAddressesWithTheirNextHop() {
        String v4 = gobgp("global", "rib");
        assertThat(v4).containsPattern("\\*> 192\\.0\\.2\\.10/32 +10\\.77\\.0\\.11 ");
        assertThat(v4).containsPattern("\\*> 192\\.0\\.2\\.11/32 +10\\.77\\.0\\.11 ");
        assertThat(v4).doesNotContain("2001:db8");

        String v6 = gobgp("global", "rib", "-a", "ipv6");
        assertThat(v6).containsPattern("\\*> 2001:db8::10/128 +fd77::11 ");

        assertThat(gobgp("global", "rib", "192.0.2.11")).contains("192.0.2.11/32").doesNotContain("192.0.2.10/32");
        assertThat(gobgp("neighbor", "10.77.0.1", "adj-out")).containsPattern("192\\.0\\.2\\.10/32 +10\\.77\\.0\\.11 +64513");
    }

    @Test
    void writesAreRefusedAndChangeNothing() {
        String before = gobgp("global", "rib", "-j"); // JSON: the age is a time, not a duration

        assertThat(gobgpFails("global", "rib", "add", "198.51.100.1/32")).contains("Unimplemented");
        assertThat(gobgpFails("neighbor", "add", "10.77.0.3", "as", "65000")).contains("Unimplemented");

        assertThat(gobgp("global", "rib", "-j")).isEqualTo(before).contains("192.0.2.10/32");
        assertThat(gobgp("neighbor")).doesNotContain("10.77.0.3");
    }

    /** Debian's gobgp CLI, installed with the lab's packages when missing (as the lab ITs install them). */
    private static void ensureGobgpCli() throws Exception {
        if (new ProcessBuilder("sh", "-c", "command -v gobgp").start().waitFor() != 0) {
            Process install = new ProcessBuilder("hack/lab.sh", "packages").inheritIO().start();
            assertThat(install.waitFor(900, TimeUnit.SECONDS) && install.exitValue() == 0)
                    .as("hack/lab.sh packages (installs gobgpd, which has the gobgp CLI)").isTrue();
        }
    }

    private static NeighborView neighbor(String name, String address, String state, Instant up, Instant down,
            List<IpFamily> families, List<AdvertisedRoute> routes) {
        boolean established = state.equals("ESTABLISHED");
        return new NeighborView(name, address, 179, 64513, 64512, state, up, down,
                new MessageCounts(10, 1, 2, 0, 7, 0), new MessageCounts(9, 1, 1, 0, 7, 0), routes.size(), 0,
                "", new SessionDetail(established ? (families.contains(IpFamily.IPV4) ? "10.77.0.11" : "fd77::11") : "",
                        established ? "10.77.0.1" : "", 90, 0, 1, established ? 90 : 0, established ? 30 : 0, false, 1,
                        -1, families, up != null ? up : down.minusSeconds(30), routes));
    }

    private static AdvertisedRoute route(String address, String nextHop) {
        return new AdvertisedRoute(IpAddress.parse(address), 0, IpAddress.parse(nextHop), UP, RouteAttributes.NONE);
    }

    private String gobgp(String... args) {
        Result r = run(args);
        assertThat(r.exit).as("gobgp %s: %s", String.join(" ", args), r.out).isZero();
        return r.out;
    }

    private String gobgpFails(String... args) {
        Result r = run(args);
        assertThat(r.exit).as("gobgp %s should fail: %s", String.join(" ", args), r.out).isNotZero();
        return r.out;
    }

    private record Result(int exit, String out) {}

    private Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("timeout", "10", "gobgp", "-u", "127.0.0.1", "-p",
                String.valueOf(port)));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
