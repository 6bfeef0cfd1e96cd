package io.openelb.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters of the kube-apiserver VIP's options ({@code --role apiserver-vip}): each refuses a bad
 * value with a message that says what is wrong with it. Pure, stateless; called on the parsing thread.
 */
final class VipConverters {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /** Only these characters reach {@link InetAddress}, so it never asks DNS. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    /** RFC 5798 5.2.7: Max Adver Int is 12 bits of centiseconds. */
    static final long MAX_ADVERT_INTERVAL_MILLIS = 4095 * 10;
    static final long MIN_ADVERT_INTERVAL_MILLIS = 10;

    private VipConverters() {}

    /** One or more IPv4 or IPv6 literals, comma-separated; "" when none. Written back trimmed, comma-separated. */
    static final class AddressListConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            List<String> addresses = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                String address = part.trim();
                if (address.isEmpty() && text.isBlank()) {
                    continue;
                }
                if (!isIpLiteral(address)) {
                    throw new TypeConversionException("'" + address + "' is not an IPv4 or IPv6 address");
                }
                addresses.add(address);
            }
            return String.join(",", addresses);
        }

        private static boolean isIpLiteral(String address) {
            if (IPV4.matcher(address).matches()) {
                return true;
            }
            try {
                return IPV6_CHARS.matcher(address).matches() && InetAddress.getByName(address) instanceof Inet6Address;
            } catch (UnknownHostException invalid) {
                return false;
            }
        }
    }

    /** A VRID, 1-255; 0 means not set (the role then refuses to start). */
    static final class VridConverter extends Converters.RangeConverter {
        VridConverter() {
            super(0, 255, "a VRID");
        }
    }

    /** A VRRP priority a backup may have: 255 is the address owner's, 0 the master's resignation. */
    static final class PriorityConverter extends Converters.RangeConverter {
        PriorityConverter() {
            super(1, 254, "a VRRP priority");
        }
    }

    /** How many consecutive health results change the verdict. */
    static final class CountConverter extends Converters.RangeConverter {
        CountConverter() {
            super(1, 100, "a count");
        }
    }

    /** The VRRP advertisement interval: 10ms to 40950ms, rounded to whole centiseconds as the wire carries it. */
    static final class AdvertIntervalConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            long millis = new Converters.DurationConverter().convert(text).toMillis();
            if (millis < MIN_ADVERT_INTERVAL_MILLIS || millis > MAX_ADVERT_INTERVAL_MILLIS) {
                throw new TypeConversionException("must be " + MIN_ADVERT_INTERVAL_MILLIS + "ms-"
                        + MAX_ADVERT_INTERVAL_MILLIS + "ms");
            }
            return Duration.ofMillis(Math.round(millis / 10.0) * 10);
        }
    }

    /** An absolute http or https URL with a host. */
    static final class HealthUrlConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            String url = text.trim();
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return url;
                }
            } catch (URISyntaxException invalid) {
                // refused below
            }
            throw new TypeConversionException("'" + text + "' is not an http:// or https:// URL");
        }
    }
}
