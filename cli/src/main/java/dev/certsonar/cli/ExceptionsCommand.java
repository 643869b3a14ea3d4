package dev.certsonar.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.notifier.operator.Matchers;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.ConditionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code certsonar exceptions add|list|remove}: the accepted exceptions on the compacted exceptions topic. */
@Command(name = "exceptions", mixinStandardHelpOptions = true,
        description = {"Accept conditions of matching services or certificates as policy (key: the exception's id; a "
                + "tombstone removes it).",
                "The aggregator shows an accepted condition with the service, leaves it out of the status, and fires no alert."},
        subcommands = {ExceptionsCommand.Add.class, ExceptionsCommand.ListExceptions.class, ExceptionsCommand.Remove.class})
public final class ExceptionsCommand extends GroupCommand {

    private static ClusterTopic<AcceptedException> topic(CertsonarConfig config) {
        return new ClusterTopic<>(config, config.topics().exceptions());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {
            "Accept conditions from now (until --until, or for good); prints the exception's id.",
            "KEY: service, owner, condition, severity, certificate (SHA-256), target (a target id), label.NAME;",
            "KEY=VALUE for equality, KEY=~REGEX for a regular expression that matches the whole value. All must hold."})
    static final class Add extends KafkaCommand {

        @Option(names = "--match", paramLabel = "KEY=VALUE", required = true, arity = "1..*",
                description = "Which services or certificates (repeatable; all must hold).")
        List<String> matches;

        @Option(names = "--accept", paramLabel = "CONDITION", required = true, arity = "1..*",
                description = "A condition accepted, such as UNTRUSTED (repeatable).")
        List<String> accepted;

        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why, shown with the service.")
        String reason;

        @Option(names = "--until", paramLabel = "TIME", description = "When it ends: " + OperatorInput.TIME_FORMS
                + " (default: never).")
        String until;

        @Option(names = "--by", paramLabel = "NAME", description = "Who accepts (default: the user running the command).")
        String by;

        @Override
        public Integer call() throws Exception {
            Instant now = clock.instant();
            AcceptedException exception = AcceptedException.newBuilder()
                    .setId(OperatorInput.newId())
                    .setMatchers(OperatorInput.matchers(matches))
                    .setConditions(OperatorInput.conditions(accepted))
                    .setReason(OperatorInput.text("--reason", reason))
                    .setCreatedBy(OperatorInput.by(by))
                    .setCreatedAt(now)
                    .setUntil(until == null ? null : OperatorInput.end(now, null, until, null))
                    .build();
            CertsonarConfig loaded = config.loadWithKafka();
            topic(loaded).put(Map.of(exception.getId(), exception));
            out().println(exception.getId());
            out().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the exceptions that have not ended, by id.")
    static final class ListExceptions extends KafkaCommand {

        @Option(names = "--json", description = "One JSON object a line: the exception.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            Instant now = clock.instant();
            List<AcceptedException> exceptions = topic(loaded).readAll(err()).values().stream()
                    .filter(e -> e.getUntil() == null || e.getUntil().isAfter(now)).toList();
            if (json) {
                for (AcceptedException e : exceptions) {
                    ObjectNode line = OperatorInput.JSON.createObjectNode();
                    line.put("id", e.getId());
                    line.set("matchers", OperatorInput.json(e.getMatchers()));
                    ArrayNode conditions = line.putArray("conditions");
                    e.getConditions().forEach(c -> conditions.add(c.name()));
                    line.put("reason", e.getReason()).put("createdBy", e.getCreatedBy())
                            .put("createdAt", e.getCreatedAt().toString())
                            .put("until", e.getUntil() == null ? null : e.getUntil().toString());
                    out().println(OperatorInput.JSON.writeValueAsString(line));
                }
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("ID", "ACCEPTS", "MATCHERS", "UNTIL", "BY", "REASON"));
                for (AcceptedException e : exceptions) {
                    rows.add(List.of(e.getId(), e.getConditions().stream().map(ConditionType::name).collect(Collectors.joining(",")),
                            Matchers.format(e.getMatchers()), e.getUntil() == null ? "-" : e.getUntil().toString(),
                            e.getCreatedBy(), e.getReason()));
                }
                Table.print(out(), rows);
                if (exceptions.isEmpty()) {
                    err().println("no accepted exceptions on " + topic(loaded).name());
                }
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove exceptions by id (a tombstone): their conditions count again.")
    static final class Remove extends KafkaCommand {

        @Parameters(paramLabel = "ID", arity = "1..*", description = "An exception's id as `exceptions list` shows it.")
        List<String> ids;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            ClusterTopic<AcceptedException> topic = topic(loaded);
            if (!OperatorInput.allKnown(topic.readAll(err()), ids, "exceptions remove", "exception", topic.name(), err())) {
                return 1;
            }
            topic.remove(ids);
            ids.forEach(id -> out().println("removed exception " + id));
            out().flush();
            return 0;
        }
    }
}
