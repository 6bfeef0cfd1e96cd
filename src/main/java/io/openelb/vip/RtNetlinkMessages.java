package io.openelb.vip;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The rtnetlink address messages {@link InterfaceAddresses} exchanges with the kernel, as bytes: requests
 * to add, remove and dump addresses, and the replies (acknowledgements, errors, dumped addresses, the
 * end of a dump). Netlink is host-local, so every integer is in the machine's native byte order; the
 * layouts are the kernel's {@code struct nlmsghdr} ({@code linux/netlink.h}), {@code struct ifaddrmsg}
 * and {@code struct rtattr} ({@code linux/if_addr.h}, {@code linux/rtnetlink.h}). Pure: no I/O.
 */
final class RtNetlinkMessages {
    // message types (linux/netlink.h, linux/rtnetlink.h)
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    private static final int RTM_GETADDR = 22;
    // nlmsghdr flags
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int NLM_F_REPLACE = 0x100;
    // address families (linux/socket.h)
    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    // ifaddrmsg flags and attributes (linux/if_addr.h)
    private static final int IFA_F_NODAD = 0x02;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_FLAGS = 8;
    private static final int IFA_CACHEINFO = 6;
    private static final int RT_SCOPE_UNIVERSE = 0;

    private static final int HEADER_LENGTH = 16; // nlmsghdr: len u32, type u16, flags u16, seq u32, pid u32
    private static final int IFADDRMSG_LENGTH = 8; // family u8, prefixlen u8, flags u8, scope u8, index u32
    private static final int ATTRIBUTE_HEADER_LENGTH = 4; // rtattr: len u16, type u16

    private RtNetlinkMessages() {}

    /** A reply from the kernel to the request with sequence number {@code seq}. */
    sealed interface Reply permits Acknowledgement, Done, Address {
        int seq();
    }

    /** NLMSG_ERROR: the request's outcome, {@code errno} 0 for success (an ACK), else a positive errno. */
    record Acknowledgement(int seq, int errno) implements Reply {}

    /** NLMSG_DONE: the end of a dump, {@code errno} 0 unless the dump failed part way. */
    record Done(int seq, int errno) implements Reply {}

    /** RTM_NEWADDR in a dump: one address configured on the interface with index {@code ifindex}. */
    record Address(int seq, int ifindex, IpAddress address) implements Reply {}

    /** The kernel's {@code struct sockaddr_nl} (family, pad, port id, groups): port 0 is the kernel. */
    static byte[] kernelSocketAddress() {
        return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(0).array();
    }

    /** RTM_NEWADDR: the address as a host prefix (/32, /128); fails with EEXIST when it is there. */
    static byte[] addAddress(int seq, int ifindex, IpAddress address) {
        return addressRequest(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, ifindex,
                address);
    }

    /**
     * RTM_NEWADDR that adds the host prefix or, when it is there, replaces its lifetimes: valid and
     * preferred for {@code validSeconds} from now (IFA_CACHEINFO). The kernel removes the address itself
     * once that has passed without another refresh.
     */
    static byte[] addOrRefreshAddress(int seq, int ifindex, IpAddress address, int validSeconds) {
        byte[] request = addressRequest(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, seq,
                ifindex, address);
        // struct ifa_cacheinfo {u32 ifa_prefered, ifa_valid, cstamp, tstamp}; the stamps are the kernel's
        byte[] cacheInfo = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putInt(validSeconds).putInt(validSeconds).putInt(0).putInt(0).array();
        int length = request.length + attributeLength(cacheInfo.length);
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder()).put(request);
        putAttribute(out, IFA_CACHEINFO, cacheInfo);
        out.putInt(0, length);
        return out.array();
    }

    /** RTM_DELADDR: the host prefix {@link #addAddress} adds; fails with EADDRNOTAVAIL when it is not there. */
    static byte[] removeAddress(int seq, int ifindex, IpAddress address) {
        return addressRequest(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq, ifindex, address);
    }

    /** RTM_GETADDR dump of every interface's addresses in both families, ended by NLMSG_DONE. */
    static byte[] dumpAddresses(int seq) {
        ByteBuffer out = message(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, HEADER_LENGTH + IFADDRMSG_LENGTH);
        out.put((byte) AF_UNSPEC).put((byte) 0).put((byte) 0).put((byte) RT_SCOPE_UNIVERSE).putInt(0);
        return out.array();
    }

    private static byte[] addressRequest(int type, int flags, int seq, int ifindex, IpAddress address) {
        byte[] bytes = address.toBytes();
        boolean v6 = address.family() == IpFamily.IPV6;
        // IPv6 without duplicate address detection: a tentative address could not be used for seconds.
        int addressFlags = v6 ? IFA_F_NODAD : 0;
        int length = HEADER_LENGTH + IFADDRMSG_LENGTH + 2 * attributeLength(bytes.length) + attributeLength(4);
        ByteBuffer out = message(type, flags, seq, length);
        out.put((byte) (v6 ? AF_INET6 : AF_INET)).put((byte) address.family().bits())
                .put((byte) addressFlags).put((byte) RT_SCOPE_UNIVERSE).putInt(ifindex);
        putAttribute(out, IFA_LOCAL, bytes);
        putAttribute(out, IFA_ADDRESS, bytes);
        // ifa_flags is one byte; IFA_FLAGS carries all 32 bits and is what newer kernels read.
        byte[] flagBits = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(addressFlags).array();
        putAttribute(out, IFA_FLAGS, flagBits);
        return out.array();
    }

    private static ByteBuffer message(int type, int flags, int seq, int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder())
                .putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    }

    private static void putAttribute(ByteBuffer out, int type, byte[] data) {
        out.putShort((short) (ATTRIBUTE_HEADER_LENGTH + data.length)).putShort((short) type).put(data);
        out.position(out.position() + padding(data.length));
    }

    private static int attributeLength(int dataLength) {
        return ATTRIBUTE_HEADER_LENGTH + dataLength + padding(dataLength);
    }

    /** Netlink aligns messages and attributes to 4 bytes (NLMSG_ALIGN, RTA_ALIGN). */
    private static int padding(int length) {
        return -length & 3;
    }

    /**
     * The replies in one datagram from a netlink socket, in order; message types other than the three
     * {@link Reply} kinds (NOOP, other families' messages) are skipped, as are addresses of other families.
     *
     * @throws IOException when a length points outside the datagram
     */
    static List<Reply> parse(byte[] datagram, int length) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(datagram, 0, length).order(ByteOrder.nativeOrder());
        List<Reply> replies = new ArrayList<>();
        while (in.remaining() >= HEADER_LENGTH) {
            int start = in.position();
            int messageLength = in.getInt(start);
            if (messageLength < HEADER_LENGTH || messageLength > in.remaining()) {
                throw new IOException("malformed rtnetlink reply: message length " + messageLength + " with "
                        + in.remaining() + " bytes left");
            }
            int type = Short.toUnsignedInt(in.getShort(start + 4));
            int seq = in.getInt(start + 8);
            ByteBuffer body = in.slice(start + HEADER_LENGTH, messageLength - HEADER_LENGTH).order(in.order());
            switch (type) {
                case NLMSG_ERROR -> replies.add(new Acknowledgement(seq, errno(body)));
                case NLMSG_DONE -> replies.add(new Done(seq, errno(body)));
                case RTM_NEWADDR -> {
                    Address address = address(seq, body);
                    if (address != null) {
                        replies.add(address);
                    }
                }
                default -> { } // NLMSG_NOOP and anything else carry nothing we asked for
            }
            in.position(Math.min(in.limit(), start + messageLength + padding(messageLength)));
        }
        return replies;
    }

    /** NLMSG_ERROR and NLMSG_DONE start with an int: 0 or a negated errno. */
    private static int errno(ByteBuffer body) {
        return body.remaining() >= 4 ? -body.getInt(0) : 0;
    }

    /** The address in an RTM_NEWADDR: IFA_LOCAL (the address itself), else IFA_ADDRESS; null if neither. */
    private static Address address(int seq, ByteBuffer body) throws IOException {
        if (body.remaining() < IFADDRMSG_LENGTH) {
            throw new IOException("malformed rtnetlink reply: address message of " + body.remaining() + " bytes");
        }
        int family = Byte.toUnsignedInt(body.get(0));
        if (family != AF_INET && family != AF_INET6) {
            return null;
        }
        int ifindex = body.getInt(4);
        byte[] local = null;
        byte[] address = null;
        int at = IFADDRMSG_LENGTH;
        while (body.limit() - at >= ATTRIBUTE_HEADER_LENGTH) {
            int attributeLength = Short.toUnsignedInt(body.getShort(at));
            int type = Short.toUnsignedInt(body.getShort(at + 2));
            if (attributeLength < ATTRIBUTE_HEADER_LENGTH || attributeLength > body.limit() - at) {
                throw new IOException("malformed rtnetlink reply: attribute length " + attributeLength);
            }
            byte[] data = new byte[attributeLength - ATTRIBUTE_HEADER_LENGTH];
            body.get(at + ATTRIBUTE_HEADER_LENGTH, data);
            if (type == IFA_LOCAL) {
                local = data;
            } else if (type == IFA_ADDRESS) {
                address = data;
            }
            at += attributeLength + padding(attributeLength);
        }
        byte[] chosen = local != null ? local : address;
        if (chosen == null) {
            return null;
        }
        if (chosen.length != (family == AF_INET ? 4 : 16)) {
            throw new IOException("malformed rtnetlink reply: " + chosen.length + "-byte address in family " + family);
        }
        return new Address(seq, ifindex, IpAddress.ofBytes(chosen));
    }
}
