package dev.certsonar.cli.config;

import dev.certsonar.schemas.InvalidValueException;

import java.util.function.Supplier;

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

    /**
     * The value a command-line flag sets: a rule of a record it breaks ({@link InvalidValueException}) is a
     * {@code ConfigException} that names the flag, e.g. {@code --http-port: 70000 is not a port (0 to 65535)}.
     */
    public static <T> T atFlag(String flag, Supplier<T> value) {
        try {
            return value.get();
        } catch (InvalidValueException e) {
            throw new ConfigException(flag + ": " + e.problem(), e);
        }
    }
}
