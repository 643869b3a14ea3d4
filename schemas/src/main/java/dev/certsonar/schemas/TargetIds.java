package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Target identities: {@code protocol://host:port#sni}, the key of a target on the targets topic. */
public final class TargetIds {

    private TargetIds() {
    }

    /**
     * {@code protocol://host:port#sni}: lower-case protocol, an IPv6 host in brackets, {@code #sni} omitted when
     * {@code sni} is null. Example: {@code tls://shop.example.com:443}, {@code smtp://[2001:db8::1]:25#mail.example.com}.
     */
    public static String defaultId(Protocol protocol, String host, int port, String sni) {
        return defaultId(protocol, host, String.valueOf(port), sni);
    }

    /**
     * The default id of a target with several ports: the ports joined with commas, in the given order
     * ({@code tls://host:443,8443}); an empty list stands for the protocol's default port.
     */
    public static String defaultId(Protocol protocol, String host, List<Integer> ports, String sni) {
        String p = ports.isEmpty()
                ? String.valueOf(Protocols.defaultPort(protocol))
                : ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        return defaultId(protocol, host, p, sni);
    }

    /** The default id of a target, from its protocol, host, ports and sni (its {@code id} field is not read). */
    public static String defaultId(Target target) {
        return defaultId(target.getProtocol(), target.getHost(), target.getPorts(), target.getSni());
    }

    /**
     * The target with the record key as its id: on the targets topic the key is the id, and a value published as JSON
     * without an {@code id} field only knows its default id. A null key leaves the target as it is.
     */
    public static Target withKey(String key, Target target) {
        if (key == null || target == null || key.equals(target.getId())) {
            return target;
        }
        return Target.newBuilder(target).setId(key).build();
    }

    private static String defaultId(Protocol protocol, String host, String ports, String sni) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return Protocols.name(protocol) + "://" + h + ":" + ports + (sni == null ? "" : "#" + sni);
    }
}
