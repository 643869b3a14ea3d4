package dev.certsonar.cli.config;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.certsonar.aggregator.fleet.FleetConfig;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.revocation.RevocationConfig;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.store.StoreMemory;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds a {@link CertsonarConfig} from layers, each winning over the one before: defaults, the YAML file
 * ({@code --config FILE} or {@code CERTSONAR_CONFIG}, with {@code ${ENV}} and {@code ${ENV:-default}} expanded),
 * the environment ({@code KAFKA_*} becomes a Kafka client property: {@code KAFKA_BOOTSTRAP_SERVERS} is
 * {@code bootstrap.servers}), and the command line. Anything wrong fails with a {@link ConfigException} that names
 * the file, the line and the key.
 *
 * <p>The loader knows the file: its YAML, its keys and their types, {@code ${ENV}} and which key is on which line. The
 * rules of the values are the records' ({@link ScannerConfig}, {@link ExpiryPolicy}, {@link HttpConfig}, {@link NotifierConfig},
 * {@link ChannelConfig}, {@link RouteConfig}, {@link CertsonarConfig}): each refuses a value with an
 * {@link InvalidValueException} naming its field, which the loader places at the file's key and line, or at the flag
 * that set it.
 */
public final class ConfigLoader {

    /** Names the configuration file when no {@code --config} is given. */
    public static final String CONFIG_ENV = "CERTSONAR_CONFIG";

    /**
     * The most a configuration file may hold, in bytes and in characters: read no further, so a wrong file (a log, an
     * image) fails at once instead of filling memory. Jackson's YAML parser does not expand aliases (so no alias bomb
     * can grow a small file); they are refused ({@link YamlLocations#alias}).
     */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    /** Maps and lists in one another: the file's own need is five, Jackson's default a thousand. */
    static final int MAX_NESTING = 64;

    /** {@code KAFKA_*} variables of Kafka's own scripts and images, which are no client properties. */
    private static final Set<String> KAFKA_NON_CLIENT_ENV = Set.of("KAFKA_HOME", "KAFKA_DEBUG", "KAFKA_VERSION",
            "KAFKA_LOG_DIR", "KAFKA_CLUSTER_ID", "KAFKA_NODE_ID", "KAFKA_PROCESS_ROLES");

    /** The keys of a channel's {@code retry} section, named as {@link RetryPolicy}'s fields. */
    private static final List<String> RETRY_KEYS = List.of("attempts", "budget", "initialBackoff", "maxBackoff");

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(KiB|MiB|GiB)?");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> env;
    private final YAMLFactory yaml;
    private final ObjectMapper mapper;

    /** A loader that reads this environment (normally {@code System.getenv()}). */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
        LoaderOptions limits = new LoaderOptions();
        limits.setCodePointLimit(MAX_FILE_BYTES);
        this.yaml = YAMLFactory.builder().loaderOptions(limits)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        this.mapper = new ObjectMapper(yaml)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /**
     * Loads the configuration: the file named by {@code configFile}, else by {@code CERTSONAR_CONFIG}, else none;
     * then the environment, then the overrides.
     */
    public CertsonarConfig load(Path configFile, ConfigOverrides overrides) {
        CertsonarConfig config = CertsonarConfig.DEFAULT;
        Path file = configFile;
        String fileOrigin = "--config";
        if (file == null && env.get(CONFIG_ENV) != null && !env.get(CONFIG_ENV).isBlank()) {
            file = Path.of(env.get(CONFIG_ENV));
            fileOrigin = CONFIG_ENV;
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(fileOrigin + " " + file + ": no such file");
            }
            String text;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
                if (bytes.length > MAX_FILE_BYTES) {
                    throw new ConfigException(fileOrigin + " " + file + ": more than " + MAX_FILE_BYTES
                            + " bytes, too large for a configuration file");
                }
                text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (IOException e) {
                throw new ConfigException(fileOrigin + " " + file + ": cannot read it: " + e.getMessage(), e);
            }
            Path dir = file.toAbsolutePath().getParent();
            config = parse(text, file.toString(), dir, file);
        }
        return applyOverrides(applyEnvironment(config), overrides);
    }

    /** The Kafka client properties the environment sets ({@code KAFKA_SASL_MECHANISM} is {@code sasl.mechanism}). */
    public Map<String, String> kafkaFromEnvironment() {
        Map<String, String> properties = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length() && !name.endsWith("_OPTS")
                    && !KAFKA_NON_CLIENT_ENV.contains(name) && value != null && !value.isBlank()) {
                properties.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return properties;
    }

    /**
     * Reads one YAML document.
     *
     * @param text       the YAML
     * @param sourceName how messages name it (the file name)
     * @param baseDir    folder that relative paths in it are resolved against
     * @param source     the file, recorded in the result (may be null)
     */
    public CertsonarConfig parse(String text, String sourceName, Path baseDir, Path source) {
        return new FileReader(sourceName, baseDir, source).read(text);
    }

    private CertsonarConfig applyEnvironment(CertsonarConfig config) {
        Map<String, String> fromEnv = kafkaFromEnvironment();
        if (fromEnv.isEmpty()) {
            return config;
        }
        Map<String, Object> kafka = new LinkedHashMap<>(config.kafka());
        kafka.putAll(fromEnv);
        return config.withKafka(kafka);
    }

    private CertsonarConfig applyOverrides(CertsonarConfig config, ConfigOverrides overrides) {
        Map<String, Object> kafka = new LinkedHashMap<>(config.kafka());
        overrides.kafka().forEach((key, value) -> {
            if (value != null) {
                kafka.put(key, value);
            }
        });
        CertsonarConfig result = config.withKafka(kafka);
        if (overrides.topicPrefix() != null) {
            CertsonarConfig base = result;
            result = ConfigException.atFlag("--topic-prefix", () -> base.withTopicPrefix(overrides.topicPrefix()));
        }
        if (!overrides.caFiles().isEmpty()) {
            List<Path> caFiles = new ArrayList<>(result.scanner().caFiles());
            caFiles.addAll(overrides.caFiles());
            CertsonarConfig base = result;
            result = ConfigException.atFlag("--ca-file", () -> base.withScanner(base.scanner().withCaFiles(caFiles)));
        }
        if (overrides.httpPort() != null) {
            CertsonarConfig base = result;
            result = ConfigException.atFlag("--http-port", () -> base.withHttp(base.http().withPort(overrides.httpPort())));
        }
        if (overrides.httpBind() != null) {
            CertsonarConfig base = result;
            result = ConfigException.atFlag("--http-bind", () -> base.withHttp(base.http().withBind(overrides.httpBind())));
        }
        return result;
    }

    /** One file's reading: knows where each key is so that every error names its line. */
    private final class FileReader {

        private final String sourceName;
        private final Path baseDir;
        private final Path source;
        private YamlLocations locations = YamlLocations.empty();

        FileReader(String sourceName, Path baseDir, Path source) {
            this.sourceName = sourceName;
            this.baseDir = baseDir;
            this.source = source;
        }

        CertsonarConfig read(String text) {
            JsonNode root;
            try {
                locations = YamlLocations.index(yaml, text);
                if (locations.alias() != null) {
                    throw problem(locations.alias().pointer(), "*" + locations.alias().name()
                            + " is a YAML alias, which certsonar does not expand: write the value out");
                }
                root = mapper.readTree(text);
            } catch (JsonProcessingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                throw new ConfigException(sourceName + (line > 0 ? ":" + line : "") + ": not valid YAML: "
                        + syntaxMessage(e.getOriginalMessage()), e);
            } catch (IOException e) {
                throw new ConfigException(sourceName + ": cannot read it: " + e.getMessage(), e);
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                root = JsonNodeFactory.instance.objectNode();
            }
            if (!root.isObject()) {
                throw problem(JsonPointer.empty(), "the file must be a map of sections (kafka, topics, scanner, policy, http, notifier, channels, routes, fleet, stores)");
            }
            root = expand(root, JsonPointer.empty());
            ConfigFile file;
            try {
                file = mapper.treeToValue(root, ConfigFile.class);
            } catch (JsonMappingException e) {
                throw mappingProblem(e);
            } catch (JsonProcessingException e) {
                throw new ConfigException(sourceName + ": " + e.getOriginalMessage(), e);
            }
            Map<String, Object> kafka = kafka(file.kafka());
            if (file.stores() != null && file.stores().memory() != null) {
                kafka.put(StoreMemory.CONFIG, storeMemory(file.stores().memory(), at("stores", "memory")));
            }
            String topicPrefix = file.topics() == null || file.topics().prefix() == null
                    ? CertsonarConfig.DEFAULT_TOPIC_PREFIX : file.topics().prefix();
            ScannerConfig scanner = scanner(file.scanner());
            ExpiryPolicy policy = policy(file.policy());
            HttpConfig http = http(file.http());
            NotifierConfig notifier = notifier(file.notifier());
            List<ChannelConfig> channels = channels(file.channels());
            List<RouteConfig> routes = routes(file.routes());
            FleetConfig fleet = fleet(file.fleet());
            return checked(JsonPointer.empty(),
                    () -> new CertsonarConfig(kafka, topicPrefix, scanner, policy, http, notifier, channels, routes, source, fleet));
        }

        private Map<String, Object> kafka(Map<String, JsonNode> section) {
            Map<String, Object> kafka = new LinkedHashMap<>();
            if (section != null) {
                section.forEach((key, value) -> kafka.put(key, scalarOrList(value, at("kafka", key))));
            }
            return kafka;
        }

        private ScannerConfig scanner(ConfigFile.Scanner section) {
            ScannerConfig d = ScannerConfig.DEFAULT;
            if (section == null) {
                return d;
            }
            Duration timeout = section.timeout() == null ? d.timeout() : duration(section.timeout(), at("scanner", "timeout"));
            Duration spacing = section.perAddressSpacing() == null ? d.perAddressSpacing()
                    : duration(section.perAddressSpacing(), at("scanner", "perAddressSpacing"));
            TlsLibrary tlsLibrary = d.tlsLibrary();
            if (section.tlsLibrary() != null) {
                try {
                    tlsLibrary = TlsLibrary.parse(section.tlsLibrary());
                } catch (IllegalArgumentException e) {
                    throw problem(at("scanner", "tlsLibrary"), e.getMessage());
                }
            }
            List<Path> caFiles = d.caFiles();
            if (section.caFiles() != null) {
                // relative to the file's folder; an empty name stays empty for the scanner's rule to name
                caFiles = section.caFiles().stream()
                        .map(name -> name == null || name.isBlank() || baseDir == null ? pathOf(name) : baseDir.resolve(name))
                        .toList();
            }
            List<Path> files = caFiles;
            TlsLibrary library = tlsLibrary;
            RevocationConfig revocation = revocation(section.revocation());
            return checked(at("scanner"), () -> new ScannerConfig(
                    or(section.concurrency(), d.concurrency()), timeout,
                    or(section.perAddressConcurrency(), d.perAddressConcurrency()), files,
                    or(section.deny(), d.deny()), or(section.allow(), d.allow()), or(section.dnsServers(), d.dnsServers()),
                    d.allowLargeRanges(), d.maxHandshakeBytes(), spacing, library, revocation,
                    or(section.dualCertificates(), d.dualCertificates())));
        }

        private RevocationConfig revocation(ConfigFile.Revocation section) {
            RevocationConfig d = RevocationConfig.DEFAULT;
            if (section == null) {
                return d;
            }
            Duration timeout = section.timeout() == null ? d.timeout() : duration(section.timeout(), at("scanner", "revocation", "timeout"));
            Duration maxAge = section.maxAge() == null ? d.maxAge() : duration(section.maxAge(), at("scanner", "revocation", "maxAge"));
            Duration retryAfter = section.retryAfter() == null ? d.retryAfter()
                    : duration(section.retryAfter(), at("scanner", "revocation", "retryAfter"));
            Duration grace = section.grace() == null ? d.grace() : duration(section.grace(), at("scanner", "revocation", "grace"));
            return checked(at("scanner", "revocation"), () -> new RevocationConfig(or(section.enabled(), d.enabled()), timeout,
                    or(section.maxCrlBytes(), d.maxCrlBytes()), or(section.maxCacheEntries(), d.maxCacheEntries()),
                    or(section.maxCacheBytes(), d.maxCacheBytes()), maxAge, retryAfter, grace,
                    or(section.maxFetches(), d.maxFetches())));
        }

        private ExpiryPolicy policy(ConfigFile.Policy section) {
            ExpiryPolicy d = ExpiryPolicy.DEFAULT;
            if (section == null) {
                return d;
            }
            Duration interval = section.interval() == null ? d.interval() : duration(section.interval(), at("policy", "interval"));
            Severity legacy = section.legacyProtocol() == null ? d.legacyProtocol()
                    : severity(section.legacyProtocol(), at("policy", "legacyProtocol"));
            Severity lifetime = section.lifetimeExceedsMaximum() == null ? d.lifetimeExceedsMaximum()
                    : severity(section.lifetimeExceedsMaximum(), at("policy", "lifetimeExceedsMaximum"));
            return checked(at("policy"), () -> new ExpiryPolicy(interval, or(section.warnDays(), d.warnDays()),
                    or(section.warnFraction(), d.warnFraction()), or(section.criticalDays(), d.criticalDays()),
                    or(section.criticalFraction(), d.criticalFraction()), legacy, lifetime));
        }

        private HttpConfig http(ConfigFile.Http section) {
            HttpConfig d = HttpConfig.DEFAULT;
            if (section == null) {
                return d;
            }
            return checked(at("http"), () -> new HttpConfig(or(section.port(), d.port()), or(section.bind(), d.bind()),
                    section.token(), or(section.allowedHosts(), d.allowedHosts())));
        }

        private FleetConfig fleet(ConfigFile.Fleet section) {
            FleetConfig d = FleetConfig.DEFAULT;
            if (section == null) {
                return d;
            }
            Duration heartbeat = section.heartbeatInterval() == null ? d.heartbeatInterval()
                    : duration(section.heartbeatInterval(), at("fleet", "heartbeatInterval"));
            Duration down = section.downAfter() == null ? null : duration(section.downAfter(), at("fleet", "downAfter"));
            Duration behind = section.behindAfter() == null ? d.behindAfter()
                    : duration(section.behindAfter(), at("fleet", "behindAfter"));
            Duration watchdog = section.watchdogInterval() == null ? d.watchdogInterval()
                    : duration(section.watchdogInterval(), at("fleet", "watchdogInterval"));
            return checked(at("fleet"), () -> new FleetConfig(heartbeat, down, behind, or(section.owner(), d.owner()),
                    or(section.labels(), d.labels()), watchdog));
        }

        private NotifierConfig notifier(ConfigFile.Notifier section) {
            NotifierConfig d = NotifierConfig.DEFAULT;
            if (section == null) {
                return d;
            }
            Map<String, Duration> holdDown = section.holdDown() == null ? d.holdDown()
                    : durations(section.holdDown(), at("notifier", "holdDown"));
            Map<String, Duration> reminders = section.reminders() == null ? d.reminders()
                    : durations(section.reminders(), at("notifier", "reminders"));
            Duration keepResolved = section.keepResolved() == null ? d.keepResolved()
                    : duration(section.keepResolved(), at("notifier", "keepResolved"));
            return checked(at("notifier"), () -> new NotifierConfig(or(section.applicationId(), d.applicationId()),
                    holdDown, or(section.holdDownObservations(), d.holdDownObservations()), reminders, keepResolved,
                    d.punctuateInterval(), d.stateDir(), d.groupWindow(), d.retry(), d.deliveryRestarts()));
        }

        /** A map of names to durations, each value read as a duration at its key. */
        private Map<String, Duration> durations(Map<String, String> section, JsonPointer pointer) {
            Map<String, Duration> durations = new LinkedHashMap<>();
            section.forEach((key, text) -> {
                if (text == null || text.isBlank()) {
                    throw problem(pointer.appendProperty(key), "no value (write a duration such as 15m or 24h)");
                }
                durations.put(key, duration(text, pointer.appendProperty(key)));
            });
            return durations;
        }

        private List<ChannelConfig> channels(List<ObjectNode> section) {
            List<ChannelConfig> channels = new ArrayList<>();
            if (section == null) {
                return channels;
            }
            for (int i = 0; i < section.size(); i++) {
                ObjectNode node = section.get(i);
                JsonPointer pointer = at("channels", i);
                if (node == null) {
                    throw problem(pointer, "an empty channel (write {name: ..., type: ...})");
                }
                String name = requiredText(node, "name", pointer);
                String type = requiredText(node, "type", pointer).toLowerCase(Locale.ROOT);
                Map<String, String> settings = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!Set.of("name", "type", "retry").contains(field.getKey())) {
                        settings.put(field.getKey(), scalarOrList(field.getValue(), pointer.appendProperty(field.getKey())));
                    }
                }
                RetryPolicy retry = retry(node.get("retry"), pointer.appendProperty("retry"));
                try {
                    channels.add(checked(pointer, () -> new ChannelConfig(name, type, settings, retry)));
                } catch (IllegalArgumentException incomplete) {
                    // the notifier's refusal of the settings, which names the setting in its own words
                    throw problem(pointer, String.valueOf(incomplete.getMessage()), incomplete);
                }
            }
            return channels;
        }

        /** A channel's {@code retry} section; each key it leaves out is {@link RetryPolicy#DEFAULT}'s. */
        private RetryPolicy retry(JsonNode section, JsonPointer pointer) {
            RetryPolicy d = RetryPolicy.DEFAULT;
            if (section == null || section.isNull()) {
                return d;
            }
            if (!section.isObject()) {
                throw problem(pointer, "expected a map of keys (attempts, initialBackoff, maxBackoff, budget)");
            }
            for (Iterator<String> keys = section.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!RETRY_KEYS.contains(key)) {
                    throw problem(pointer.appendProperty(key), "unknown key; known keys here: "
                            + String.join(", ", RETRY_KEYS));
                }
            }
            int attempts = d.attempts();
            JsonNode attemptsNode = section.get("attempts");
            if (attemptsNode != null) {
                if (!attemptsNode.canConvertToInt() || !attemptsNode.isIntegralNumber()) {
                    throw problem(pointer.appendProperty("attempts"), "expected a whole number");
                }
                attempts = attemptsNode.intValue();
            }
            int tries = attempts;
            Duration initial = retryDuration(section, "initialBackoff", d.initialBackoff(), pointer);
            Duration max = retryDuration(section, "maxBackoff", d.maxBackoff(), pointer);
            Duration budget = retryDuration(section, "budget", d.budget(), pointer);
            return checked(pointer, () -> new RetryPolicy(tries, initial, max, budget));
        }

        private Duration retryDuration(JsonNode section, String key, Duration fallback, JsonPointer pointer) {
            JsonNode value = section.get(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isValueNode() || value.isNull()) {
                throw problem(pointer.appendProperty(key), "expected a duration such as 30s");
            }
            return duration(value.asText(), pointer.appendProperty(key));
        }

        private List<RouteConfig> routes(List<ConfigFile.Route> section) {
            List<RouteConfig> routes = new ArrayList<>();
            if (section == null) {
                return routes;
            }
            for (int i = 0; i < section.size(); i++) {
                ConfigFile.Route route = section.get(i) == null ? new ConfigFile.Route(null, null) : section.get(i);
                JsonPointer pointer = at("routes", i);
                List<String> channels = route.channels() == null ? List.of() : route.channels();
                for (int j = 0; j < channels.size(); j++) {
                    if (channels.get(j) == null) {
                        throw problem(pointer.appendProperty("channels").appendIndex(j), "expected a channel name");
                    }
                }
                RouteConfig.Match match = null;
                if (route.match() != null) {
                    ConfigFile.Match m = route.match();
                    Severity minSeverity = null;
                    if (m.minSeverity() != null) {
                        minSeverity = severity(m.minSeverity(), pointer.appendProperty("match").appendProperty("minSeverity"));
                    }
                    match = new RouteConfig.Match(m.owner(), m.service(), m.labels(), minSeverity);
                }
                RouteConfig.Match conditions = match;
                routes.add(checked(pointer, () -> new RouteConfig(conditions, channels)));
            }
            return routes;
        }

        private Severity severity(String text, JsonPointer pointer) {
            for (Severity severity : Severity.values()) {
                if (severity != Severity.UNKNOWN && severity.name().equalsIgnoreCase(text.strip())) {
                    return severity;
                }
            }
            throw problem(pointer, '"' + text + "\" is not a severity; one of INFO, WARNING, CRITICAL");
        }

        private String requiredText(ObjectNode node, String key, JsonPointer pointer) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                throw problem(pointer, "missing key " + key);
            }
            if (!value.isValueNode() || value.asText().isBlank()) {
                throw problem(pointer.appendProperty(key), "expected a non-empty text value");
            }
            return value.asText().strip();
        }

        private String scalarOrList(JsonNode value, JsonPointer pointer) {
            if (value == null || value.isNull()) {
                throw problem(pointer, "no value");
            }
            if (value.isValueNode()) {
                return value.asText();
            }
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    if (!item.isValueNode() || item.isNull()) {
                        throw problem(pointer.appendIndex(i), "expected a text value");
                    }
                    items.add(item.asText());
                }
                return String.join(",", items);
            }
            throw problem(pointer, "expected a value or a list of values, not a map");
        }

        /**
         * The state stores' memory bound in bytes: {@code 64MiB}, {@code 1GiB}, {@code 512KiB}, or a number of bytes. It
         * reaches the aggregator's and the notifier's Kafka Streams as {@value StoreMemory#CONFIG}.
         */
        private long storeMemory(String text, JsonPointer pointer) {
            Matcher m = SIZE.matcher(text.trim());
            if (!m.matches()) {
                throw problem(pointer, '"' + text + "\" is not a size (write 64MiB, 1GiB, 512KiB or a number of bytes)");
            }
            int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                default -> 30;
            };
            try {
                long value = Long.parseLong(m.group(1));
                if (value > Long.MAX_VALUE >> shift) {
                    throw new NumberFormatException();
                }
                return StoreMemory.checked(value << shift);
            } catch (NumberFormatException e) {
                throw problem(pointer, '"' + text + "\" is too large");
            } catch (IllegalArgumentException e) {
                throw problem(pointer, e.getMessage());
            }
        }

        private Duration duration(String text, JsonPointer pointer) {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw problem(pointer, '"' + text + "\" is not a duration (write 90s, 10m, 6h, 7d or ISO-8601 like PT6H)");
            }
        }

        /** Expands {@code ${NAME}}, {@code ${NAME:-default}} and {@code $${} in every text value. */
        private JsonNode expand(JsonNode node, JsonPointer pointer) {
            if (node.isObject()) {
                ObjectNode object = (ObjectNode) node;
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    object.set(name, expand(object.get(name), pointer.appendProperty(name)));
                }
                return object;
            }
            if (node.isArray()) {
                ArrayNode array = (ArrayNode) node;
                for (int i = 0; i < array.size(); i++) {
                    array.set(i, expand(array.get(i), pointer.appendIndex(i)));
                }
                return array;
            }
            if (node.isTextual() && node.asText().contains("${")) {
                return TextNode.valueOf(expandText(node.asText(), pointer));
            }
            return node;
        }

        private String expandText(String text, JsonPointer pointer) {
            Matcher matcher = VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String replacement;
                if (matcher.group().equals("$${")) {
                    replacement = "${";
                } else {
                    String value = env.get(matcher.group(1));
                    if (value == null) {
                        if (matcher.group(2) == null) {
                            throw problem(pointer, "the environment variable " + matcher.group(1)
                                    + " is not set (write ${" + matcher.group(1) + ":-default} for a default)");
                        }
                        value = matcher.group(2);
                    }
                    replacement = value;
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            matcher.appendTail(out);
            return out.toString();
        }

        private ConfigException mappingProblem(JsonMappingException e) {
            JsonPointer pointer = JsonPointer.empty();
            for (JsonMappingException.Reference reference : e.getPath()) {
                pointer = reference.getFieldName() != null ? pointer.appendProperty(reference.getFieldName())
                        : reference.getIndex() >= 0 ? pointer.appendIndex(reference.getIndex()) : pointer;
            }
            String message;
            if (e instanceof UnrecognizedPropertyException unknown) {
                Collection<Object> known = unknown.getKnownPropertyIds();
                message = "unknown key" + (known == null || known.isEmpty() ? ""
                        : "; known keys here: " + known.stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
                if (!YamlLocations.keyOf(pointer).endsWith(unknown.getPropertyName())) {
                    pointer = pointer.appendProperty(unknown.getPropertyName());
                }
            } else if (e instanceof InvalidFormatException invalid) {
                message = "\"" + invalid.getValue() + "\" is not " + describe(invalid.getTargetType());
            } else if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
                message = "expected " + describe(mismatched.getTargetType());
            } else {
                message = firstLine(e.getOriginalMessage());
            }
            return problem(pointer, message);
        }

        /**
         * The value a record builds from the file's keys under {@code at}; a rule it breaks names the key of its field,
         * or of the first of the fields the rule ties together that the file sets.
         */
        private <T> T checked(JsonPointer at, Supplier<T> value) {
            try {
                return value.get();
            } catch (InvalidValueException e) {
                JsonPointer key = YamlLocations.pointer(at, e.field());
                for (String field : e.fields()) {
                    JsonPointer candidate = YamlLocations.pointer(at, field);
                    if (locations.has(candidate)) {
                        key = candidate;
                        break;
                    }
                }
                throw problem(key, e.problem(), e);
            }
        }

        private ConfigException problem(JsonPointer pointer, String message) {
            return problem(pointer, message, null);
        }

        private ConfigException problem(JsonPointer pointer, String message, Throwable cause) {
            int line = locations.lineOf(pointer);
            String key = YamlLocations.keyOf(pointer);
            return new ConfigException(sourceName + (line > 0 ? ":" + line : "") + ": "
                    + (key.isEmpty() ? "" : key + ": ") + message, cause);
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static Path pathOf(String name) {
        return name == null ? null : Path.of(name);
    }

    private static JsonPointer at(Object... segments) {
        JsonPointer pointer = JsonPointer.empty();
        for (Object segment : segments) {
            pointer = segment instanceof Integer index ? pointer.appendIndex(index) : pointer.appendProperty(segment.toString());
        }
        return pointer;
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a map of keys";
    }

    /** The parser's sentences without its excerpt lines: {@code while parsing a flow mapping; expected ',' or '}'}. */
    private static String syntaxMessage(String message) {
        if (message == null) {
            return "";
        }
        return message.lines().filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(String::strip).collect(Collectors.joining("; "));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
