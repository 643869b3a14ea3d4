package dev.certsonar.schemas.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** Literal IP addresses: parsing without ever asking DNS, and printing in their shortest form. */
public final class Addresses {

    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+(%[\\w.]+)?");

    private Addresses() {
    }

    /** The address a literal names (IPv4 dotted quad or IPv6, with or without brackets); empty for anything else. */
    public static Optional<InetAddress> literal(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        var m4 = V4.matcher(s);
        if (m4.matches()) {
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(m4.group(i + 1));
                if (v > 255) {
                    return Optional.empty();
                }
                b[i] = (byte) v;
            }
            return Optional.of(byAddress(b));
        }
        if (s.indexOf(':') >= 0 && V6.matcher(s).matches()) {
            try {
                // a literal with colons is never looked up by InetAddress
                return Optional.of(InetAddress.getByName(s));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** IPv4 dotted, IPv6 in its shortest form without brackets. */
    public static String text(InetAddress a) {
        if (a instanceof Inet6Address) {
            return compress(a.getHostAddress());
        }
        return a.getHostAddress();
    }

    /** {@code host:port}, with IPv6 in brackets. */
    public static String withPort(InetAddress a, int port) {
        return a instanceof Inet6Address ? "[" + text(a) + "]:" + port : text(a) + ":" + port;
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compress(String full) {
        int pct = full.indexOf('%');
        String scope = pct >= 0 ? full.substring(pct) : "";
        String addr = pct >= 0 ? full.substring(0, pct) : full;
        String[] parts = addr.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return addr + scope;
        }
        String head = String.join(":", Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return head + "::" + tail + scope;
    }
}
