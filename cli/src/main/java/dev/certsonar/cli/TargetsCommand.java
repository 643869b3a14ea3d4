package dev.certsonar.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.config.ConfigOptions;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.TargetJson;
import dev.certsonar.schemas.avro.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code certsonar targets add|import|remove|list}: the targets on the compacted targets topic. */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Manage the targets on the targets topic (key: the target's id; a tombstone removes it).",
        subcommands = {TargetsCommand.Add.class, TargetsCommand.Import.class, TargetsCommand.Remove.class,
                TargetsCommand.ListTargets.class})
public final class TargetsCommand extends GroupCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = {
            "Publish targets (one for each TARGET, all with the options given).",
            "A target's own thresholds must keep the policy's rules together with it: criticalDays not above warnDays,",
            "criticalFraction not above warnFraction."})
    static final class Add extends KafkaCommand {

        /** The thresholds a target may set for itself, named as in a targets file and the targets topic's JSON. */
        private static final List<String> THRESHOLDS = List.of("warnDays", "warnFraction", "criticalDays", "criticalFraction");

        @Parameters(paramLabel = "TARGET", arity = "1..*",
                description = "host, host:port, [2001:db8::1]:port, 10.0.0.0/24:443, or with a scheme: smtp://mail.example.com:25")
        List<String> targets;

        @Option(names = "--service", paramLabel = "NAME", description = "The service (default: the host).")
        String service;

        @Option(names = "--owner", paramLabel = "TEAM", description = "The team or person responsible.")
        String owner;

        @Option(names = "--zone", paramLabel = "NAME",
                description = "The zone (network) whose scanners reach the target (default: default).")
        String zone;

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
            putIfSet(settings, "zone", zone);
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
            ClusterTopic<Target> topic = targetsTopic(loaded);
            topic.put(byId(parsed));
            PrintWriter out = out();
            for (Target t : parsed) {
                out.println("added " + t.getId() + " (service " + t.getService() + ") to " + topic.name());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = {
            "Publish every target of a targets file: one target a line, optionally followed by key=value words",
            "(sni=, service=, owner=, protocol=, id=, zone=, and the target's own warnDays=, warnFraction=, criticalDays=,",
            "criticalFraction=, which must keep the policy's rules together with it); # starts a comment."})
    static final class Import extends KafkaCommand {

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
            ClusterTopic<Target> topic = targetsTopic(loaded);
            topic.put(byId(parsed));
            out().println("imported " + parsed.size() + " target" + (parsed.size() == 1 ? "" : "s")
                    + " from " + file + " to " + topic.name());
            out().flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove targets by id (a tombstone on the targets topic).")
    static final class Remove extends KafkaCommand {

        @Parameters(paramLabel = "ID", arity = "1..*",
                description = "A target's id as `targets list` shows it, or the TARGET it was added as.")
        List<String> ids;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            ClusterTopic<Target> topic = targetsTopic(loaded);
            Map<String, Target> current = topic.readAll(err());
            List<String> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String given : ids) {
                resolve(given, current).ifPresentOrElse(found::add, () -> missing.add(given));
            }
            if (!missing.isEmpty()) {
                err().println("targets remove: no target with id " + String.join(", ", missing)
                        + " on " + topic.name() + " (`certsonar targets list` shows the ids)");
                return 1;
            }
            topic.remove(found);
            for (String id : found) {
                out().println("removed " + id + " from " + topic.name());
            }
            out().flush();
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
    static final class ListTargets extends KafkaCommand {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Option(names = "--json", description = "One JSON object a line (the targets topic's JSON, with its id).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            Map<String, Target> targets = targetsTopic(loaded).readAll(err());
            PrintWriter out = out();
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
                    err().println("no targets on " + targetsTopic(loaded).name());
                }
            }
            out.flush();
            return 0;
        }
    }

    private static ClusterTopic<Target> targetsTopic(CertsonarConfig config) {
        return new ClusterTopic<>(config, config.topics().targets());
    }

    private static Map<String, Target> byId(List<Target> targets) {
        Map<String, Target> byId = new LinkedHashMap<>();
        targets.forEach(t -> byId.put(t.getId(), t));
        return byId;
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
