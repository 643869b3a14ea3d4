package dev.certsonar.cli.inspect;

import java.util.Map;
import java.util.Optional;

/**
 * The password of keystores, from the environment variable named by {@code --password-env} (never from the command
 * line, where other users of the machine could read it).
 *
 * @param variable    the variable's name; null when none was named
 * @param environment the environment to read it from
 */
public record KeystorePassword(String variable, Map<String, String> environment) {

    /** No variable named: keystores are read without a password where their format allows it. */
    public static final KeystorePassword NONE = new KeystorePassword(null, Map.of());

    /** The password; empty when no variable was named; a problem when the variable is not set. */
    Optional<char[]> password() throws InputProblem {
        if (variable == null) {
            return Optional.empty();
        }
        String value = environment.get(variable);
        if (value == null) {
            throw InputProblem.broken("the keystore's password: the environment variable " + variable
                    + " named by --password-env is not set");
        }
        return Optional.of(value.toCharArray());
    }

    /** Where the password came from, for messages. */
    String source() {
        return variable == null ? "no password (give the variable that holds it with --password-env VAR)"
                : "the password in " + variable;
    }
}
