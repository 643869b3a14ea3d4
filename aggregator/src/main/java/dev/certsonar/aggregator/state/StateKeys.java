package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.Endpoints;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Keys of the aggregator's state stores. Composite keys join their parts with {@code |}, so a
 * prefix scan on {@code service|} or {@code service|targetId|} finds one service's or one target's entries.
 * The service and the target id are escaped ({@code \} as {@code \\}, {@code |} as {@code \|}), so a service named
 * {@code a|b} never falls under the prefix of service {@code a}; names without either character are kept as they are.
 * Time indexes are keyed by the big-endian epoch millis followed by the entry's name, so a range
 * query from zero to now yields what is due, in due order.
 */
public final class StateKeys {

    public static final String SEPARATOR = "|";

    private StateKeys() {
    }

    /** The endpoint as a person reads it; for a probe that found no endpoint (a name that did not resolve), the host. */
    public static String endpointKey(Observation o) {
        Endpoint e = o.getEndpoint();
        return e != null ? Endpoints.key(e) : o.getHost();
    }

    /** The key of an endpoint of a service status, the same string {@link #endpointKey} gives. */
    public static String endpointKeyOf(dev.certsonar.schemas.avro.EndpointStatus e) {
        Endpoint endpoint = e.getEndpoint();
        return endpoint.getPort() == 0 ? endpoint.getAddress() : Endpoints.key(endpoint);
    }

    /** The part of a composite key: {@code \} and {@code |} escaped with a backslash. */
    public static String escape(String part) {
        if (part.indexOf('|') < 0 && part.indexOf('\\') < 0) {
            return part;
        }
        StringBuilder out = new StringBuilder(part.length() + 4);
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '|' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Splits {@code escapedA|escapedB} at its first unescaped separator and unescapes both parts.
     *
     * @throws IllegalArgumentException when there is no unescaped separator
     */
    public static String[] splitPair(String key) {
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length()) {
                first.append(key.charAt(++i));
            } else if (c == '|') {
                return new String[]{first.toString(), unescape(key.substring(i + 1))};
            } else {
                first.append(c);
            }
        }
        throw new IllegalArgumentException("No separator in state key '" + key + "'");
    }

    /** The inverse of {@link #escape}. */
    public static String unescape(String part) {
        if (part.indexOf('\\') < 0) {
            return part;
        }
        StringBuilder out = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '\\' && i + 1 < part.length()) {
                c = part.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    public static String servicePrefix(String service) {
        return escape(service) + SEPARATOR;
    }

    public static String targetPrefix(String service, String targetId) {
        return escape(service) + SEPARATOR + escape(targetId) + SEPARATOR;
    }

    public static String serviceTarget(String service, String targetId) {
        return escape(service) + SEPARATOR + escape(targetId);
    }

    public static String endpoint(String service, String targetId, String endpointKey) {
        return targetPrefix(service, targetId) + endpointKey;
    }

    public static String inventoryPrefix(String sha256) {
        return sha256 + SEPARATOR;
    }

    public static String inventory(String sha256, String service, String targetId, String endpointKey) {
        return inventoryPrefix(sha256) + endpoint(service, targetId, endpointKey);
    }

    /** The time-index key: 8 bytes of big-endian epoch millis, then the name in UTF-8. */
    public static byte[] timeKey(Instant at, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + nameBytes.length).putLong(Math.max(0, at.toEpochMilli())).put(nameBytes).array();
    }

    /** The smallest time-index key after every key due at or before {@code at}. */
    public static byte[] timeUpperBound(Instant at) {
        return ByteBuffer.allocate(8).putLong(Math.max(0, at.toEpochMilli()) + 1).array();
    }

    public static byte[] timeLowerBound() {
        return new byte[8];
    }

    public static Instant timeOf(byte[] key) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(key, 0, 8).getLong());
    }

    public static String nameOf(byte[] key) {
        return new String(Arrays.copyOfRange(key, 8, key.length), StandardCharsets.UTF_8);
    }
}
