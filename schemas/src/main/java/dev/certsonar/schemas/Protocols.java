package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Protocol names as users write them (lower case: {@code tls}, {@code smtp}, ..., and the alias {@code postgresql}),
 * their default ports, and whether TLS starts at once: the one table of protocols, for targets files, the command line
 * and JSON targets alike.
 */
public final class Protocols {

    /** Other names a protocol is known by, as URL schemes write them. */
    private static final Map<String, Protocol> ALIASES = Map.of("postgresql", Protocol.POSTGRES);

    private Protocols() {
    }

    /** The protocols a target can name: every symbol except {@link Protocol#UNKNOWN}. */
    public static List<Protocol> known() {
        return Arrays.stream(Protocol.values()).filter(p -> p != Protocol.UNKNOWN).toList();
    }

    /**
     * The protocol for a name such as {@code smtp}, {@code postgres} or {@code postgresql} (case ignored).
     *
     * @throws IllegalArgumentException naming the text and listing the known names
     */
    public static Protocol parse(String name) {
        if (name != null) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            Protocol alias = ALIASES.get(n);
            if (alias != null) {
                return alias;
            }
            for (Protocol p : known()) {
                if (name(p).equals(n)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "': use one of "
                + known().stream().map(Protocols::name).collect(Collectors.joining(", "))
                + ALIASES.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(a -> " (" + a.getKey() + " for " + name(a.getValue()) + ")").collect(Collectors.joining()));
    }

    /** The lower-case name users write: {@code tls}, {@code https}, {@code smtp}, ... */
    public static String name(Protocol protocol) {
        return protocol.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The protocol's default port: tls 443, https 443, smtp 25, smtps 465, imap 143, imaps 993, pop3 110, pop3s 995,
     * ftp 21, ldap 389, ldaps 636, xmpp 5222, postgres 5432, mysql 3306.
     *
     * @throws IllegalArgumentException for {@link Protocol#UNKNOWN}
     */
    public static int defaultPort(Protocol protocol) {
        return switch (protocol) {
            case TLS, HTTPS -> 443;
            case SMTP -> 25;
            case SMTPS -> 465;
            case IMAP -> 143;
            case IMAPS -> 993;
            case POP3 -> 110;
            case POP3S -> 995;
            case FTP -> 21;
            case LDAP -> 389;
            case LDAPS -> 636;
            case XMPP -> 5222;
            case POSTGRES -> 5432;
            case MYSQL -> 3306;
            case UNKNOWN -> throw new IllegalArgumentException("protocol UNKNOWN has no default port");
        };
    }

    /** True when TLS starts right after the TCP connect; false when a plain-text exchange upgrades the connection (STARTTLS). */
    public static boolean implicitTls(Protocol protocol) {
        return switch (protocol) {
            case TLS, HTTPS, SMTPS, IMAPS, POP3S, LDAPS -> true;
            case SMTP, IMAP, POP3, FTP, LDAP, XMPP, POSTGRES, MYSQL -> false;
            case UNKNOWN -> throw new IllegalArgumentException("protocol UNKNOWN is neither implicit TLS nor STARTTLS");
        };
    }
}
