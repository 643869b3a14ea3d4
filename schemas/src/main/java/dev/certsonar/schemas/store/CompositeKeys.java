package dev.certsonar.schemas.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Composite keys of state stores: parts joined by {@code |}, each part escaped ({@code \} as {@code \\}, {@code |} as
 * {@code \|}). A prefix scan on {@link #prefix} of some parts therefore finds exactly the keys that begin with those
 * parts: the prefix of service {@code a} never finds the keys of a service named {@code a|b} or {@code a\}. A part
 * without either character is written as it is.
 */
public final class CompositeKeys {

    public static final char SEPARATOR = '|';
    private static final char ESCAPE = '\\';

    private CompositeKeys() {
    }

    /** The part with {@code \} and {@code |} escaped by a backslash. */
    public static String escape(String part) {
        if (part.indexOf(SEPARATOR) < 0 && part.indexOf(ESCAPE) < 0) {
            return part;
        }
        StringBuilder out = new StringBuilder(part.length() + 4);
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == SEPARATOR || c == ESCAPE) {
                out.append(ESCAPE);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The inverse of {@link #escape}. */
    public static String unescape(String escaped) {
        if (escaped.indexOf(ESCAPE) < 0) {
            return escaped;
        }
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == ESCAPE && i + 1 < escaped.length()) {
                c = escaped.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The key of these parts: each escaped, joined by the separator. */
    public static String of(String... parts) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(SEPARATOR);
            }
            out.append(escape(parts[i]));
        }
        return out.toString();
    }

    /** What every key that begins with these parts begins with: {@link #of} the parts and a separator. */
    public static String prefix(String... parts) {
        return of(parts) + SEPARATOR;
    }

    /** The parts of a key, split at its unescaped separators and unescaped; the inverse of {@link #of}. */
    public static List<String> split(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == ESCAPE && i + 1 < key.length()) {
                part.append(key.charAt(++i));
            } else if (c == SEPARATOR) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }
}
