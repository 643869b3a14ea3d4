package dev.certsonar.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.notifier.operator.Matchers;
import dev.certsonar.notifier.operator.OperatorRecords;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Silence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    private static ClusterTopic<Silence> topic(CertsonarConfig config) {
        return new ClusterTopic<>(config, config.topics().silences());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {
            "Add a silence from now; prints its id.",
            "KEY: service, owner, condition, severity, certificate (SHA-256), target (a target id), label.NAME;",
            "KEY=VALUE for equality, KEY=~REGEX for a regular expression that matches the whole value. All must hold."})
    static final class Add extends KafkaCommand {

        @Option(names = "--match", paramLabel = "KEY=VALUE", required = true, arity = "1..*",
                description = "What it mutes (repeatable; all must hold).")
        List<String> matches;

        @Option(names = "--for", paramLabel = "DURATION", description = "How long it lasts: 90s, 10m, 6h, 7d (default 1h).")
        String duration;

        @Option(names = "--until", paramLabel = "TIME", description = "When it ends: " + OperatorInput.TIME_FORMS + ".")
        String until;

        @Option(names = "--comment", paramLabel = "TEXT", required = true, description = "Why.")
        String comment;

        @Option(names = "--by", paramLabel = "NAME", description = "Who (default: the user running the command).")
        String by;

        @Override
        public Integer call() throws Exception {
            Instant now = clock.instant();
            Silence silence = Silence.newBuilder()
                    .setId(OperatorInput.newId())
                    .setMatchers(OperatorInput.matchers(matches))
                    .setStartsAt(now)
                    .setEndsAt(OperatorInput.end(now, duration, until, DEFAULT_LENGTH))
                    .setCreatedBy(OperatorInput.by(by))
                    .setComment(OperatorInput.text("--comment", comment))
                    .setCreatedAt(now)
                    .build();
            OperatorRecords.check(silence);
            CertsonarConfig loaded = config.loadWithKafka();
            topic(loaded).put(Map.of(silence.getId(), silence));
            out().println(silence.getId());
            out().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the silences that mute now (active) or will (pending), by end.")
    static final class ListSilences extends KafkaCommand {

        @Option(names = "--json", description = "One JSON object a line: the silence and its state.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            Instant now = clock.instant();
            List<Silence> silences = topic(loaded).readAll(err()).values().stream()
                    .filter(s -> s.getEndsAt().isAfter(now))
                    .sorted((a, b) -> a.getEndsAt().compareTo(b.getEndsAt())).toList();
            if (json) {
                for (Silence s : silences) {
                    ObjectNode line = OperatorInput.JSON.createObjectNode();
                    line.put("id", s.getId()).put("state", state(s, now));
                    line.set("matchers", OperatorInput.json(s.getMatchers()));
                    line.put("startsAt", s.getStartsAt().toString()).put("endsAt", s.getEndsAt().toString())
                            .put("createdBy", s.getCreatedBy()).put("comment", s.getComment())
                            .put("createdAt", s.getCreatedAt().toString());
                    out().println(OperatorInput.JSON.writeValueAsString(line));
                }
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "BY", "COMMENT"));
                for (Silence s : silences) {
                    rows.add(List.of(s.getId(), state(s, now), Matchers.format(s.getMatchers()), s.getStartsAt().toString(),
                            s.getEndsAt().toString(), s.getCreatedBy(), s.getComment()));
                }
                Table.print(out(), rows);
                if (silences.isEmpty()) {
                    err().println("no active or pending silences on " + topic(loaded).name());
                }
            }
            out().flush();
            return 0;
        }

        private static String state(Silence s, Instant now) {
            return OperatorRecords.active(s, now) ? "active" : "pending";
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = "End silences now: each is written again with its end set to now.")
    static final class Expire extends KafkaCommand {

        @Parameters(paramLabel = "ID", arity = "1..*", description = "A silence's id as `silence list` shows it.")
        List<String> ids;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            ClusterTopic<Silence> topic = topic(loaded);
            Map<String, Silence> current = topic.readAll(err());
            if (!OperatorInput.allKnown(current, ids, "silence expire", "silence", topic.name(), err())) {
                return 1;
            }
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
            out().flush();
            return 0;
        }
    }
}
