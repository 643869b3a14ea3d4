package dev.certsonar.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Matcher;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A command on one of the operator's compacted topics ({@code silences}, {@code exceptions}), keyed by record id. */
abstract class OperatorCommand<V> extends KafkaCommand {

    private final Function<Topics, Topic<String, V>> which;

    OperatorCommand(Function<Topics, Topic<String, V>> which) {
        this.which = which;
    }

    /** The topic on the configured cluster. */
    ClusterTopic<V> topic() {
        CertsonarConfig loaded = config.loadWithKafka();
        return new ClusterTopic<>(loaded, which.apply(loaded.topics()));
    }

    /** Writes a new record under its id and prints the id, the one line a script reads. */
    int added(String id, V value) throws Exception {
        topic().put(Map.of(id, value));
        out().println(id);
        out().flush();
        return 0;
    }

    /**
     * The records of the topic when every id names one of them; otherwise null, having said on the error output which
     * ids name no {@code what}, and which command lists them.
     */
    Map<String, V> known(ClusterTopic<V> topic, List<String> ids, String what) throws Exception {
        Map<String, V> current = topic.readAll(err());
        List<String> missing = ids.stream().filter(id -> !current.containsKey(id)).toList();
        if (missing.isEmpty()) {
            return current;
        }
        err().println(spec.qualifiedName() + ": no " + what + " with id " + String.join(", ", missing) + " on "
                + topic.name() + " (`" + spec.parent().qualifiedName() + " list` shows them)");
        err().flush();
        return null;
    }

    /**
     * {@code list}: the records that are still in force, as a table (by {@link #order}) or as JSON lines, and a line on
     * the error output when there is none.
     */
    abstract static class Listing<V> extends OperatorCommand<V> {

        @Option(names = "--json", description = "One JSON object a line.")
        boolean json;

        Listing(Function<Topics, Topic<String, V>> which) {
            super(which);
        }

        /** Whether the record is still in force at {@code now}. */
        abstract boolean inForce(V value, Instant now);

        abstract Comparator<V> order();

        abstract List<String> heading();

        abstract List<String> row(V value, Instant now);

        abstract ObjectNode json(V value, Instant now);

        /** What the topic holds when nothing is in force: {@code no active or pending silences}. */
        abstract String nothing();

        @Override
        public Integer call() throws Exception {
            ClusterTopic<V> topic = topic();
            Instant now = clock.instant();
            List<V> shown = topic.readAll(err()).values().stream().filter(v -> inForce(v, now)).sorted(order()).toList();
            if (json) {
                for (V value : shown) {
                    out().println(OperatorInput.JSON.writeValueAsString(json(value, now)));
                }
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(heading());
                shown.forEach(value -> rows.add(row(value, now)));
                Table.print(out(), rows);
                if (shown.isEmpty()) {
                    err().println(nothing() + " on " + topic.name());
                }
            }
            out().flush();
            return 0;
        }
    }

    /** {@code add}: a new record from now, under a new id, with {@code --match} and {@code --by}; prints the id. */
    abstract static class Adding<V> extends OperatorCommand<V> {

        @Mixin
        Matching matching;

        @Mixin
        Actor actor;

        Adding(Function<Topics, Topic<String, V>> which) {
            super(which);
        }

        /** The record; an option that breaks a rule is an {@link dev.certsonar.schemas.InvalidValueException} naming it. */
        abstract V record(String id, List<Matcher> matchers, String by, Instant now);

        @Override
        public Integer call() throws Exception {
            String id = OperatorInput.newId();
            return added(id, record(id, matching.matchers(), actor.name(), clock.instant()));
        }
    }

    /** A command on records named by their ids, every one of which must be on the topic. */
    abstract static class ById<V> extends OperatorCommand<V> {

        @Parameters(paramLabel = "ID", arity = "1..*", description = "An id as the list command shows it.")
        List<String> ids;

        private final String what;

        /** @param what what a record is called: {@code silence} */
        ById(Function<Topics, Topic<String, V>> which, String what) {
            super(which);
            this.what = what;
        }

        /** Acts on the records {@link #ids} names, all of which {@code current} holds: removes them (tombstones). */
        void apply(ClusterTopic<V> topic, Map<String, V> current) throws Exception {
            topic.remove(ids);
            ids.forEach(id -> out().println("removed " + what + " " + id));
        }

        @Override
        public Integer call() throws Exception {
            ClusterTopic<V> topic = topic();
            Map<String, V> current = known(topic, ids, what);
            if (current == null) {
                return 1;
            }
            apply(topic, current);
            out().flush();
            return 0;
        }
    }

    /** {@code --match KEY=VALUE...}: what a silence or an exception applies to. */
    static final class Matching {
        @Option(names = "--match", paramLabel = "KEY=VALUE", required = true, arity = "1..*", description = {
                "What it applies to (repeatable; all must hold): KEY=VALUE for equality, KEY=~REGEX for a regular",
                "expression that matches the whole value. KEY: service, owner, condition, severity, certificate",
                "(SHA-256), target (a target id), label.NAME. A fact that is absent (no owner, no such label)",
                "holds for no matcher."})
        List<String> written;

        List<Matcher> matchers() {
            return OperatorInput.matchers(written);
        }
    }

    /** {@code --by NAME}: who acts. */
    static final class Actor {
        @Option(names = "--by", paramLabel = "NAME", description = "Who (default: the user running the command).")
        String given;

        String name() {
            return OperatorInput.by(given);
        }
    }
}
