package dev.certsonar.cli.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** Checks CIDR ranges ({@code 10.0.0.0/8}, {@code fe80::/10}) and bare addresses, without any DNS lookup. */
final class Cidrs {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private Cidrs() {
    }

    /** Why the text is not a CIDR range, or empty when it is one. */
    static Optional<String> problem(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of("an empty CIDR range");
        }
        String address = text.strip();
        String prefix = null;
        int slash = address.indexOf('/');
        if (slash >= 0) {
            prefix = address.substring(slash + 1);
            address = address.substring(0, slash);
        }
        int bits;
        if (IPV4.matcher(address).matches()) {
            for (String octet : address.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.of('"' + text + "\" is not a CIDR range: " + octet + " is not an IPv4 octet");
                }
            }
            bits = 32;
        } else if (address.contains(":") && IPV6.matcher(address).matches() && isIpv6(address)) {
            bits = 128;
        } else {
            return Optional.of('"' + text + "\" is not a CIDR range (write an address and a prefix length, like 10.0.0.0/8 or fe80::/10)");
        }
        if (prefix != null) {
            if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(prefix) > bits) {
                return Optional.of('"' + text + "\" is not a CIDR range: the prefix length must be 0 to " + bits);
            }
        }
        return Optional.empty();
    }

    /** RFC 4291 text forms: eight groups of hex, {@code ::} once for zero groups, an IPv4 tail allowed. */
    static boolean isIpv6(String address) {
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String head = doubleColon >= 0 ? address.substring(0, doubleColon) : address;
        String tail = doubleColon >= 0 ? address.substring(doubleColon + 2) : "";
        int groups = 0;
        for (String part : new String[] {head, tail}) {
            if (part.isEmpty()) {
                continue;
            }
            String[] words = part.split(":", -1);
            for (int i = 0; i < words.length; i++) {
                String word = words[i];
                boolean last = part == tail || doubleColon < 0 ? i == words.length - 1 : false;
                if (last && IPV4.matcher(word).matches()) {
                    groups += 2;
                } else if (word.length() >= 1 && word.length() <= 4 && word.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    groups += 1;
                } else {
                    return false;
                }
            }
        }
        return doubleColon >= 0 ? groups <= 7 : groups == 8;
    }
}
