package dev.certsonar.cli.config;

/**
 * Where a component serves its HTTP API, metrics and health checks.
 *
 * @param port TCP port; 0 picks a free one
 * @param bind address to bind to
 */
public record HttpConfig(int port, String bind) {

    public static final HttpConfig DEFAULT = new HttpConfig(8080, "127.0.0.1");

    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("http.port must be between 0 and 65535, was " + port);
        }
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("http.bind must not be blank");
        }
    }

    public HttpConfig withPort(int value) {
        return new HttpConfig(value, bind);
    }

    public HttpConfig withBind(String value) {
        return new HttpConfig(port, value);
    }
}
