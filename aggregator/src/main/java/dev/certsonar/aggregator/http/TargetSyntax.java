package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.InvalidTargetException;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.TargetJson;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How the API and the console read targets that people write: the command line's forms ({@code host:port},
 * {@code smtp://mail.example.com:25}, {@code 10.0.0.0/24:443} with {@code key=value} settings, and the lines of a
 * targets file), which {@code certsonar} hands in as it reads them itself ({@code targets add}, {@code targets import}),
 * and the targets topic's JSON, which the aggregator reads on its own. Every target read is then checked against the
 * policy it will be judged by ({@link ExpiryPolicy#checkOverrides}), as {@code targets add} checks it.
 *
 * @param target one target and its settings ({@code service}, {@code owner}, {@code sni}, {@code protocol}, {@code id},
 *               thresholds); throws {@link IllegalArgumentException} with a message naming what is wrong
 * @param line   one line of a targets file; empty for a blank or comment line
 */
public record TargetSyntax(BiFunction<String, Map<String, String>, Target> target, Function<String, Optional<Target>> line) {

    /** Reads the targets topic's JSON only: an aggregator started without the command line's reading of targets. */
    public static final TargetSyntax JSON_ONLY = new TargetSyntax(
            (target, settings) -> {
                throw new IllegalArgumentException("this aggregator reads targets as the targets topic's JSON only "
                        + "({\"host\": \"shop.example.com\", \"port\": 443}); started by certsonar it also reads '" + target + "'");
            },
            line -> {
                throw new IllegalArgumentException("this aggregator reads targets files of JSON objects only, one a line");
            });

    /**
     * One target as a person writes it, with its settings and labels, checked against the policy.
     *
     * @throws InvalidValueException naming {@code target} (or the threshold) and what is wrong
     */
    public Target read(String spec, Map<String, String> settings, Map<String, String> labels, ExpiryPolicy policy) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidValueException("target", "missing: a host, host:port or URL such as smtp://mail.example.com:25");
        }
        Target t;
        try {
            t = target.apply(spec.strip(), settings);
        } catch (InvalidValueException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("target", e.getMessage());
        }
        if (!labels.isEmpty()) {
            t = Target.newBuilder(t).setLabels(new LinkedHashMap<>(labels)).build();
        }
        return checked(t, policy, null);
    }

    /**
     * Every target of a targets file: a line is a JSON object (the targets topic's JSON) or the command line's form with
     * {@code key=value} words; {@code #} starts a comment.
     *
     * @throws InvalidValueException naming {@code field} and the line: {@code line 3: port '99999' is not a number ...}
     */
    public List<Target> readFile(String text, ExpiryPolicy policy, String field) {
        List<Target> out = new ArrayList<>();
        String[] lines = text == null ? new String[0] : text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            String at = "line " + (i + 1) + ": ";
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                if (l.startsWith("{")) {
                    out.add(checked(TargetJson.fromJson(null, l), policy, null));
                } else {
                    Optional<Target> t = line.apply(l);
                    if (t.isPresent()) {
                        out.add(checked(t.get(), policy, null));
                    }
                }
            } catch (InvalidTargetException e) {
                throw new InvalidValueException(field, at + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(field, at + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new InvalidValueException(field, "no target in it (one a line; # starts a comment)");
        }
        return out;
    }

    /** A target of the targets topic's JSON, checked against the policy. */
    public static Target json(String json, ExpiryPolicy policy, String field) {
        try {
            return checked(TargetJson.fromJson(null, json), policy, field);
        } catch (InvalidTargetException e) {
            String f = e.field() == null ? field : field == null ? e.field() : field + "." + e.field();
            throw new InvalidValueException(f == null ? "body" : f, e.getMessage());
        }
    }

    private static Target checked(Target t, ExpiryPolicy policy, String under) {
        try {
            policy.checkOverrides(t);
        } catch (InvalidValueException e) {
            throw new InvalidValueException(under == null ? e.field() : under + "." + e.field(),
                    "target " + t.getId() + ": " + e.problem());
        }
        return t;
    }

    /** The {@code key=value} settings of a target, leaving out those not given. */
    public static Map<String, String> settings(Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                out.put(k, v.strip());
            }
        });
        return out;
    }
}
