package io.openelb.bgp.codec;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes and encodes whole BGP messages (19-byte header included). Framing, cutting the byte stream
 * into messages, is the session's job; this class only sees complete frames. Pure and stateless.
 *
 * <p>Every malformed input ends in a {@link BgpError} carrying the RFC 4271 NOTIFICATION code,
 * subcode and data, never in another exception.
 */
public final class BgpCodec {
    public static final int HEADER_LENGTH = 19;
    /** RFC 4271 section 4.1; without the extended message capability (RFC 8654). */
    public static final int MAX_LENGTH = 4096;
    public static final int AFI_IPV4 = 1;
    public static final int AFI_IPV6 = 2;
    public static final int SAFI_UNICAST = 1;
    private static final int CAPABILITIES_PARAMETER = 2;
    private static final Set<IpFamily> EVERY_FAMILY = EnumSet.allOf(IpFamily.class);

    private BgpCodec() {}

    /**
     * The total length announced by a message header (RFC 4271 section 4.1), checked, so a framer
     * knows how many bytes to wait for.
     */
    public static int frameLength(byte[] header) {
        if (header.length < HEADER_LENGTH) { // a caller's mistake or a cut message: never an index error
            throw badLength(header.length);
        }
        for (int i = 0; i < 16; i++) {
            if (header[i] != (byte) 0xff) {
                throw new BgpError(BgpError.MESSAGE_HEADER, BgpError.CONNECTION_NOT_SYNCHRONIZED,
                        "marker is not all ones");
            }
        }
        int length = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        if (length < HEADER_LENGTH || length > MAX_LENGTH) {
            throw badLength(length);
        }
        return length;
    }

    /**
     * The type of one whole message, from its header alone: the marker, the length, a length its type
     * allows and a known type are checked (RFC 4271 section 6.1), the body is not read. The session
     * decides from it whether its state expects such a message at all before the body is decoded (RFC 6608).
     */
    public static int messageType(byte[] frame) {
        int length = frameLength(frame);
        if (length != frame.length) {
            throw badLength(length);
        }
        int type = frame[18] & 0xff;
        int shortest = switch (type) {
            case BgpMessage.OPEN -> HEADER_LENGTH + 10;
            case BgpMessage.UPDATE, BgpMessage.ROUTE_REFRESH -> HEADER_LENGTH + 4;
            case BgpMessage.NOTIFICATION -> HEADER_LENGTH + 2;
            case BgpMessage.KEEPALIVE -> HEADER_LENGTH;
            default -> throw new BgpError(BgpError.MESSAGE_HEADER, BgpError.BAD_MESSAGE_TYPE,
                    new byte[] {(byte) type}, "unknown message type " + type);
        };
        boolean fixed = type == BgpMessage.KEEPALIVE || type == BgpMessage.ROUTE_REFRESH;
        if (length < shortest || fixed && length != shortest) {
            throw badLength(length);
        }
        return type;
    }

    /**
     * Decodes one whole message, MP_REACH_NLRI and MP_UNREACH_NLRI of any address family this codec knows.
     *
     * @param fourOctetAs whether both ends announced the 4-octet AS capability (AS_PATH width)
     */
    public static BgpMessage decode(byte[] frame, boolean fourOctetAs) {
        return decode(frame, fourOctetAs, EVERY_FAMILY, false);
    }

    /**
     * Decodes one whole message of a session.
     *
     * @param fourOctetAs whether both ends announced the 4-octet AS capability (AS_PATH width)
     * @param families    the unicast families negotiated: an MP_REACH_NLRI or MP_UNREACH_NLRI of another is an
     *                    error (RFC 4760 section 7)
     * @param external    the peer is in another AS: its LOCAL_PREF, which has no meaning across ASes, is
     *                    dropped whatever its value ("attribute discard", RFC 7606 section 7.5)
     */
    public static BgpMessage decode(byte[] frame, boolean fourOctetAs, Set<IpFamily> families, boolean external) {
        int type = messageType(frame);
        ByteBuffer body = ByteBuffer.wrap(frame, HEADER_LENGTH, frame.length - HEADER_LENGTH).slice();
        try {
            return switch (type) {
                case BgpMessage.OPEN -> decodeOpen(body);
                case BgpMessage.UPDATE -> decodeUpdate(body, fourOctetAs, families, external);
                case BgpMessage.NOTIFICATION -> decodeNotification(body);
                case BgpMessage.ROUTE_REFRESH -> new RouteRefresh(body.getShort() & 0xffff, body.get(3) & 0xff);
                default -> Keepalive.INSTANCE; // the one type left after messageType's checks
            };
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            // a length field pointed past its container
            int code = type == BgpMessage.OPEN ? BgpError.OPEN_MESSAGE : BgpError.UPDATE_MESSAGE;
            int subcode = type == BgpMessage.OPEN ? 0 : BgpError.MALFORMED_ATTRIBUTE_LIST;
            throw new BgpError(code, subcode, "malformed " + typeName(type) + ": " + e.getMessage());
        }
    }

    /** Encodes one message; the caller keeps it under {@link #MAX_LENGTH} (see {@link UpdatePacker}). */
    public static byte[] encode(BgpMessage message, boolean fourOctetAs) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (message instanceof Open open) {
            encodeOpen(open, body);
        } else if (message instanceof Update update) {
            encodeUpdate(update, body, fourOctetAs);
        } else if (message instanceof Notification n) {
            body.write(n.code());
            body.write(n.subcode());
            body.writeBytes(n.data());
        } else if (message instanceof RouteRefresh r) {
            writeShort(body, r.afi());
            body.write(0);
            body.write(r.safi());
        } // a KEEPALIVE has no body
        int length = HEADER_LENGTH + body.size();
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("message of " + length + " bytes exceeds " + MAX_LENGTH);
        }
        ByteBuffer frame = ByteBuffer.allocate(length);
        for (int i = 0; i < 16; i++) {
            frame.put((byte) 0xff);
        }
        frame.putShort((short) length).put((byte) message.type()).put(body.toByteArray());
        return frame.array();
    }

    // ---- OPEN, RFC 4271 section 4.2 and 6.2 ----

    private static Open decodeOpen(ByteBuffer b) {
        int version = b.get() & 0xff;
        if (version != 4) {
            throw new BgpError(BgpError.OPEN_MESSAGE, BgpError.UNSUPPORTED_VERSION, new byte[] {0, 4},
                    "BGP version " + version + " unsupported");
        }
        int myAs = b.getShort() & 0xffff;
        int holdTime = b.getShort() & 0xffff;
        if (holdTime == 1 || holdTime == 2) {
            throw new BgpError(BgpError.OPEN_MESSAGE, BgpError.UNACCEPTABLE_HOLD_TIME,
                    "hold time " + holdTime + " s is neither 0 nor at least 3");
        }
        long bgpId = b.getInt() & 0xffffffffL;
        if (bgpId == 0) {
            throw new BgpError(BgpError.OPEN_MESSAGE, BgpError.BAD_BGP_IDENTIFIER, "BGP identifier is 0.0.0.0");
        }
        int paramsLength = b.get() & 0xff;
        boolean extended = false;
        if (paramsLength == 255 && b.remaining() >= 3 && (b.get(b.position()) & 0xff) == 255) {
            b.get(); // RFC 9072 extended optional parameters length
            paramsLength = b.getShort() & 0xffff;
            extended = true;
        }
        if (paramsLength != b.remaining()) {
            throw new BgpError(BgpError.OPEN_MESSAGE, 0, "optional parameters length " + paramsLength
                    + " but " + b.remaining() + " bytes follow");
        }
        List<Capability> capabilities = new ArrayList<>();
        while (b.hasRemaining()) {
            int paramType = b.get() & 0xff;
            int paramLength = extended ? b.getShort() & 0xffff : b.get() & 0xff;
            ByteBuffer param = slice(b, paramLength);
            if (paramType != CAPABILITIES_PARAMETER) {
                throw new BgpError(BgpError.OPEN_MESSAGE, BgpError.UNSUPPORTED_OPTIONAL_PARAMETER,
                        "optional parameter " + paramType + " unsupported");
            }
            while (param.hasRemaining()) {
                int code = param.get() & 0xff;
                capabilities.add(decodeCapability(code, slice(param, param.get() & 0xff)));
            }
        }
        return new Open(version, myAs, holdTime, bgpId, capabilities);
    }

    private static Capability decodeCapability(int code, ByteBuffer v) {
        return switch (code) {
            case Capability.MULTIPROTOCOL -> {
                int afi = v.getShort() & 0xffff;
                v.get();
                yield new Capability.Multiprotocol(afi, v.get() & 0xff);
            }
            case Capability.ROUTE_REFRESH -> new Capability.RouteRefreshCapability();
            case Capability.FOUR_OCTET_AS -> new Capability.FourOctetAs(v.getInt() & 0xffffffffL);
            case Capability.GRACEFUL_RESTART -> {
                int flagsAndTime = v.getShort() & 0xffff;
                List<Capability.GracefulRestart.Family> families = new ArrayList<>();
                while (v.remaining() >= 4) {
                    families.add(new Capability.GracefulRestart.Family(v.getShort() & 0xffff, v.get() & 0xff,
                            (v.get() & 0x80) != 0));
                }
                yield new Capability.GracefulRestart((flagsAndTime & 0x8000) != 0, flagsAndTime & 0x0fff, families);
            }
            case Capability.ADD_PATH -> {
                List<Capability.AddPath.Family> families = new ArrayList<>();
                while (v.remaining() >= 4) {
                    families.add(new Capability.AddPath.Family(v.getShort() & 0xffff, v.get() & 0xff, v.get() & 0xff));
                }
                yield new Capability.AddPath(families);
            }
            default -> new Capability.Unknown(code, remaining(v));
        };
    }

    private static void encodeOpen(Open open, ByteArrayOutputStream out) {
        ByteArrayOutputStream caps = new ByteArrayOutputStream();
        for (Capability c : open.capabilities()) {
            ByteArrayOutputStream v = new ByteArrayOutputStream();
            if (c instanceof Capability.Multiprotocol m) {
                writeShort(v, m.afi());
                v.write(0);
                v.write(m.safi());
            } else if (c instanceof Capability.FourOctetAs f) {
                writeInt(v, f.as());
            } else if (c instanceof Capability.GracefulRestart g) {
                writeShort(v, (g.restarting() ? 0x8000 : 0) | (g.restartTime() & 0x0fff));
                for (Capability.GracefulRestart.Family f : g.families()) {
                    writeShort(v, f.afi());
                    v.write(f.safi());
                    v.write(f.forwardingPreserved() ? 0x80 : 0);
                }
            } else if (c instanceof Capability.AddPath a) {
                for (Capability.AddPath.Family f : a.families()) {
                    writeShort(v, f.afi());
                    v.write(f.safi());
                    v.write(f.sendReceive());
                }
            } else if (c instanceof Capability.Unknown u) {
                v.writeBytes(u.value());
            } // route refresh has no value
            caps.write(c.code());
            caps.write(v.size());
            caps.writeBytes(v.toByteArray());
        }
        out.write(open.version());
        writeShort(out, open.myAs());
        writeShort(out, open.holdTime());
        writeInt(out, open.bgpId());
        if (caps.size() == 0) {
            out.write(0);
            return;
        }
        out.write(caps.size() + 2);
        out.write(CAPABILITIES_PARAMETER);
        out.write(caps.size());
        out.writeBytes(caps.toByteArray());
    }

    // ---- UPDATE, RFC 4271 section 4.3 and 6.3, RFC 4760 ----

    private static Update decodeUpdate(ByteBuffer b, boolean fourOctetAs, Set<IpFamily> families,
            boolean external) {
        int withdrawnLength = b.getShort() & 0xffff;
        if (withdrawnLength > b.remaining() - 2) {
            throw malformed("withdrawn routes length " + withdrawnLength + " exceeds the message");
        }
        List<Prefix> withdrawn = decodePrefixes(slice(b, withdrawnLength), IpFamily.IPV4);
        int attributesLength = b.getShort() & 0xffff;
        if (attributesLength > b.remaining()) {
            throw malformed("path attributes length " + attributesLength + " exceeds the message");
        }
        List<PathAttribute> attributes = new ArrayList<>();
        BgpError valueError = decodeAttributes(slice(b, attributesLength), fourOctetAs, families, external, attributes);
        Update update = new Update(withdrawn, attributes, decodePrefixes(b, IpFamily.IPV4));
        if (valueError != null) {
            throw valueError;
        }
        return update;
    }

    /**
     * The path attributes of an UPDATE, added to {@code into}; returns the first error of an attribute's value
     * (RFC 7606: the rest is still parsed so that the NLRI can be located), or null.
     */
    private static BgpError decodeAttributes(ByteBuffer attrs, boolean fourOctetAs, Set<IpFamily> families,
            boolean external, List<PathAttribute> attributes) {
        BgpError valueError = null;
        while (attrs.hasRemaining()) {
            int start = attrs.position();
            if (attrs.remaining() < 3) {
                throw malformed("truncated path attribute header");
            }
            int flags = attrs.get() & 0xff;
            int type = attrs.get() & 0xff;
            int valueLength = (flags & PathAttribute.EXTENDED_LENGTH) != 0 ? attrs.getShort() & 0xffff : attrs.get() & 0xff;
            if (valueLength > attrs.remaining()) {
                throw malformed("attribute " + type + " length " + valueLength + " exceeds the attribute list");
            }
            ByteBuffer value = slice(attrs, valueLength);
            if (type == PathAttribute.MP_REACH_NLRI || type == PathAttribute.MP_UNREACH_NLRI) {
                if (attributes.stream().anyMatch(a -> a.typeCode() == type)) { // RFC 7606 section 3 g
                    throw malformed("attribute " + type + " appears twice");
                }
                byte[] attribute = new byte[attrs.position() - start];
                attrs.get(start, attribute);
                attributes.add(decodeMpAttribute(flags, type, value, attribute, fourOctetAs, families));
                continue;
            }
            if (external && type == PathAttribute.LOCAL_PREF) {
                continue; // RFC 7606 section 7.5: attribute discard
            }
            try {
                attributes.add(decodeAttribute(flags, type, value, fourOctetAs));
            } catch (BgpError | BufferUnderflowException | IllegalArgumentException e) {
                if (valueError == null) { // RFC 7606: the message is still parsed, the NLRI located
                    valueError = attributeValueError(type, e.getMessage());
                }
            }
        }
        return valueError;
    }

    /**
     * MP_REACH_NLRI or MP_UNREACH_NLRI: routes inside, so if it cannot be parsed they cannot be located and
     * neither treat-as-withdraw nor attribute discard applies (RFC 7606 sections 3 j and 5.3); RFC 7606
     * section 7.11 leaves "session reset" or "AFI/SAFI disable", and we do not disable families: the
     * session resets with UPDATE Message Error / Optional Attribute Error and the attribute as data (RFC
     * 4760 section 7, RFC 4271 section 6.3). A family not negotiated is such an error too (RFC 4760 section 7).
     */
    private static PathAttribute decodeMpAttribute(int flags, int type, ByteBuffer value, byte[] attribute,
            boolean fourOctetAs, Set<IpFamily> families) {
        try {
            ByteBuffer afiSafi = value.duplicate();
            IpFamily family = family(afiSafi.getShort() & 0xffff, afiSafi.get() & 0xff);
            if (!families.contains(family)) {
                throw new IllegalArgumentException(family + " unicast not negotiated");
            }
            return decodeAttribute(flags, type, value, fourOctetAs);
        } catch (BgpError | BufferUnderflowException | IllegalArgumentException e) {
            throw new BgpError(BgpError.UPDATE_MESSAGE, BgpError.OPTIONAL_ATTRIBUTE_ERROR, attribute,
                    "attribute " + type + ": " + e.getMessage());
        }
    }

    /**
     * RFC 7606 section 7: a bad ORIGIN, AS_PATH or NEXT_HOP value, a MULTI_EXIT_DISC or LOCAL_PREF not 4
     * bytes long, COMMUNITIES not a multiple of 4 (7.8) or LARGE_COMMUNITY not of 12 (RFC 8092 section 6)
     * makes the UPDATE's routes withdrawn.
     */
    private static BgpError attributeValueError(int type, String why) {
        int subcode = switch (type) {
            case PathAttribute.ORIGIN -> BgpError.INVALID_ORIGIN_ATTRIBUTE;
            case PathAttribute.NEXT_HOP -> BgpError.INVALID_NEXT_HOP_ATTRIBUTE;
            case PathAttribute.AS_PATH, PathAttribute.AS4_PATH -> BgpError.MALFORMED_AS_PATH;
            default -> BgpError.ATTRIBUTE_LENGTH_ERROR;
        };
        return BgpError.treatAsWithdraw(subcode, "attribute " + type + ": " + why);
    }

    private static PathAttribute decodeAttribute(int flags, int type, ByteBuffer v, boolean fourOctetAs) {
        return switch (type) {
            case PathAttribute.ORIGIN -> {
                if (v.remaining() != 1 || (v.get(0) & 0xff) > 2) { // IGP, EGP, INCOMPLETE
                    throw new IllegalArgumentException("ORIGIN must be one octet 0-2");
                }
                yield new PathAttribute.Origin(v.get() & 0xff);
            }
            case PathAttribute.AS_PATH -> decodeAsPath(v, fourOctetAs, false);
            case PathAttribute.AS4_PATH -> decodeAsPath(v, true, true);
            case PathAttribute.NEXT_HOP -> new PathAttribute.NextHop(address(IpFamily.IPV4, remaining(v)));
            case PathAttribute.MULTI_EXIT_DISC -> new PathAttribute.MultiExitDisc(unsigned32s(v, 1, "MED")[0]);
            case PathAttribute.LOCAL_PREF -> new PathAttribute.LocalPref(unsigned32s(v, 1, "LOCAL_PREF")[0]);
            case PathAttribute.COMMUNITIES -> new PathAttribute.Communities(
                    Arrays.stream(unsigned32s(v, 0, "COMMUNITIES")).boxed().toList());
            case PathAttribute.LARGE_COMMUNITY -> decodeLargeCommunities(v);
            case PathAttribute.MP_REACH_NLRI -> {
                int afi = v.getShort() & 0xffff;
                int safi = v.get() & 0xff;
                IpFamily family = family(afi, safi);
                List<IpAddress> nextHops = nextHops(family, bytes(v, v.get() & 0xff));
                v.get(); // reserved
                yield new PathAttribute.MpReach(afi, safi, nextHops, decodePrefixes(v, family));
            }
            case PathAttribute.MP_UNREACH_NLRI -> {
                int afi = v.getShort() & 0xffff;
                int safi = v.get() & 0xff;
                yield new PathAttribute.MpUnreach(afi, safi, decodePrefixes(v, family(afi, safi)));
            }
            // the low four bits are unused (RFC 4271 section 4.3) and extended length is the encoder's choice
            default -> new PathAttribute.Unknown(flags & 0xe0, type, remaining(v));
        };
    }

    /**
     * The value as unsigned 32-bit numbers: exactly {@code count} of them, or (count 0) any number; a length
     * that does not fit is the attribute length error of RFC 7606 sections 7.4, 7.5 and 7.8.
     */
    private static long[] unsigned32s(ByteBuffer v, int count, String name) {
        if (count > 0 ? v.remaining() != 4 * count : v.remaining() % 4 != 0) {
            throw new IllegalArgumentException(name + " of " + v.remaining() + " bytes");
        }
        long[] out = new long[v.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getInt() & 0xffffffffL;
        }
        return out;
    }

    /** RFC 8092 section 3: 12 bytes per large community; another length is treat-as-withdraw (section 6). */
    private static PathAttribute.LargeCommunities decodeLargeCommunities(ByteBuffer v) {
        if (v.remaining() % 12 != 0) {
            throw new IllegalArgumentException("LARGE_COMMUNITY of " + v.remaining() + " bytes");
        }
        long[] parts = unsigned32s(v, 0, "LARGE_COMMUNITY");
        List<LargeCommunity> values = new ArrayList<>(parts.length / 3);
        for (int i = 0; i < parts.length; i += 3) {
            values.add(new LargeCommunity(parts[i], parts[i + 1], parts[i + 2]));
        }
        return new PathAttribute.LargeCommunities(values);
    }

    private static PathAttribute.AsPath decodeAsPath(ByteBuffer v, boolean fourOctet, boolean as4Path) {
        List<PathAttribute.AsPath.Segment> segments = new ArrayList<>();
        while (v.hasRemaining()) {
            int segmentType = v.get() & 0xff;
            if (segmentType < 1 || segmentType > 4) { // AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET
                throw new IllegalArgumentException("AS_PATH segment type " + segmentType);
            }
            int count = v.get() & 0xff;
            List<Long> asns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                asns.add(fourOctet ? v.getInt() & 0xffffffffL : (long) (v.getShort() & 0xffff));
            }
            segments.add(new PathAttribute.AsPath.Segment(segmentType, asns));
        }
        return new PathAttribute.AsPath(segments, as4Path);
    }

    private static void encodeUpdate(Update u, ByteArrayOutputStream out, boolean fourOctetAs) {
        ByteArrayOutputStream withdrawn = new ByteArrayOutputStream();
        u.withdrawn().forEach(p -> writePrefix(withdrawn, p));
        ByteArrayOutputStream attrs = new ByteArrayOutputStream();
        for (PathAttribute a : u.attributes()) {
            encodeAttribute(a, attrs, fourOctetAs);
        }
        writeShort(out, withdrawn.size());
        out.writeBytes(withdrawn.toByteArray());
        writeShort(out, attrs.size());
        out.writeBytes(attrs.toByteArray());
        u.nlri().forEach(p -> writePrefix(out, p));
    }

    private static void encodeAttribute(PathAttribute a, ByteArrayOutputStream out, boolean fourOctetAs) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        int flags = encodeAttributeValue(a, v, fourOctetAs);
        boolean extended = v.size() > 255;
        out.write(flags | (extended ? PathAttribute.EXTENDED_LENGTH : 0));
        out.write(a.typeCode());
        if (extended) {
            writeShort(out, v.size());
        } else {
            out.write(v.size());
        }
        out.writeBytes(v.toByteArray());
    }

    /** Writes the attribute's value to {@code v}; returns its flags, without the extended-length bit. */
    private static int encodeAttributeValue(PathAttribute a, ByteArrayOutputStream v, boolean fourOctetAs) {
        if (a instanceof PathAttribute.Origin o) {
            v.write(o.origin());
            return PathAttribute.TRANSITIVE;
        }
        if (a instanceof PathAttribute.AsPath p) {
            encodeAsPath(p, v, fourOctetAs || p.as4Path());
            return p.as4Path() ? PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE : PathAttribute.TRANSITIVE;
        }
        if (a instanceof PathAttribute.NextHop n) {
            v.writeBytes(raw(n.address()));
            return PathAttribute.TRANSITIVE;
        }
        if (a instanceof PathAttribute.MultiExitDisc m) {
            writeInt(v, m.value());
            return PathAttribute.OPTIONAL;
        }
        if (a instanceof PathAttribute.LocalPref l) {
            writeInt(v, l.value());
            return PathAttribute.TRANSITIVE;
        }
        if (a instanceof PathAttribute.Communities c) {
            c.values().forEach(community -> writeInt(v, community));
            return PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE;
        }
        if (a instanceof PathAttribute.LargeCommunities c) {
            c.values().forEach(l -> {
                writeInt(v, l.global());
                writeInt(v, l.local1());
                writeInt(v, l.local2());
            });
            return PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE;
        }
        if (a instanceof PathAttribute.MpReach m) {
            encodeMpReach(m, v);
            return PathAttribute.OPTIONAL;
        }
        if (a instanceof PathAttribute.MpUnreach m) {
            writeShort(v, m.afi());
            v.write(m.safi());
            m.withdrawn().forEach(p -> writePrefix(v, p));
            return PathAttribute.OPTIONAL;
        }
        PathAttribute.Unknown u = (PathAttribute.Unknown) a;
        v.writeBytes(u.value());
        return u.flags() & ~PathAttribute.EXTENDED_LENGTH;
    }

    /**
     * An MP_REACH_NLRI's next hops: one IPv4 address (RFC 4760 section 3; we do not offer RFC 8950), or an IPv6
     * global address, optionally followed by a link-local one (RFC 2545 section 3). Any other length is
     * "inconsistent with that which was expected" (RFC 7606 section 7.11): the NLRI after it cannot be
     * reliably located, so this is never treat-as-withdraw, even where the rest happens to parse.
     */
    private static List<IpAddress> nextHops(IpFamily family, byte[] raw) {
        int width = family.bits() / 8;
        if (raw.length != width && (family != IpFamily.IPV6 || raw.length != 2 * width)) {
            throw new IllegalArgumentException("next hop of " + raw.length + " bytes for " + family);
        }
        List<IpAddress> nextHops = new ArrayList<>();
        for (int i = 0; i < raw.length; i += width) {
            nextHops.add(address(family, Arrays.copyOfRange(raw, i, i + width)));
        }
        return nextHops;
    }

    /** Segments of 4-octet ASNs when {@code wide}, else of 2-octet ones, AS_TRANS for larger ASNs (RFC 6793). */
    private static void encodeAsPath(PathAttribute.AsPath p, ByteArrayOutputStream v, boolean wide) {
        for (PathAttribute.AsPath.Segment s : p.segments()) {
            v.write(s.type());
            v.write(s.asns().size());
            for (long as : s.asns()) {
                if (wide) {
                    writeInt(v, as);
                } else {
                    writeShort(v, as > 0xffff ? Open.AS_TRANS : (int) as);
                }
            }
        }
    }

    /** AFI, SAFI, next hops with their length, a reserved zero octet, then the NLRI (RFC 4760 section 3). */
    private static void encodeMpReach(PathAttribute.MpReach m, ByteArrayOutputStream v) {
        writeShort(v, m.afi());
        v.write(m.safi());
        ByteArrayOutputStream nextHops = new ByteArrayOutputStream();
        m.nextHops().forEach(h -> nextHops.writeBytes(raw(h)));
        v.write(nextHops.size());
        v.writeBytes(nextHops.toByteArray());
        v.write(0);
        m.nlri().forEach(p -> writePrefix(v, p));
    }

    // ---- NOTIFICATION ----

    private static Notification decodeNotification(ByteBuffer b) {
        return new Notification(b.get() & 0xff, b.get() & 0xff, remaining(b));
    }

    // ---- prefixes and helpers ----

    /** NLRI encoding (RFC 4271 section 4.3): a length in bits, then the fewest bytes that hold it. */
    private static List<Prefix> decodePrefixes(ByteBuffer b, IpFamily family) {
        List<Prefix> prefixes = new ArrayList<>();
        while (b.hasRemaining()) {
            int bits = b.get() & 0xff;
            if (bits > family.bits()) {
                throw new BgpError(BgpError.UPDATE_MESSAGE, BgpError.INVALID_NETWORK_FIELD,
                        "prefix length " + bits + " exceeds " + family.bits());
            }
            int bytes = (bits + 7) / 8;
            if (bytes > b.remaining()) {
                throw new BgpError(BgpError.UPDATE_MESSAGE, BgpError.INVALID_NETWORK_FIELD,
                        "prefix of " + bits + " bits truncated");
            }
            byte[] full = new byte[family.bits() / 8];
            b.get(full, 0, bytes);
            prefixes.add(new Prefix(address(family, full), bits));
        }
        return prefixes;
    }

    private static void writePrefix(ByteArrayOutputStream out, Prefix p) {
        if (p.pathId() != Prefix.NO_PATH_ID) { // RFC 7911 section 3: a 4-octet path identifier first
            out.write((int) (p.pathId() >>> 24));
            out.write((int) (p.pathId() >>> 16));
            out.write((int) (p.pathId() >>> 8));
            out.write((int) p.pathId());
        }
        out.write(p.length());
        out.write(raw(p.address()), 0, (p.length() + 7) / 8);
    }

    /** The family of a unicast AFI/SAFI, the only ones we negotiate; another's NLRI encoding is unknown here. */
    private static IpFamily family(int afi, int safi) {
        if (safi != SAFI_UNICAST || afi != AFI_IPV4 && afi != AFI_IPV6) {
            throw new IllegalArgumentException("AFI " + afi + " SAFI " + safi + " unsupported");
        }
        return afi == AFI_IPV4 ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    public static int afi(IpFamily family) {
        return family == IpFamily.IPV4 ? AFI_IPV4 : AFI_IPV6;
    }

    private static IpAddress address(IpFamily family, byte[] raw) {
        if (raw.length != family.bits() / 8) {
            throw new BgpError(BgpError.UPDATE_MESSAGE, BgpError.MALFORMED_ATTRIBUTE_LIST,
                    family + " address of " + raw.length + " bytes");
        }
        return new IpAddress(family, new BigInteger(1, raw));
    }

    /** The address as big-endian bytes of its family's width. */
    static byte[] raw(IpAddress address) {
        byte[] value = address.value().toByteArray();
        byte[] out = new byte[address.family().bits() / 8];
        int n = Math.min(value.length, out.length);
        System.arraycopy(value, value.length - n, out, out.length - n, n);
        return out;
    }

    private static ByteBuffer slice(ByteBuffer b, int length) {
        if (length > b.remaining()) {
            throw new IllegalArgumentException("length " + length + " exceeds the " + b.remaining() + " bytes left");
        }
        ByteBuffer s = b.slice(b.position(), length);
        b.position(b.position() + length);
        return s;
    }

    private static byte[] bytes(ByteBuffer b, int length) {
        return remaining(slice(b, length));
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeInt(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }

    private static BgpError badLength(int length) {
        return new BgpError(BgpError.MESSAGE_HEADER, BgpError.BAD_MESSAGE_LENGTH,
                new byte[] {(byte) (length >>> 8), (byte) length}, "bad message length " + length);
    }

    private static BgpError malformed(String why) {
        return new BgpError(BgpError.UPDATE_MESSAGE, BgpError.MALFORMED_ATTRIBUTE_LIST, why);
    }

    private static String typeName(int type) {
        return type == BgpMessage.OPEN ? "OPEN" : "UPDATE";
    }
}
