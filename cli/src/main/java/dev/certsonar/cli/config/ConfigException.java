package dev.certsonar.cli.config;

/**
 * A configuration that cannot be used: a bad file, environment variable or flag. The message names the source,
 * the line (for a file), the key and what is wrong, e.g. {@code certsonar.yaml:7: scanner.timeout: "10x" is not a duration}.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
