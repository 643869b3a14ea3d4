package dev.certsonar.cli.config;

import dev.certsonar.schemas.InvalidValueException;

/**
 * Where a component serves its HTTP API, metrics and health checks.
 *
 * @param port TCP port, 0 to 65535; 0 picks a free one
 * @param bind address to bind to, not empty
 */
public record HttpConfig(int port, String bind) {

    public static final HttpConfig DEFAULT = new HttpConfig(8080, "127.0.0.1");

    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new InvalidValueException("port", port + " is not a port (0 to 65535)");
        }
        if (bind == null || bind.isBlank()) {
            throw new InvalidValueException("bind", "an empty address");
        }
        bind = bind.strip();
    }

    public HttpConfig withPort(int value) {
        return new HttpConfig(value, bind);
    }

    public HttpConfig withBind(String value) {
        return new HttpConfig(port, value);
    }
}
