package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.net.Addresses;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where and for whom the aggregator's HTTP server answers.
 *
 * @param bind         address to bind to: a loopback address by default; another address (or the wildcard
 *                     {@code 0.0.0.0} / {@code ::}) needs a {@code token}
 * @param port         TCP port, 0 picks a free one, -1 serves no HTTP
 * @param token        the bearer token writes must present ({@code Authorization: Bearer TOKEN}), and that a console
 *                     session logs in with; null for none, which only a loopback address allows
 * @param allowedHosts host names the server also answers to in the {@code Host} header besides its bound address
 *                     (the name a reverse proxy or DNS gives it); a request for any other host is refused
 */
public record HttpSettings(String bind, int port, String token, List<String> allowedHosts) {

    /** Tokens shorter than this are refused: a token is the only thing between the network and every write. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public static final HttpSettings DEFAULT = new HttpSettings("127.0.0.1", 8080, null, List.of());

    public HttpSettings {
        if (bind == null || bind.isBlank()) {
            throw new InvalidValueException("bind", "an empty address");
        }
        bind = bind.strip();
        if (port < -1 || port > 65535) {
            throw new InvalidValueException("port", port + " is not a port (0 to 65535, or -1 for no HTTP)");
        }
        token = checkedToken(token);
        allowedHosts = checkedHosts(allowedHosts);
        if (port >= 0 && token == null && !loopback(bind)) {
            throw new InvalidValueException("token", "the HTTP server would bind to " + bind + ", which is not a loopback "
                    + "address, and writes there need a bearer token: set http.token (at least " + MIN_TOKEN_LENGTH
                    + " characters), or bind to 127.0.0.1 (http.bind, --http-bind)");
        }
    }

    /** The token, when it is long enough; null for none (also for a blank one). */
    public static String checkedToken(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidValueException("token", "a token of " + token.length() + " characters is too short (at least "
                    + MIN_TOKEN_LENGTH + ")");
        }
        return token;
    }

    /** The host names, lower-case, none empty. */
    public static List<String> checkedHosts(List<String> hosts) {
        List<String> out = hosts == null ? List.of() : hosts.stream().map(h -> h == null ? "" : h.strip().toLowerCase(Locale.ROOT)).toList();
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isEmpty()) {
                throw new InvalidValueException("allowedHosts[" + i + "]", "an empty host name");
            }
        }
        return out;
    }

    /** Whether the address is a loopback one: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
    public static boolean loopback(String address) {
        if (address.equalsIgnoreCase("localhost")) {
            return true;
        }
        return literal(address).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /** Whether the address is the wildcard that binds every interface ({@code 0.0.0.0}, {@code ::}). */
    public static boolean wildcard(String address) {
        return literal(address).map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    private static Optional<InetAddress> literal(String address) {
        String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        return Addresses.literal(bare);
    }

    /** Whether writes need a credential (the bearer token, or a console session logged in with it). */
    public boolean writesNeedToken() {
        return token != null;
    }

    public HttpSettings withBind(String value) {
        return new HttpSettings(value, port, token, allowedHosts);
    }

    public HttpSettings withPort(int value) {
        return new HttpSettings(bind, value, token, allowedHosts);
    }

    public HttpSettings withToken(String value) {
        return new HttpSettings(bind, port, value, allowedHosts);
    }

    public HttpSettings withAllowedHosts(List<String> value) {
        return new HttpSettings(bind, port, token, value);
    }

    /** The token is not shown. */
    @Override
    public String toString() {
        return "HttpSettings[bind=" + bind + ", port=" + port + ", token=" + (token == null ? "none" : "set")
                + ", allowedHosts=" + allowedHosts + "]";
    }
}
