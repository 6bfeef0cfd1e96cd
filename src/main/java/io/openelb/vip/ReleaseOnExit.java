package io.openelb.vip;

import io.openelb.model.IpAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes this process's virtual addresses the moment it dies without removing them itself (SIGKILL, the OOM
 * killer), so that a backup taking over never finds them still configured on this node. The address lifetimes
 * alone leave them up to a second (Linux counts lifetimes in whole seconds), longer than a failover takes.
 *
 * <p>A small shell child, started with the first address held, reads the set of held addresses from a pipe,
 * one line per change; the kernel closes the pipe when this process dies, however it dies, and the child then
 * removes the last set with {@code ip addr del} and exits. A clean stop removes the addresses itself and
 * leaves the child an empty set. When the whole container is killed the child dies too; the lifetimes then
 * remove the addresses. Without an {@code ip} command the lifetimes are the only guard (logged once).
 *
 * <p>Thread-safe: {@link #held} and {@link #released} are called from workers after each rtnetlink change.
 */
final class ReleaseOnExit {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseOnExit.class);
    private static final List<String> IP_COMMANDS = List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip");
    /** $1 is the ip command. Each line replaces the set; EOF means the parent is gone. */
    static final String SCRIPT = """
            held=
            while IFS= read -r line; do held=$line; done
            for entry in $held; do
              if "$1" addr del "${entry%@*}" dev "${entry##*@}" 2>/dev/null; then
                echo "openelb: process exited holding ${entry%@*} on ${entry##*@}: removed it" >&2
              fi
            done
            """;
    private static final ReleaseOnExit THIS_PROCESS = new ReleaseOnExit(
            IP_COMMANDS.stream().map(Path::of).filter(Files::isExecutable).findFirst());

    private final Optional<Path> ip;
    /** "address/prefix@interface" of every address held, sorted. */
    private final Map<String, String> entries = new TreeMap<>();
    private Process child;
    private OutputStream pipe;
    private boolean warned;

    ReleaseOnExit(Optional<Path> ip) {
        this.ip = ip;
    }

    /** The one guard of this process (all VRRP instances share its child). */
    static ReleaseOnExit ofThisProcess() {
        return THIS_PROCESS;
    }

    /** After {@code address} was added on {@code iface}. */
    synchronized void held(String iface, IpAddress address) {
        String entry = entry(iface, address);
        if (entries.put(entry, entry) == null) {
            publish();
        }
    }

    /** After {@code address} was removed from {@code iface}. */
    synchronized void released(String iface, IpAddress address) {
        if (entries.remove(entry(iface, address)) != null) {
            publish();
        }
    }

    /** {@code 10.0.0.5/32@eth0}: what {@code ip addr del ADDRESS dev IFACE} needs (names hold no spaces). */
    static String entry(String iface, IpAddress address) {
        return InterfaceAddresses.hostPrefix(address) + "@" + iface;
    }

    /** Closes the pipe as a dying process would (tests): the child removes the last set and exits. */
    synchronized Optional<Process> closePipe() throws IOException {
        if (pipe != null) {
            pipe.close();
            pipe = null;
        }
        return Optional.ofNullable(child);
    }

    private void publish() {
        if (ip.isEmpty()) {
            if (!warned) {
                warned = true;
                LOG.warn("no ip command found ({}): the addresses of a killed speaker stay until their lifetime "
                        + "runs out (about a second)", IP_COMMANDS);
            }
            return;
        }
        byte[] line = (entries.keySet().stream().collect(Collectors.joining(" ")) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (child == null || !child.isAlive() || pipe == null) {
                    start();
                }
                pipe.write(line);
                pipe.flush();
                return;
            } catch (IOException e) {
                LOG.warn("cannot update the child that removes held addresses if this process dies: {}",
                        e.getMessage());
                child = null;
            }
        }
    }

    private void start() throws IOException {
        child = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "openelb-release-on-exit", ip.get().toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        pipe = child.getOutputStream();
    }
}
