package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.policy.ConditionFacts;
import dev.certsonar.schemas.policy.Matchers;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The accepted exceptions a stream task knows, with their matchers compiled, and which of them accepts a condition.
 * An exception is in force from when it is read until its {@code until} (exclusive); of several that accept one
 * condition, the one with the smallest id is named. One instance per processor, not thread-safe.
 */
public final class AcceptedExceptions {

    /** No exception at all. */
    public static final AcceptedExceptions NONE = new AcceptedExceptions();

    /** An exception with its matchers compiled. */
    public record Held(AcceptedException exception, Matchers.Compiled matchers) {

        /** Whether it is in force at {@code at}: before its {@code until}, or without one. */
        public boolean inForce(Instant at) {
            Instant until = exception.getUntil();
            return until == null || at.isBefore(until);
        }

        /** Whether it accepts the condition at {@code at}: in force, the condition's type named, matchers hold. */
        public boolean accepts(ConditionFacts condition, Instant at) {
            return inForce(at) && exception.getConditions().contains(condition.condition()) && matchers.matches(condition);
        }
    }

    private final TreeMap<String, Held> byId = new TreeMap<>();

    /** Holds the exception in place of the one of its id; its matchers must be valid (checked where it was read). */
    public Held put(AcceptedException exception) {
        Held held = new Held(exception, Matchers.compile(exception.getMatchers()));
        byId.put(exception.getId(), held);
        return held;
    }

    public Optional<Held> remove(String id) {
        return Optional.ofNullable(byId.remove(id));
    }

    public Optional<Held> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<Held> all() {
        return byId.values();
    }

    public void clear() {
        byId.clear();
    }

    /** The exception, in force at {@code at}, that accepts the condition; empty when none does. */
    public Optional<AcceptedException> accepting(ConditionFacts condition, Instant at) {
        for (Held held : byId.values()) {
            if (held.accepts(condition, at)) {
                return Optional.of(held.exception());
            }
        }
        return Optional.empty();
    }

    /** Why a condition does not count, for a person: {@code accepted: self-signed by design (by carol, until 2027-03-01)}. */
    public static String describe(String reason, String createdBy, Instant until) {
        StringBuilder b = new StringBuilder("accepted: ").append(reason).append(" (by ").append(createdBy);
        if (until != null) {
            b.append(", until ").append(until.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)
                    ? until.atOffset(ZoneOffset.UTC).toLocalDate().toString() : until.toString());
        }
        return b.append(')').toString();
    }
}
