package io.openelb.vip;

import java.util.Map;

/** Linux errno values as people read them: "Operation not permitted (EPERM)". Pure. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EADDRNOTAVAIL = 99;

    /** The errnos of asm-generic/errno-base.h and errno.h that address changes and netlink can return. */
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "Operation not permitted (EPERM)"),
            Map.entry(ENOENT, "No such file or directory (ENOENT)"),
            Map.entry(ESRCH, "No such process (ESRCH)"),
            Map.entry(4, "Interrupted system call (EINTR)"),
            Map.entry(9, "Bad file descriptor (EBADF)"),
            Map.entry(EAGAIN, "Resource temporarily unavailable (EAGAIN)"),
            Map.entry(12, "Out of memory (ENOMEM)"),
            Map.entry(EACCES, "Permission denied (EACCES)"),
            Map.entry(16, "Device or resource busy (EBUSY)"),
            Map.entry(EEXIST, "File exists (EEXIST)"),
            Map.entry(19, "No such device (ENODEV)"),
            Map.entry(22, "Invalid argument (EINVAL)"),
            Map.entry(23, "Too many open files in system (ENFILE)"),
            Map.entry(24, "Too many open files (EMFILE)"),
            Map.entry(28, "No space left on device (ENOSPC)"),
            Map.entry(90, "Message too long (EMSGSIZE)"),
            Map.entry(93, "Protocol not supported (EPROTONOSUPPORT)"),
            Map.entry(95, "Operation not supported (EOPNOTSUPP)"),
            Map.entry(97, "Address family not supported by protocol (EAFNOSUPPORT)"),
            Map.entry(98, "Address already in use (EADDRINUSE)"),
            Map.entry(EADDRNOTAVAIL, "Cannot assign requested address (EADDRNOTAVAIL)"),
            Map.entry(100, "Network is down (ENETDOWN)"),
            Map.entry(105, "No buffer space available (ENOBUFS)"));

    private Errno() {}

    /** The errno's message and name, or "errno N" for one not listed. */
    static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
