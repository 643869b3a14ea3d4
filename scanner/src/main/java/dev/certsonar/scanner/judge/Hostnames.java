package dev.certsonar.scanner.judge;

import com.google.common.net.InternetDomainName;
import com.ibm.icu.text.IDNA;
import dev.certsonar.schemas.net.Addresses;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reference identities per RFC 9525: only subject alternative names count (no fallback to the common name); a DNS
 * name matches dNSName SANs only, compared case-insensitively as A-labels (the reference converted by UTS #46,
 * non-transitional, that is IDNA 2008 as browsers apply it); a wildcard only as the whole left-most label, covering
 * exactly one label, and never over a public suffix of the ICANN section of the Public Suffix List ({@code *.co.uk}
 * matches nothing); an IP address matches iPAddress SANs only (an address written as a dNSName matches nothing).
 */
final class Hostnames {

    /** UTS #46 as the URL standard applies it: non-transitional, bidi and joiner rules, no STD3 or hyphen rules. */
    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE
            | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);
    private static final Set<IDNA.Error> IGNORED = EnumSet.of(IDNA.Error.HYPHEN_3_4, IDNA.Error.LEADING_HYPHEN,
            IDNA.Error.TRAILING_HYPHEN);

    /** The subject alternative names of a certificate that can be reference identities, by kind. */
    record Sans(List<String> dnsNames, List<InetAddress> ipAddresses) {
    }

    private Hostnames() {
    }

    /** Loads the IDNA mapping data and the Public Suffix List, so that no probe waits for them. */
    static void warmUp() {
        referenceName("warm-up.example");
        publicSuffix("example.com");
    }

    /** Whether the reference identity (a DNS name or an IP address literal) matches the certificate's SANs. */
    static boolean matches(String reference, X509Certificate certificate) {
        return matches(reference, sans(certificate));
    }

    static boolean matches(String reference, Sans sans) {
        Optional<InetAddress> ip = Addresses.literal(reference);
        if (ip.isPresent()) {
            return sans.ipAddresses().contains(ip.get());
        }
        String ref = referenceName(reference);
        if (ref == null) {
            return false;
        }
        for (String san : sans.dnsNames()) {
            String pattern = presentedName(san);
            if (pattern != null && matchesPattern(ref, pattern)) {
                return true;
            }
        }
        return false;
    }

    /** The dNSName and iPAddress SANs of the certificate; none when the extension cannot be read. */
    static Sans sans(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        try {
            var names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    if (type == 2 && n.get(1) instanceof String name) {
                        dns.add(name);
                    } else if (type == 7 && n.get(1) instanceof String address) {
                        Addresses.literal(address).ifPresent(ips::add);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN extension leaves no names to match
        }
        return new Sans(List.copyOf(dns), List.copyOf(ips));
    }

    private static boolean matchesPattern(String ref, String pattern) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(2);
            if (suffix.indexOf('*') >= 0 || suffix.indexOf('.') < 0 || publicSuffix(suffix)) {
                return false;
            }
            int dot = ref.indexOf('.');
            return dot > 0 && ref.substring(dot + 1).equals(suffix);
        }
        return pattern.indexOf('*') < 0 && pattern.equals(ref);
    }

    /** Whether a name is a public suffix under the ICANN section of the Public Suffix List (as browsers refuse them). */
    static boolean publicSuffix(String name) {
        try {
            return InternetDomainName.from(name).isRegistrySuffix();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The reference as A-labels, lower case, without a trailing dot: UTS #46 processing (IDNA 2008, non-transitional,
     * as the URL standard does it, so {@code faß.de} is {@code xn--fa-hia.de}, not {@code fass.de}); null when it is
     * not a valid name.
     */
    static String referenceName(String name) {
        String n = trimmed(name);
        if (n == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        IDNA.Info info = new IDNA.Info();
        UTS46.nameToASCII(n, out, info);
        Set<IDNA.Error> errors = EnumSet.noneOf(IDNA.Error.class);
        errors.addAll(info.getErrors());
        errors.removeAll(IGNORED);
        return errors.isEmpty() ? out.toString().toLowerCase(Locale.ROOT) : null;
    }

    /**
     * A presented dNSName as it is compared: lower case, without a trailing dot; null when it is not ASCII (a SAN holds
     * A-labels only, RFC 5280 §4.2.1.6).
     */
    static String presentedName(String san) {
        String n = trimmed(san);
        for (int i = 0; n != null && i < n.length(); i++) {
            char c = n.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return null;
            }
        }
        return n == null ? null : n.toLowerCase(Locale.ROOT);
    }

    /** The name without surrounding white space and a trailing dot; null when nothing is left. */
    private static String trimmed(String name) {
        String n = name.strip();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.isEmpty() ? null : n;
    }
}
