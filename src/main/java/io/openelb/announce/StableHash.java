package io.openelb.announce;

import java.nio.charset.StandardCharsets;

/**
 * A 64-bit hash of a string that every speaker computes alike, whatever its JVM or version (String.hashCode
 * is too weak to spread, and the JDK's other hashes are not promised stable): FNV-1a 64 over the UTF-8 bytes,
 * then the SplitMix64 finalizer. Layer 2 owners and VIP priorities and VRIDs are derived from it.
 */
final class StableHash {
    private StableHash() {}

    static long of(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
