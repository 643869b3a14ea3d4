package dev.certsonar.cli.config;

import dev.certsonar.aggregator.http.HttpSettings;
import dev.certsonar.schemas.InvalidValueException;

import java.util.List;

/**
 * Where a component serves its HTTP API, metrics and health checks, and who may write through the aggregator's.
 *
 * @param port         TCP port, 0 to 65535; 0 picks a free one
 * @param bind         address to bind to, not empty
 * @param token        the bearer token the aggregator's writes need (at least 16 characters); null for none, which the
 *                     aggregator allows only on a loopback address
 * @param allowedHosts names the aggregator also answers to in the Host header (a reverse proxy's, a DNS name)
 */
public record HttpConfig(int port, String bind, String token, List<String> allowedHosts) {

    public static final HttpConfig DEFAULT = new HttpConfig(8080, "127.0.0.1");

    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new InvalidValueException("port", port + " is not a port (0 to 65535)");
        }
        if (bind == null || bind.isBlank()) {
            throw new InvalidValueException("bind", "an empty address");
        }
        bind = bind.strip();
        token = HttpSettings.checkedToken(token);
        allowedHosts = HttpSettings.checkedHosts(allowedHosts);
    }

    /** Port and address, without a token or other hosts. */
    public HttpConfig(int port, String bind) {
        this(port, bind, null, List.of());
    }

    public HttpConfig withPort(int value) {
        return new HttpConfig(value, bind, token, allowedHosts);
    }

    public HttpConfig withBind(String value) {
        return new HttpConfig(port, value, token, allowedHosts);
    }

    /**
     * The aggregator's HTTP settings; a server bound off loopback without a token is refused, naming
     * {@code http.token}.
     */
    public HttpSettings aggregatorSettings() {
        try {
            return new HttpSettings(bind, port, token, allowedHosts);
        } catch (InvalidValueException e) {
            throw e.under("http");
        }
    }

    /** The token is not shown. */
    @Override
    public String toString() {
        return "HttpConfig[port=" + port + ", bind=" + bind + ", token=" + (token == null ? "none" : "set")
                + ", allowedHosts=" + allowedHosts + "]";
    }
}
