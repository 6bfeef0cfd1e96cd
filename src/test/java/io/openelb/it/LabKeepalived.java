package io.openelb.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * keepalived (Debian's) in a lab node namespace as a VRRP v3 peer of the speakers: one instance on eth0 with
 * 200 ms advertisements and one IPv4 address; its configuration, pid files and log in {@code dir}, per node.
 */
final class LabKeepalived {
    private LabKeepalived() {}

    /** Starts keepalived (VRRP only) on node {@code node}, appending to {@link #log}. */
    static Process start(Path dir, int node, int vrid, int priority, String vip) throws IOException {
        Path conf = dir.resolve("node" + node + ".conf");
        Files.writeString(conf, """
                global_defs {
                  router_id lab-node%d
                  vrrp_version 3
                }
                vrrp_instance lab {
                  state BACKUP
                  interface eth0
                  virtual_router_id %d
                  priority %d
                  advert_int 0.2
                  virtual_ipaddress {
                    %s/32
                  }
                }
                """.formatted(node, vrid, priority, vip));
        return new ProcessBuilder("ip", "netns", "exec", Lab.nodeNamespace(node), "keepalived", "-n", "-l", "-D", "-P",
                "-f", conf.toString(), "-p", dir.resolve("node" + node + ".pid").toString(),
                "-r", dir.resolve("node" + node + "-vrrp.pid").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(dir, node).toFile())).start();
    }

    /** SIGKILL of node {@code node}'s keepalived, parent and VRRP child: no priority 0 goes out. */
    static void kill(int node) {
        // frozen first, then killed: otherwise the parent may see its VRRP child die and start a new one (which
        // removes the address), or the child get the parent-death SIGTERM and hand over cleanly; neither is the
        // crash being measured
        Layer2Lab.sh(Lab.nodeNamespace(node), "pkill", "-STOP", "-f", "keepalived.*node" + node + ".conf");
        Layer2Lab.sh(Lab.nodeNamespace(node), "pkill", "-9", "-f", "keepalived.*node" + node + ".conf");
    }

    static Path log(Path dir, int node) {
        return dir.resolve("node" + node + ".log");
    }
}
