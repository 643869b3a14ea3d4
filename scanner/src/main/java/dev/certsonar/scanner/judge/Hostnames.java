package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.net.Addresses;

import java.net.IDN;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Hostname verification per RFC 9525: only subject alternative names count (no fallback to the common name); a DNS
 * reference matches DNS SANs case-insensitively by A-labels, a wildcard only as the whole left-most label covering
 * exactly one label; an IP address matches IP SANs only.
 */
final class Hostnames {

    private Hostnames() {
    }

    /** Whether the reference identity (a DNS name or an IP address literal) matches the certificate's SANs. */
    public static boolean matches(String reference, List<String> sans) {
        Optional<InetAddress> ip = Addresses.literal(reference);
        if (ip.isPresent()) {
            return sans.stream().map(Addresses::literal).flatMap(Optional::stream).anyMatch(ip.get()::equals);
        }
        String ref = normalise(reference);
        if (ref == null || ref.isEmpty()) {
            return false;
        }
        for (String san : sans) {
            if (Addresses.literal(san).isPresent()) {
                continue;
            }
            String pattern = normalise(san);
            if (pattern != null && matchesPattern(ref, pattern)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesPattern(String ref, String pattern) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            if (suffix.indexOf('*') >= 0 || suffix.chars().filter(c -> c == '.').count() < 2) {
                return false;
            }
            int dot = ref.indexOf('.');
            return dot > 0 && ref.substring(dot).equals(suffix);
        }
        return pattern.indexOf('*') < 0 && pattern.equals(ref);
    }

    /** Lower-case A-label form without a trailing dot; null when the name cannot be converted. */
    static String normalise(String name) {
        String n = name.strip();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        try {
            String star = n.startsWith("*.") ? "*." : "";
            String rest = star.isEmpty() ? n : n.substring(2);
            return (star + IDN.toASCII(rest, IDN.ALLOW_UNASSIGNED)).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
