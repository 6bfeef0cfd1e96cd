package io.openelb.speaker;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Makes the kernel drop every datagram a socket receives whose IPv4 TTL or IPv6 hop limit is not 255:
 * the receive half of GTSM (RFC 5082) that single-hop BFD requires (RFC 5881 section 5), so a packet
 * from more than one hop away never reaches the session. Linux applies {@code IP_MINTTL} to TCP only and
 * the JDK and Netty cannot read a datagram's TTL, so this attaches a classic BPF socket filter
 * ({@code SO_ATTACH_FILTER}) that reads the TTL from the packet's IP header. Works for IPv4, IPv6 and
 * IPv4-mapped packets on a dual-stack socket.
 */
final class TtlFilter {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    private static final int NET_HEADER = 0xFFF0_0000; // SKF_NET_OFF: offsets from the IP header
    // classic BPF opcodes (linux/filter.h)
    private static final short LOAD_BYTE = 0x30; // BPF_LD | BPF_B | BPF_ABS
    private static final short AND = 0x54; // BPF_ALU | BPF_AND | BPF_K
    private static final short JUMP_IF_EQUAL = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    private static final short JUMP = 0x05; // BPF_JMP | BPF_JA
    private static final short RETURN = 0x06; // BPF_RET | BPF_K: bytes to keep, 0 drops
    /** code, jump if true, jump if false (relative to the next instruction), constant. */
    private static final int[][] PROGRAM = {
        {LOAD_BYTE, 0, 0, NET_HEADER},          // 0: version and header length
        {AND, 0, 0, 0xF0},                      // 1: version
        {JUMP_IF_EQUAL, 1, 0, 0x40},            // 2: IPv4 -> 4
        {JUMP_IF_EQUAL, 2, 5, 0x60},            // 3: IPv6 -> 6, else drop
        {LOAD_BYTE, 0, 0, NET_HEADER + 8},      // 4: IPv4 TTL
        {JUMP, 0, 0, 1},                        // 5: -> 7
        {LOAD_BYTE, 0, 0, NET_HEADER + 7},      // 6: IPv6 hop limit
        {JUMP_IF_EQUAL, 0, 1, 255},             // 7: 255 -> keep, else drop
        {RETURN, 0, 0, 0xFFFF_FFFF},            // 8: keep all of it
        {RETURN, 0, 0, 0},                      // 9: drop
    };

    private TtlFilter() {}

    private interface LibC extends Library {
        int setsockopt(int fd, int level, int option, Pointer value, int length) throws LastErrorException;
    }

    /** Attaches the filter to the socket {@code fd}; an {@link IllegalStateException} says why it could not. */
    static void attach(int fd) {
        Memory program = new Memory(PROGRAM.length * 8L); // struct sock_filter: u16 code, u8 jt, u8 jf, u32 k
        for (int i = 0; i < PROGRAM.length; i++) {
            program.setShort(i * 8L, (short) PROGRAM[i][0]);
            program.setByte(i * 8L + 2, (byte) PROGRAM[i][1]);
            program.setByte(i * 8L + 3, (byte) PROGRAM[i][2]);
            program.setInt(i * 8L + 4, PROGRAM[i][3]);
        }
        Memory fprog = new Memory(16); // struct sock_fprog: u16 len, (padding), struct sock_filter *filter
        fprog.clear();
        fprog.setShort(0, (short) PROGRAM.length);
        fprog.setPointer(8, program);
        try {
            Native.load("c", LibC.class).setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot attach the TTL 255 filter to a BFD socket: errno "
                    + e.getErrorCode(), e);
        }
    }
}
