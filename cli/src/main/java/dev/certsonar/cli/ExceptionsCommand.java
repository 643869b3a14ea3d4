package dev.certsonar.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.policy.Matchers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** {@code certsonar exceptions add|list|remove}: the accepted exceptions on the compacted exceptions topic. */
@Command(name = "exceptions", mixinStandardHelpOptions = true,
        description = {"Accept conditions of matching services or certificates as policy (key: the exception's id; a "
                + "tombstone removes it).",
                "The aggregator shows an accepted condition with the service, leaves it out of the status, and fires no alert."},
        subcommands = {ExceptionsCommand.Add.class, ExceptionsCommand.ListExceptions.class, ExceptionsCommand.Remove.class})
public final class ExceptionsCommand extends GroupCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Accept conditions from now (until --until, or for good); prints the exception's id.")
    static final class Add extends OperatorCommand.Adding<AcceptedException> {

        Add() {
            super(Topics::exceptions);
        }

        @Option(names = "--accept", paramLabel = "CONDITION", required = true, arity = "1..*",
                description = "A condition accepted, such as UNTRUSTED (repeatable).")
        List<String> accepted;

        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why, shown with the service.")
        String reason;

        @Option(names = "--until", paramLabel = "TIME", description = "When it ends: " + OperatorInput.TIME_FORMS
                + " (default: never).")
        String until;

        @Override
        AcceptedException record(String id, List<Matcher> matchers, String by, Instant now) {
            Instant end = until == null ? null : OperatorInput.end(now, null, until, null);
            return new AcceptedException(id, matchers, OperatorInput.conditions(accepted),
                    OperatorInput.text("--reason", reason), by, now, end);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the exceptions that have not ended, by id.")
    static final class ListExceptions extends OperatorCommand.Listing<AcceptedException> {

        ListExceptions() {
            super(Topics::exceptions);
        }

        @Override
        boolean inForce(AcceptedException e, Instant now) {
            return e.getUntil() == null || e.getUntil().isAfter(now);
        }

        @Override
        Comparator<AcceptedException> order() {
            return Comparator.comparing(AcceptedException::getId);
        }

        @Override
        List<String> heading() {
            return List.of("ID", "ACCEPTS", "MATCHERS", "UNTIL", "BY", "REASON");
        }

        @Override
        List<String> row(AcceptedException e, Instant now) {
            return List.of(e.getId(), e.getConditions().stream().map(ConditionType::name).collect(Collectors.joining(",")),
                    Matchers.format(e.getMatchers()), e.getUntil() == null ? "-" : e.getUntil().toString(),
                    e.getCreatedBy(), e.getReason());
        }

        @Override
        ObjectNode json(AcceptedException e, Instant now) {
            ObjectNode line = OperatorInput.JSON.createObjectNode().put("id", e.getId());
            line.set("matchers", OperatorInput.json(e.getMatchers()));
            ArrayNode conditions = line.putArray("conditions");
            e.getConditions().forEach(c -> conditions.add(c.name()));
            return line.put("reason", e.getReason()).put("createdBy", e.getCreatedBy())
                    .put("createdAt", e.getCreatedAt().toString())
                    .put("until", e.getUntil() == null ? null : e.getUntil().toString());
        }

        @Override
        String nothing() {
            return "no accepted exceptions";
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove exceptions by id (a tombstone): their conditions count again.")
    static final class Remove extends OperatorCommand.ById<AcceptedException> {

        Remove() {
            super(Topics::exceptions, "exception");
        }
    }
}
