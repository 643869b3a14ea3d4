package dev.certsonar.scanner.target;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.Protocols;
import dev.certsonar.schemas.TargetIds;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.net.Addresses;
import dev.certsonar.schemas.net.Cidr;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Targets as people write them: {@code host}, {@code host:port}, {@code [2001:db8::1]:port}, {@code 10.0.0.0/24:443},
 * and a scheme for the protocol ({@code smtp://mail.example.com:25}, {@code postgres://db:5432}); a targets file has one
 * a line, optionally followed by {@code key=value} words ({@code sni=}, {@code service=}, {@code owner=},
 * {@code protocol=}, {@code id=}, {@code zone=} (the network whose scanners reach it), and the target's own thresholds {@code warnDays=}, {@code warnFraction=},
 * {@code criticalDays=}, {@code criticalFraction=}, checked by the rules of {@link ExpiryPolicy}); {@code #} at the start
 * of a word starts a comment.
 */
public final class TargetSpecs {

    /** A target that cannot be read; the message names the file and line when there is one. */
    public static final class InvalidTargetSpecException extends IllegalArgumentException {
        public InvalidTargetSpecException(String message) {
            super(message);
        }
    }

    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9_*]([A-Za-z0-9_\\-]*)(\\.[A-Za-z0-9_]([A-Za-z0-9_\\-]*))*\\.?");
    private static final List<String> KEYS = List.of("sni", "service", "owner", "protocol", "id", "zone",
            "warnDays", "warnFraction", "criticalDays", "criticalFraction");

    private TargetSpecs() {
    }

    /** The protocol a scheme or a {@code protocol=} setting names ({@link Protocols#parse}). */
    private static Protocol protocol(String name) {
        try {
            return Protocols.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetSpecException(e.getMessage());
        }
    }

    public static Target parse(String spec) {
        return parse(spec, Map.of(), false);
    }

    /**
     * Parses one target with optional {@code key=value} settings.
     *
     * @param allowLargeRanges whether a CIDR range may hold more than 65536 addresses
     */
    public static Target parse(String spec, Map<String, String> settings, boolean allowLargeRanges) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new InvalidTargetSpecException("empty target");
        }
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidTargetSpecException("unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        Protocol protocol = Protocol.TLS;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            protocol = protocol(s.substring(0, scheme));
            s = s.substring(scheme + 3);
            int slash = s.indexOf('/');
            // a path after the authority is ignored, but a CIDR prefix is not a path
            if (slash >= 0 && !isCidrPrefix(s, slash)) {
                s = s.substring(0, slash);
            }
        }
        if (settings.containsKey("protocol")) {
            protocol = protocol(settings.get("protocol"));
        }
        String host;
        Integer port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new InvalidTargetSpecException("'" + spec + "': missing ']' after the IPv6 address");
            }
            host = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new InvalidTargetSpecException("'" + spec + "': expected ':port' after ']'");
                }
                port = port(spec, rest.substring(1));
            }
        } else if (s.chars().filter(c -> c == ':').count() > 1) {
            host = s; // a bare IPv6 address or range, no port
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0) {
                host = s.substring(0, colon);
                port = port(spec, s.substring(colon + 1));
            } else {
                host = s;
            }
        }
        if (host.isEmpty()) {
            throw new InvalidTargetSpecException("'" + spec + "': no host");
        }
        validateHost(spec, host, allowLargeRanges);
        if (port == null) {
            port = Protocols.defaultPort(protocol);
        }
        String sni = settings.get("sni");
        if (sni != null) {
            validateName(spec, sni, "sni");
        }
        String id = settings.getOrDefault("id", TargetIds.defaultId(protocol, host, port, sni));
        Target target = Target.newBuilder()
                .setId(id)
                .setService(settings.getOrDefault("service", host))
                .setOwner(settings.get("owner"))
                .setHost(host)
                .setPorts(List.of(port))
                .setSni(sni)
                .setProtocol(protocol)
                .setWarnDays(threshold(spec, settings, "warnDays"))
                .setWarnFraction(threshold(spec, settings, "warnFraction"))
                .setCriticalDays(threshold(spec, settings, "criticalDays"))
                .setCriticalFraction(threshold(spec, settings, "criticalFraction"))
                .setZone(settings.getOrDefault("zone", Zones.DEFAULT))
                .build();
        try {
            Zones.check(target.getZone());
            ExpiryPolicy.checkOwnOverrides(target);
        } catch (InvalidValueException e) {
            throw new InvalidTargetSpecException("'" + spec + "': " + e.getMessage());
        }
        return target;
    }

    private static Double threshold(String spec, Map<String, String> settings, String key) {
        String text = settings.get(key);
        if (text == null) {
            return null;
        }
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidTargetSpecException("'" + spec + "': " + key + " '" + text + "' is not a number");
        }
    }

    private static boolean isCidrPrefix(String s, int slash) {
        int i = slash + 1;
        int digits = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        return digits > 0 && digits <= 3 && (i == s.length() || s.charAt(i) == ':' || s.charAt(i) == ']');
    }

    private static void validateHost(String spec, String host, boolean allowLargeRanges) {
        if (host.contains("/")) {
            Cidr range;
            try {
                range = Cidr.parse(host);
            } catch (IllegalArgumentException e) {
                throw new InvalidTargetSpecException("'" + spec + "': " + e.getMessage());
            }
            if (!allowLargeRanges) {
                range.tooLarge().ifPresent(problem -> {
                    throw new InvalidTargetSpecException("'" + spec + "': " + problem + " (use --allow-large-ranges)");
                });
            }
            return;
        }
        if (Addresses.literal(host).isPresent()) {
            return;
        }
        if (host.indexOf(':') >= 0) {
            throw new InvalidTargetSpecException("'" + spec + "': '" + host + "' is not a valid IPv6 address");
        }
        validateName(spec, host, "host");
    }

    private static void validateName(String spec, String name, String what) {
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetSpecException("'" + spec + "': " + what + " '" + name + "' is not a valid DNS name");
        }
        if (!DNS_NAME.matcher(ascii).matches() || ascii.length() > 254) {
            throw new InvalidTargetSpecException("'" + spec + "': " + what + " '" + name + "' is not a valid DNS name");
        }
    }

    private static int port(String spec, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidTargetSpecException("'" + spec + "': port '" + text + "' is not a number from 1 to 65535");
    }

    /** Parses one line of a targets file; empty for blank and comment lines. */
    public static Optional<Target> parseLine(String line, boolean allowLargeRanges) {
        List<String> words = new ArrayList<>();
        for (String w : line.strip().split("\\s+")) {
            if (w.startsWith("#")) {
                break;
            }
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        if (words.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String w : words.subList(1, words.size())) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new InvalidTargetSpecException("'" + w + "' is not a key=value word");
            }
            String key = w.substring(0, eq);
            if (!KEYS.contains(key)) {
                throw new InvalidTargetSpecException("unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
            if (settings.put(key, w.substring(eq + 1)) != null) {
                throw new InvalidTargetSpecException("key '" + key + "' given twice");
            }
        }
        return Optional.of(parse(words.get(0), settings, allowLargeRanges));
    }

    public static List<Target> parseFile(Path file) {
        return parseFile(file, false);
    }

    /** Every target of the file, its thresholds checked against the default policy; an error names the file and the line. */
    public static List<Target> parseFile(Path file, boolean allowLargeRanges) {
        return parseFile(file, allowLargeRanges, ExpiryPolicy.DEFAULT);
    }

    /**
     * Every target of the file, its thresholds checked against the policy it will be judged by
     * ({@link ExpiryPolicy#checkOverrides}); an error names the file, the line and, for thresholds, the target.
     */
    public static List<Target> parseFile(Path file, boolean allowLargeRanges, ExpiryPolicy policy) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidTargetSpecException(file + ": cannot be read: " + e.getMessage());
        }
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                parseLine(lines.get(i), allowLargeRanges).ifPresent(target -> {
                    try {
                        policy.checkOverrides(target);
                    } catch (InvalidValueException e) {
                        throw new InvalidTargetSpecException("target " + target.getId() + ": " + e.getMessage());
                    }
                    out.add(target);
                });
            } catch (IllegalArgumentException e) {
                throw new InvalidTargetSpecException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }
}
