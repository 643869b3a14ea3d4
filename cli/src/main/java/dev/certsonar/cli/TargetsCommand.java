package dev.certsonar.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.config.ConfigOptions;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.TargetJson;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** {@code certsonar targets add|import|remove|list}: the targets on the compacted targets topic. */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Manage the targets on the targets topic (key: the target's id; a tombstone removes it).",
        subcommands = {TargetsCommand.Add.class, TargetsCommand.Import.class, TargetsCommand.Remove.class,
                TargetsCommand.ListTargets.class})
public final class TargetsCommand implements Callable<Integer> {

    /** How long a command waits for the cluster before it gives up. */
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.EXIT_USAGE;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {
            "Publish targets (one for each TARGET, all with the options given).",
            "A target's own thresholds must keep the policy's rules together with it: criticalDays not above warnDays,",
            "criticalFraction not above warnFraction."})
    static final class Add implements Callable<Integer> {

        /** The thresholds a target may set for itself, named as in a targets file and the targets topic's JSON. */
        private static final List<String> THRESHOLDS = List.of("warnDays", "warnFraction", "criticalDays", "criticalFraction");

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Parameters(paramLabel = "TARGET", arity = "1..*",
                description = "host, host:port, [2001:db8::1]:port, 10.0.0.0/24:443, or with a scheme: smtp://mail.example.com:25")
        List<String> targets;

        @Option(names = "--service", paramLabel = "NAME", description = "The service (default: the host).")
        String service;

        @Option(names = "--owner", paramLabel = "TEAM", description = "The team or person responsible.")
        String owner;

        @Option(names = "--sni", paramLabel = "NAME", description = "SNI name to send.")
        String sni;

        @Option(names = "--protocol", paramLabel = "PROTOCOL",
                description = "tls, https, smtp, smtps, imap, imaps, pop3, pop3s, ftp, ldap, ldaps, xmpp, postgres, mysql (default: the scheme, else tls).")
        String protocol;

        @Option(names = "--id", paramLabel = "ID", description = "The target's id (default: protocol://host:port#sni).")
        String id;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label such as env=prod (repeatable).")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--allow-large-ranges", description = "Allow CIDR ranges larger than a /16.")
        boolean allowLargeRanges;

        @Option(names = "--threshold", paramLabel = "NAME=VALUE", description = "A threshold of the target's own, named as in a "
                + "targets file: warnDays, warnFraction, criticalDays or criticalFraction (repeatable; default: the policy's).")
        Map<String, String> thresholds = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            if (id != null && targets.size() > 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--id names one target, but "
                        + targets.size() + " were given");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            putIfSet(settings, "service", service);
            putIfSet(settings, "owner", owner);
            putIfSet(settings, "sni", sni);
            putIfSet(settings, "protocol", protocol);
            putIfSet(settings, "id", id);
            for (Map.Entry<String, String> threshold : thresholds.entrySet()) {
                if (!THRESHOLDS.contains(threshold.getKey())) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threshold: unknown threshold '"
                            + threshold.getKey() + "' (known: " + String.join(", ", THRESHOLDS) + ")");
                }
                settings.put(threshold.getKey(), threshold.getValue());
            }
            List<Target> parsed = new ArrayList<>();
            for (String target : targets) {
                Target t = TargetSpecs.parse(target, settings, allowLargeRanges);
                if (!labels.isEmpty()) {
                    t = Target.newBuilder(t).setLabels(new LinkedHashMap<>(labels)).build();
                }
                parsed.add(t);
            }
            CertsonarConfig loaded = config.load();
            for (Target t : parsed) {
                try {
                    loaded.policy().checkOverrides(t);
                } catch (InvalidValueException e) {
                    throw new ConfigException("target " + t.getId() + ": " + e.getMessage(), e);
                }
            }
            ConfigOptions.requireKafka(loaded);
            TargetsTopic topic = new TargetsTopic(loaded);
            topic.publish(parsed);
            PrintWriter out = spec.commandLine().getOut();
            for (Target t : parsed) {
                out.println("added " + t.getId() + " (service " + t.getService() + ") to " + topic.name());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = {
            "Publish every target of a targets file: one target a line, optionally followed by key=value words",
            "(sni=, service=, owner=, protocol=, id=, and the target's own warnDays=, warnFraction=, criticalDays=,",
            "criticalFraction=, which must keep the policy's rules together with it); # starts a comment."})
    static final class Import implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Parameters(paramLabel = "FILE", description = "The targets file.")
        Path file;

        @Option(names = "--allow-large-ranges", description = "Allow CIDR ranges larger than a /16.")
        boolean allowLargeRanges;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file + ": no such file");
            }
            CertsonarConfig loaded = config.load();
            List<Target> parsed = TargetSpecs.parseFile(file, allowLargeRanges, loaded.policy());
            ConfigOptions.requireKafka(loaded);
            TargetsTopic topic = new TargetsTopic(loaded);
            topic.publish(parsed);
            spec.commandLine().getOut().println("imported " + parsed.size() + " target" + (parsed.size() == 1 ? "" : "s")
                    + " from " + file + " to " + topic.name());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove targets by id (a tombstone on the targets topic).")
    static final class Remove implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Parameters(paramLabel = "ID", arity = "1..*",
                description = "A target's id as `targets list` shows it, or the TARGET it was added as.")
        List<String> ids;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            TargetsTopic topic = new TargetsTopic(loaded);
            Map<String, Target> current = topic.readAll(spec.commandLine().getErr());
            List<String> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String given : ids) {
                resolve(given, current).ifPresentOrElse(found::add, () -> missing.add(given));
            }
            if (!missing.isEmpty()) {
                spec.commandLine().getErr().println("targets remove: no target with id " + String.join(", ", missing)
                        + " on " + topic.name() + " (`certsonar targets list` shows the ids)");
                return 1;
            }
            topic.remove(found);
            for (String id : found) {
                spec.commandLine().getOut().println("removed " + id + " from " + topic.name());
            }
            spec.commandLine().getOut().flush();
            return 0;
        }

        private static Optional<String> resolve(String given, Map<String, Target> current) {
            if (current.containsKey(given)) {
                return Optional.of(given);
            }
            try {
                String id = TargetSpecs.parse(given).getId();
                return current.containsKey(id) ? Optional.of(id) : Optional.empty();
            } catch (IllegalArgumentException notATarget) {
                return Optional.empty();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the targets on the targets topic, by id.")
    static final class ListTargets implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--json", description = "One JSON object a line (the targets topic's JSON, with its id).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            Map<String, Target> targets = new TargetsTopic(loaded).readAll(spec.commandLine().getErr());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                for (Map.Entry<String, Target> entry : targets.entrySet()) {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("id", entry.getKey());
                    line.setAll((ObjectNode) JSON.readTree(TargetJson.toJson(entry.getValue())));
                    out.println(JSON.writeValueAsString(line));
                }
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("ID", "SERVICE", "OWNER", "HOST", "PORTS", "PROTOCOL", "SNI", "LABELS"));
                for (Map.Entry<String, Target> entry : targets.entrySet()) {
                    Target t = entry.getValue();
                    rows.add(List.of(entry.getKey(), t.getService(), orDash(t.getOwner()), t.getHost(),
                            t.getPorts().isEmpty() ? "default" : t.getPorts().stream().map(String::valueOf).collect(Collectors.joining(",")),
                            t.getProtocol().name().toLowerCase(java.util.Locale.ROOT), orDash(t.getSni()),
                            t.getLabels().isEmpty() ? "-" : new TreeMap<>(t.getLabels()).entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))));
                }
                Table.print(out, rows);
                if (targets.isEmpty()) {
                    spec.commandLine().getErr().println("no targets on " + new TargetsTopic(loaded).name());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** The targets topic of one cluster: publish, remove, read to its end. */
    static final class TargetsTopic {

        private final CertsonarConfig config;
        private final Topic<String, Target> topic;

        TargetsTopic(CertsonarConfig config) {
            this.config = config;
            this.topic = config.topics().targets();
        }

        String name() {
            return topic.name();
        }

        void publish(List<Target> targets) throws Exception {
            List<ProducerRecord<String, Target>> records = targets.stream()
                    .map(t -> new ProducerRecord<>(topic.name(), t.getId(), t)).toList();
            send(records);
        }

        void remove(List<String> ids) throws Exception {
            send(ids.stream().map(id -> new ProducerRecord<String, Target>(topic.name(), id, null)).toList());
        }

        private void send(List<ProducerRecord<String, Target>> records) throws Exception {
            ensureTopic();
            Map<String, Object> props = clientProperties();
            props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
            props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
            props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
            try (KafkaProducer<String, Target> producer = new KafkaProducer<>(props,
                    topic.keySerde().serializer(), topic.valueSerde().serializer())) {
                List<Future<?>> sent = new ArrayList<>();
                for (ProducerRecord<String, Target> record : records) {
                    sent.add(producer.send(record));
                }
                for (Future<?> future : sent) {
                    await(future);
                }
            }
        }

        /** The compacted targets topic, created with the broker's default partitions and replication when missing. */
        private void ensureTopic() throws Exception {
            try (Admin admin = Admin.create(adminProperties())) {
                if (await(admin.listTopics().names()).contains(topic.name())) {
                    return;
                }
                NewTopic newTopic = new NewTopic(topic.name(), Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    await(admin.createTopics(List.of(newTopic)).all());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }

        /** The latest target of every id, read from the beginning to the end the topic had when reading began. */
        Map<String, Target> readAll(PrintWriter err) throws Exception {
            Map<String, Target> targets = new TreeMap<>();
            try (Admin admin = Admin.create(adminProperties())) {
                if (!await(admin.listTopics().names()).contains(topic.name())) {
                    return targets;
                }
            }
            Map<String, Object> props = clientProperties();
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            Deserializer<String> keys = topic.keySerde().deserializer();
            Deserializer<Target> values = topic.valueSerde().deserializer();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), KAFKA_TIMEOUT).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
                long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < end.get(p))) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("reading " + topic.name() + " to its end took more than " + KAFKA_TIMEOUT.toSeconds() + " s");
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        String id = record.key() == null ? null : keys.deserialize(record.topic(), record.key());
                        if (id == null) {
                            err.println("skipped " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": no key");
                        } else if (record.value() == null) {
                            targets.remove(id);
                        } else {
                            try {
                                targets.put(id, values.deserialize(record.topic(), record.value()));
                            } catch (RuntimeException unreadable) {
                                err.println("skipped " + record.topic() + "-" + record.partition() + "@" + record.offset()
                                        + " (id " + id + "): " + unreadable.getMessage());
                            }
                        }
                    }
                }
            }
            return targets;
        }

        private Map<String, Object> clientProperties() {
            Map<String, Object> props = config.kafkaProperties();
            props.putIfAbsent("client.id", "certsonar-cli");
            return props;
        }

        private Map<String, Object> adminProperties() {
            Map<String, Object> props = clientProperties();
            props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
            props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            return props;
        }

        private <T> T await(Future<T> future) throws Exception {
            try {
                return future.get(KAFKA_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new ConfigException("Kafka at " + config.bootstrapServers().orElse("?") + " did not answer within "
                        + KAFKA_TIMEOUT.toSeconds() + " s");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw new ConfigException("Kafka at " + config.bootstrapServers().orElse("?") + " did not answer within "
                            + KAFKA_TIMEOUT.toSeconds() + " s: " + e.getCause().getMessage());
                }
                throw e;
            }
        }
    }

    private static void putIfSet(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
