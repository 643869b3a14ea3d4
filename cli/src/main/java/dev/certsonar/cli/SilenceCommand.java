package dev.certsonar.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.notifier.operator.OperatorRecords;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.policy.Matchers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code certsonar silence add|list|expire}: the silences on the compacted silences topic. */
@Command(name = "silence", mixinStandardHelpOptions = true,
        description = {"Mute the delivery of matching alerts for a while (key: the silence's id; a tombstone deletes it).",
                "A silenced alert still fires and resolves on the alerts topic, marked silenced; the channels do not get it.",
                "When the silence ends while the alert still fires, the channels get it then, once."},
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class})
public final class SilenceCommand extends GroupCommand {

    /** How long a silence lasts without --for or --until. */
    static final Duration DEFAULT_LENGTH = Duration.ofHours(1);

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a silence from now; prints its id.")
    static final class Add extends OperatorCommand.Adding<Silence> {

        @Option(names = "--for", paramLabel = "DURATION", description = "How long it lasts: 90s, 10m, 6h, 7d (default 1h).")
        String duration;

        @Option(names = "--until", paramLabel = "TIME", description = "When it ends: " + OperatorInput.TIME_FORMS + ".")
        String until;

        @Option(names = "--comment", paramLabel = "TEXT", required = true, description = "Why.")
        String comment;

        Add() {
            super(Topics::silences);
        }

        @Override
        Silence record(String id, List<Matcher> matchers, String by, Instant now) {
            Silence silence = new Silence(id, matchers, now, OperatorInput.end(now, duration, until, DEFAULT_LENGTH), by,
                    OperatorInput.text("--comment", comment), now);
            OperatorRecords.check(silence);
            return silence;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the silences that mute now (active) or will (pending), by end.")
    static final class ListSilences extends OperatorCommand.Listing<Silence> {

        ListSilences() {
            super(Topics::silences);
        }

        @Override
        boolean inForce(Silence s, Instant now) {
            return s.getEndsAt().isAfter(now);
        }

        @Override
        Comparator<Silence> order() {
            return Comparator.comparing(Silence::getEndsAt);
        }

        @Override
        List<String> heading() {
            return List.of("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "BY", "COMMENT");
        }

        @Override
        List<String> row(Silence s, Instant now) {
            return List.of(s.getId(), state(s, now), Matchers.format(s.getMatchers()), s.getStartsAt().toString(),
                    s.getEndsAt().toString(), s.getCreatedBy(), s.getComment());
        }

        @Override
        ObjectNode json(Silence s, Instant now) {
            ObjectNode line = OperatorInput.JSON.createObjectNode().put("id", s.getId()).put("state", state(s, now));
            line.set("matchers", OperatorInput.json(s.getMatchers()));
            return line.put("startsAt", s.getStartsAt().toString()).put("endsAt", s.getEndsAt().toString())
                    .put("createdBy", s.getCreatedBy()).put("comment", s.getComment())
                    .put("createdAt", s.getCreatedAt().toString());
        }

        @Override
        String nothing() {
            return "no active or pending silences";
        }

        private static String state(Silence s, Instant now) {
            return OperatorRecords.active(s, now) ? "active" : "pending";
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = {
            "End silences now: each is written again with its end set to now (the notifier gives the channels,",
            "once, each alert a silence kept from them that still fires)."})
    static final class Expire extends OperatorCommand.ById<Silence> {

        Expire() {
            super(Topics::silences, "silence");
        }

        @Override
        void apply(ClusterTopic<Silence> topic, Map<String, Silence> current) throws Exception {
            Instant now = clock.instant();
            Map<String, Silence> expired = new LinkedHashMap<>();
            for (String id : ids) {
                Silence s = current.get(id);
                if (!s.getEndsAt().isAfter(now)) {
                    out().println("silence " + id + " had already ended at " + s.getEndsAt());
                    continue;
                }
                Silence ended = Silence.newBuilder(s).setEndsAt(now)
                        .setStartsAt(s.getStartsAt().isAfter(now) ? now : s.getStartsAt()).setCreatedAt(now).build();
                try {
                    OperatorRecords.check(ended);
                } catch (InvalidValueException e) {
                    throw new IllegalArgumentException("silence " + id + " on " + topic.name() + ": " + e.getMessage(), e);
                }
                expired.put(id, ended);
            }
            topic.put(expired);
            expired.keySet().forEach(id -> out().println("expired silence " + id));
        }
    }
}
