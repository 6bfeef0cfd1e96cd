package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.IpAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child that removes held addresses when this process dies: a stand-in {@code ip} records what it is
 * asked to do; closing the pipe is what the kernel does when the process is killed.
 */
class ReleaseOnExitTest {
    @TempDir
    Path dir;

    private Path fakeIp() throws Exception {
        Path ip = dir.resolve("ip");
        Files.writeString(ip, "#!/bin/sh\necho \"$*\" >> " + dir.resolve("calls") + "\n");
        Files.setPosixFilePermissions(ip, PosixFilePermissions.fromString("rwx------"));
        return ip;
    }

    private List<String> callsAfterTheParentDies(ReleaseOnExit guard) throws Exception {
        Optional<Process> child = guard.closePipe();
        assertThat(child).as("a child was started").isPresent();
        assertThat(child.get().waitFor(10, TimeUnit.SECONDS)).as("the child exits after removing").isTrue();
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void theAddressesStillHeldWhenTheProcessDiesAreRemoved() throws Exception {
        ReleaseOnExit guard = new ReleaseOnExit(Optional.of(fakeIp()));
        guard.held("eth0", IpAddress.parse("10.77.0.120"));
        guard.held("eth0", IpAddress.parse("fd77::120"));
        guard.held("eth1", IpAddress.parse("10.78.0.5"));
        guard.released("eth1", IpAddress.parse("10.78.0.5"));

        assertThat(callsAfterTheParentDies(guard)).containsExactlyInAnyOrder(
                "addr del 10.77.0.120/32 dev eth0", "addr del fd77::120/128 dev eth0");
    }

    @Test
    void nothingIsRemovedAfterACleanStopReleasedEverything() throws Exception {
        ReleaseOnExit guard = new ReleaseOnExit(Optional.of(fakeIp()));
        guard.held("eth0", IpAddress.parse("10.77.0.120"));
        guard.released("eth0", IpAddress.parse("10.77.0.120"));

        assertThat(callsAfterTheParentDies(guard)).isEmpty();
    }

    @Test
    void aChildThatDiedIsReplacedAtTheNextChange() throws Exception {
        ReleaseOnExit guard = new ReleaseOnExit(Optional.of(fakeIp()));
        guard.held("eth0", IpAddress.parse("10.77.0.120"));
        Process first = guard.closePipe().orElseThrow();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Files.deleteIfExists(dir.resolve("calls"));

        guard.held("eth0", IpAddress.parse("10.77.0.121"));

        assertThat(callsAfterTheParentDies(guard)).containsExactlyInAnyOrder(
                "addr del 10.77.0.120/32 dev eth0", "addr del 10.77.0.121/32 dev eth0");
    }

    @Test
    void withoutAnIpCommandNoChildIsStarted() throws Exception {
        ReleaseOnExit guard = new ReleaseOnExit(Optional.empty());
        guard.held("eth0", IpAddress.parse("10.77.0.120"));
        assertThat(guard.closePipe()).isEmpty();
    }
}
