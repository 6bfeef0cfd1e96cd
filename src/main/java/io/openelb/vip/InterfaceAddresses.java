package io.openelb.vip;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.openelb.model.IpAddress;
import io.openelb.vip.RtNetlinkMessages.Acknowledgement;
import io.openelb.vip.RtNetlinkMessages.Address;
import io.openelb.vip.RtNetlinkMessages.Done;
import io.openelb.vip.RtNetlinkMessages.Reply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Adds and removes virtual addresses on this node's interfaces over rtnetlink (RTM_NEWADDR /
 * RTM_DELADDR), as {@code ip addr add/del} does: IPv4 as /32, IPv6 as /128 without duplicate address
 * detection (usable at once, like keepalived's). Adding and removing need CAP_NET_ADMIN, listing does not.
 * Blocking: call on a worker thread; each call opens its own netlink socket, waits at most a few seconds
 * for the kernel's answer and closes it. Failures are {@link IOException}s naming the action, the
 * interface and the errno; an interface that does not exist is one too.
 */
public final class InterfaceAddresses {
    private static final int SEQ = 1; // one request per socket, so one sequence number is enough
    private static final Set<Integer> NOT_THERE = Set.of(Errno.EADDRNOTAVAIL, Errno.ENOENT, Errno.ESRCH);

    private InterfaceAddresses() {}

    /** Adds the address; one that is already there is no error. */
    public static void add(String iface, IpAddress address) throws IOException {
        String action = "adding " + hostPrefix(address) + " to " + iface;
        int errno = acknowledgement(action, RtNetlinkMessages.addAddress(SEQ, index(iface), address));
        if (errno != 0 && errno != Errno.EEXIST) {
            throw failure(action, errno);
        }
    }

    /**
     * Adds the address with a lifetime of {@code validSeconds}, or renews the lifetime of one already there.
     * Refreshed more often than that, the address stays; once the refreshes stop (the process was killed)
     * the kernel removes it by itself, so a dead speaker's address does not outlive it by more than that.
     */
    public static void addOrRefresh(String iface, IpAddress address, int validSeconds) throws IOException {
        String action = "adding " + hostPrefix(address) + " to " + iface;
        int errno = acknowledgement(action,
                RtNetlinkMessages.addOrRefreshAddress(SEQ, index(iface), address, validSeconds));
        if (errno != 0) {
            throw failure(action, errno);
        }
    }

    /** Removes the address's host prefix (as {@link #add} configures it); one that is not there is no error. */
    public static void remove(String iface, IpAddress address) throws IOException {
        String action = "removing " + hostPrefix(address) + " from " + iface;
        int errno = acknowledgement(action, RtNetlinkMessages.removeAddress(SEQ, index(iface), address));
        if (errno != 0 && !NOT_THERE.contains(errno)) {
            throw failure(action, errno);
        }
    }

    /** The addresses configured on the interface now (both families). */
    public static List<IpAddress> list(String iface) throws IOException {
        String action = "listing the addresses of " + iface;
        int index = index(iface);
        List<IpAddress> addresses = new ArrayList<>();
        try (NetlinkSocket socket = new NetlinkSocket()) {
            socket.send(RtNetlinkMessages.dumpAddresses(SEQ));
            while (true) {
                for (Reply reply : socket.receive()) {
                    if (reply.seq() != SEQ) {
                        continue;
                    }
                    if (reply instanceof Address a && a.ifindex() == index) {
                        addresses.add(a.address());
                    } else if (reply instanceof Acknowledgement e && e.errno() != 0) {
                        throw failure(action, e.errno());
                    } else if (reply instanceof Done d) {
                        if (d.errno() != 0) {
                            throw failure(action, d.errno());
                        }
                        return addresses;
                    }
                }
            }
        } catch (LastErrorException e) {
            throw failure(action, e.getErrorCode());
        }
    }

    /** Sends the request and returns the errno the kernel answers it with, 0 for success. */
    private static int acknowledgement(String action, byte[] request) throws IOException {
        try (NetlinkSocket socket = new NetlinkSocket()) {
            socket.send(request);
            while (true) {
                for (Reply reply : socket.receive()) {
                    if (reply instanceof Acknowledgement a && a.seq() == SEQ) {
                        return a.errno();
                    }
                }
            }
        } catch (LastErrorException e) {
            throw failure(action, e.getErrorCode());
        }
    }

    /**
     * The interface's index from libc, not {@code java.net.NetworkInterface}: the JDK finds only interfaces
     * that have an address, and one may get its first address from us.
     */
    private static int index(String iface) throws IOException {
        int index = Native.load("c", LibC.class).if_nametoindex(iface);
        if (index == 0) {
            throw new IOException("interface " + iface + " does not exist");
        }
        return index;
    }

    /** {@code 10.0.0.5/32}, {@code fd00::5/128}: how an address is configured, and how {@code ip} names it. */
    static String hostPrefix(IpAddress address) {
        return address + "/" + address.family().bits();
    }

    /** The failure of {@code action} with the errno, and what to do about the usual causes. */
    static IOException failure(String action, int errno) {
        String why = switch (errno) {
            case Errno.EPERM, Errno.EACCES -> "; the speaker needs CAP_NET_ADMIN";
            case Errno.EAGAIN -> "; the kernel did not answer within " + NetlinkSocket.TIMEOUT_SECONDS + " s";
            default -> "";
        };
        return new IOException(action + ": " + Errno.describe(errno) + why);
    }

    private interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int option, byte[] value, int length) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        // size_t and ssize_t are 64 bits wide on the 64-bit Linux the speaker runs on
        long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        long recvfrom(int fd, byte[] buffer, long length, int flags, byte[] address, int[] addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int if_nametoindex(String name); // 0 when there is no such interface
    }

    /** A NETLINK_ROUTE socket on a port the kernel picks; failed system calls throw {@link LastErrorException}. */
    private static final class NetlinkSocket implements AutoCloseable {
        static final int TIMEOUT_SECONDS = 5;
        private static final int SOCK_RAW = 3;
        private static final int SOCK_CLOEXEC = 0x80000;
        private static final int NETLINK_ROUTE = 0;
        private static final int SOL_SOCKET = 1;
        private static final int SO_RCVTIMEO = 20;
        private static final int MSG_TRUNC = 0x20;
        // A dump's datagrams are at most 32 KiB (the kernel's cap on its netlink dump buffers).
        private static final int RECEIVE_BUFFER = 64 * 1024;

        private final LibC libc = Native.load("c", LibC.class);
        private final byte[] buffer = new byte[RECEIVE_BUFFER];
        private final int fd;

        NetlinkSocket() {
            fd = libc.socket(RtNetlinkMessages.AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            try {
                // struct timeval {long tv_sec; long tv_usec}: a reply never arriving is an error, not a hang
                byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                        .putLong(TIMEOUT_SECONDS).putLong(0).array();
                libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
                byte[] any = RtNetlinkMessages.kernelSocketAddress(); // port 0 in bind: the kernel picks one
                libc.bind(fd, any, any.length);
            } catch (LastErrorException e) {
                libc.close(fd);
                throw e;
            }
        }

        void send(byte[] request) {
            byte[] kernel = RtNetlinkMessages.kernelSocketAddress();
            libc.sendto(fd, request, request.length, 0, kernel, kernel.length);
        }

        /** The replies in the next datagram from the kernel; datagrams from any other sender are skipped. */
        List<Reply> receive() throws IOException {
            byte[] sender = new byte[12];
            int[] senderLength = {sender.length};
            long length = libc.recvfrom(fd, buffer, buffer.length, MSG_TRUNC, sender, senderLength);
            if (length > buffer.length) {
                throw new IOException("an rtnetlink reply of " + length + " bytes did not fit in " + buffer.length);
            }
            int senderPort = ByteBuffer.wrap(sender).order(ByteOrder.nativeOrder()).getInt(4);
            return senderPort == 0 ? RtNetlinkMessages.parse(buffer, (int) length) : List.of();
        }

        @Override
        public void close() {
            libc.close(fd);
        }
    }
}
