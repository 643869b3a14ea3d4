package dev.certsonar.cli.config;

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
import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.net.Cidr;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds a {@link CertsonarConfig} from layers, each winning over the one before: defaults, the YAML file
 * ({@code --config FILE} or {@code CERTSONAR_CONFIG}, with {@code ${ENV}} and {@code ${ENV:-default}} expanded),
 * the environment ({@code KAFKA_*} becomes a Kafka client property: {@code KAFKA_BOOTSTRAP_SERVERS} is
 * {@code bootstrap.servers}), and the command line. Anything wrong fails with a {@link ConfigException} that names
 * the file, the line and the key.
 */
public final class ConfigLoader {

    /** Names the configuration file when no {@code --config} is given. */
    public static final String CONFIG_ENV = "CERTSONAR_CONFIG";

    /** {@code KAFKA_*} variables of Kafka's own scripts and images, which are no client properties. */
    private static final Set<String> KAFKA_NON_CLIENT_ENV = Set.of("KAFKA_HOME", "KAFKA_DEBUG", "KAFKA_VERSION",
            "KAFKA_LOG_DIR", "KAFKA_CLUSTER_ID", "KAFKA_NODE_ID", "KAFKA_PROCESS_ROLES");

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,200}");
    private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Map<String, String> env;
    private final YAMLFactory yaml;
    private final ObjectMapper mapper;

    /** A loader that reads this environment (normally {@code System.getenv()}). */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.yaml = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
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
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
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
        return new CertsonarConfig(kafka, config.topicPrefix(), config.scanner(), config.policy(), config.http(),
                config.channels(), config.routes(), config.source());
    }

    private CertsonarConfig applyOverrides(CertsonarConfig config, ConfigOverrides overrides) {
        Map<String, Object> kafka = new LinkedHashMap<>(config.kafka());
        overrides.kafka().forEach((key, value) -> {
            if (value != null) {
                kafka.put(key, value);
            }
        });
        String prefix = config.topicPrefix();
        if (overrides.topicPrefix() != null) {
            if (!TOPIC_PREFIX.matcher(overrides.topicPrefix()).matches()) {
                throw new ConfigException("--topic-prefix: \"" + overrides.topicPrefix()
                        + "\" is not a topic name prefix (letters, digits, '.', '_' and '-' only)");
            }
            prefix = overrides.topicPrefix();
        }
        ScannerConfig scanner = config.scanner();
        if (!overrides.caFiles().isEmpty()) {
            for (Path caFile : overrides.caFiles()) {
                if (!Files.isReadable(caFile) || Files.isDirectory(caFile)) {
                    throw new ConfigException("--ca-file " + caFile + ": no such file");
                }
            }
            List<Path> caFiles = new ArrayList<>(scanner.caFiles());
            caFiles.addAll(overrides.caFiles());
            scanner = scanner.withCaFiles(caFiles);
        }
        HttpConfig http = config.http();
        if (overrides.httpPort() != null) {
            if (overrides.httpPort() < 0 || overrides.httpPort() > 65535) {
                throw new ConfigException("--http-port: " + overrides.httpPort() + " is not a port (0 to 65535)");
            }
            http = http.withPort(overrides.httpPort());
        }
        if (overrides.httpBind() != null) {
            if (overrides.httpBind().isBlank()) {
                throw new ConfigException("--http-bind: an empty address");
            }
            http = http.withBind(overrides.httpBind());
        }
        return new CertsonarConfig(kafka, prefix, scanner, config.policy(), http, config.channels(), config.routes(),
                config.source());
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
                throw problem(JsonPointer.empty(), "the file must be a map of sections (kafka, topics, scanner, policy, http, channels, routes)");
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
            List<ChannelConfig> channels = channels(file.channels());
            return new CertsonarConfig(kafka(file.kafka()), topicPrefix(file.topics()), scanner(file.scanner()),
                    policy(file.policy()), http(file.http()), channels, routes(file.routes(), channels), source);
        }

        private Map<String, Object> kafka(Map<String, JsonNode> section) {
            Map<String, Object> kafka = new LinkedHashMap<>();
            if (section != null) {
                section.forEach((key, value) -> kafka.put(key, scalarOrList(value, at("kafka", key))));
            }
            return kafka;
        }

        private String topicPrefix(ConfigFile.Topics topics) {
            if (topics == null || topics.prefix() == null) {
                return CertsonarConfig.DEFAULT_TOPIC_PREFIX;
            }
            if (!TOPIC_PREFIX.matcher(topics.prefix()).matches()) {
                throw problem(at("topics", "prefix"), '"' + topics.prefix()
                        + "\" is not a topic name prefix (letters, digits, '.', '_' and '-' only)");
            }
            return topics.prefix();
        }

        private ScannerConfig scanner(ConfigFile.Scanner section) {
            ScannerConfig scanner = ScannerConfig.DEFAULT;
            if (section == null) {
                return scanner;
            }
            if (section.concurrency() != null) {
                scanner = scanner.withConcurrency(atLeastOne(section.concurrency(), at("scanner", "concurrency")));
            }
            if (section.timeout() != null) {
                scanner = scanner.withTimeout(positiveDuration(section.timeout(), at("scanner", "timeout")));
            }
            if (section.perAddressConcurrency() != null) {
                scanner = scanner.withPerAddressConcurrency(
                        atLeastOne(section.perAddressConcurrency(), at("scanner", "perAddressConcurrency")));
            }
            if (section.perAddressSpacing() != null) {
                scanner = scanner.withPerAddressSpacing(
                        nonNegativeDuration(section.perAddressSpacing(), at("scanner", "perAddressSpacing")));
            }
            if (section.tlsLibrary() != null) {
                try {
                    scanner = scanner.withTlsLibrary(TlsLibrary.parse(section.tlsLibrary()));
                } catch (IllegalArgumentException e) {
                    throw problem(at("scanner", "tlsLibrary"), e.getMessage());
                }
            }
            if (section.caFiles() != null) {
                List<Path> caFiles = new ArrayList<>();
                for (int i = 0; i < section.caFiles().size(); i++) {
                    String name = section.caFiles().get(i);
                    JsonPointer pointer = at("scanner", "caFiles", i);
                    if (name == null || name.isBlank()) {
                        throw problem(pointer, "an empty file name");
                    }
                    Path path = baseDir == null ? Path.of(name) : baseDir.resolve(name);
                    if (!Files.isReadable(path) || Files.isDirectory(path)) {
                        throw problem(pointer, "no such file: " + path);
                    }
                    caFiles.add(path);
                }
                scanner = scanner.withCaFiles(caFiles);
            }
            if (section.deny() != null) {
                scanner = scanner.withDeny(cidrs(section.deny(), "deny"));
            }
            if (section.allow() != null) {
                scanner = scanner.withAllow(cidrs(section.allow(), "allow"));
            }
            if (section.dnsServers() != null) {
                for (int i = 0; i < section.dnsServers().size(); i++) {
                    String server = section.dnsServers().get(i);
                    if (server == null || server.isBlank()) {
                        throw problem(at("scanner", "dnsServers", i), "an empty DNS server");
                    }
                }
                scanner = scanner.withDnsServers(section.dnsServers());
            }
            return scanner;
        }

        private List<String> cidrs(List<String> ranges, String key) {
            for (int i = 0; i < ranges.size(); i++) {
                JsonPointer pointer = at("scanner", key, i);
                try {
                    Cidr.parse(ranges.get(i));
                } catch (IllegalArgumentException e) {
                    throw problem(pointer, e.getMessage());
                }
            }
            return ranges.stream().map(String::strip).toList();
        }

        private ExpiryPolicy policy(ConfigFile.Policy section) {
            ExpiryPolicy d = ExpiryPolicy.DEFAULT;
            if (section == null) {
                return d;
            }
            Duration interval = section.interval() == null ? d.interval()
                    : positiveDuration(section.interval(), at("policy", "interval"));
            double warnDays = days(section.warnDays(), d.warnDays(), "warnDays");
            double criticalDays = days(section.criticalDays(), d.criticalDays(), "criticalDays");
            double warnFraction = fraction(section.warnFraction(), d.warnFraction(), "warnFraction");
            double criticalFraction = fraction(section.criticalFraction(), d.criticalFraction(), "criticalFraction");
            if (criticalDays > warnDays) {
                String key = section.criticalDays() != null ? "criticalDays" : "warnDays";
                throw problem(at("policy", key), "criticalDays (" + criticalDays
                        + ") must not be more than warnDays (" + warnDays + ")");
            }
            if (criticalFraction > warnFraction) {
                String key = section.criticalFraction() != null ? "criticalFraction" : "warnFraction";
                throw problem(at("policy", key), "criticalFraction (" + criticalFraction
                        + ") must not be more than warnFraction (" + warnFraction + ")");
            }
            return new ExpiryPolicy(interval, warnDays, warnFraction, criticalDays, criticalFraction);
        }

        private double days(Double value, double fallback, String key) {
            if (value == null) {
                return fallback;
            }
            if (!(value >= 0) || value.isInfinite()) {
                throw problem(at("policy", key), value + " is not a number of days (0 or more)");
            }
            return value;
        }

        private double fraction(Double value, double fallback, String key) {
            if (value == null) {
                return fallback;
            }
            if (!(value >= 0 && value <= 1)) {
                throw problem(at("policy", key), value + " is not a fraction of the lifetime (0 to 1)");
            }
            return value;
        }

        private HttpConfig http(ConfigFile.Http section) {
            HttpConfig http = HttpConfig.DEFAULT;
            if (section == null) {
                return http;
            }
            if (section.port() != null) {
                if (section.port() < 0 || section.port() > 65535) {
                    throw problem(at("http", "port"), section.port() + " is not a port (0 to 65535)");
                }
                http = http.withPort(section.port());
            }
            if (section.bind() != null) {
                if (section.bind().isBlank()) {
                    throw problem(at("http", "bind"), "an empty address");
                }
                http = http.withBind(section.bind().strip());
            }
            return http;
        }

        private List<ChannelConfig> channels(List<ObjectNode> section) {
            List<ChannelConfig> channels = new ArrayList<>();
            if (section == null) {
                return channels;
            }
            Set<String> names = new TreeSet<>();
            for (int i = 0; i < section.size(); i++) {
                ObjectNode node = section.get(i);
                JsonPointer pointer = at("channels", i);
                if (node == null) {
                    throw problem(pointer, "an empty channel (write {name: ..., type: ...})");
                }
                String name = requiredText(node, "name", pointer);
                if (!CHANNEL_NAME.matcher(name).matches()) {
                    throw problem(pointer.appendProperty("name"), '"' + name
                            + "\" is not a channel name (letters, digits, '.', '_' and '-' only)");
                }
                if (!names.add(name)) {
                    throw problem(pointer.appendProperty("name"), "a second channel named \"" + name + '"');
                }
                String type = requiredText(node, "type", pointer).toLowerCase(Locale.ROOT);
                if (!ChannelConfig.TYPES.contains(type)) {
                    throw problem(pointer.appendProperty("type"), "unknown channel type \"" + type + "\"; one of "
                            + String.join(", ", new TreeSet<>(ChannelConfig.TYPES)));
                }
                Map<String, String> settings = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!field.getKey().equals("name") && !field.getKey().equals("type")) {
                        settings.put(field.getKey(), scalarOrList(field.getValue(), pointer.appendProperty(field.getKey())));
                    }
                }
                if (type.equals("webhook") && (settings.get("url") == null || settings.get("url").isBlank())) {
                    throw problem(pointer, "the webhook channel \"" + name + "\" needs a url");
                }
                ChannelConfig channel = new ChannelConfig(name, type, settings);
                try (Channel checked = channel.create(Clock.systemUTC())) {
                    log.debug("channel {} of type {} is complete", checked.name(), type);
                } catch (IllegalArgumentException incomplete) {
                    String message = String.valueOf(incomplete.getMessage());
                    String repeated = "channels[" + name + "]: ";
                    throw problem(pointer, message.startsWith(repeated) ? message.substring(repeated.length()) : message);
                }
                channels.add(channel);
            }
            return channels;
        }

        private List<RouteConfig> routes(List<ConfigFile.Route> section, List<ChannelConfig> channels) {
            List<RouteConfig> routes = new ArrayList<>();
            if (section == null) {
                return routes;
            }
            Set<String> known = channels.stream().map(ChannelConfig::name).collect(Collectors.toCollection(TreeSet::new));
            for (int i = 0; i < section.size(); i++) {
                ConfigFile.Route route = section.get(i);
                JsonPointer pointer = at("routes", i);
                if (route == null || route.channels() == null || route.channels().isEmpty()) {
                    throw problem(pointer, "a route needs channels: [NAME, ...]");
                }
                for (int j = 0; j < route.channels().size(); j++) {
                    String channel = route.channels().get(j);
                    if (channel == null || !known.contains(channel)) {
                        throw problem(pointer.appendProperty("channels").appendIndex(j), "no channel named \""
                                + channel + "\"" + (known.isEmpty() ? " (the file defines no channels)"
                                : "; channels: " + String.join(", ", known)));
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
                routes.add(new RouteConfig(match, route.channels()));
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

        private int atLeastOne(int value, JsonPointer pointer) {
            if (value < 1) {
                throw problem(pointer, value + " is too small (at least 1)");
            }
            return value;
        }

        private Duration positiveDuration(String text, JsonPointer pointer) {
            Duration duration = duration(text, pointer);
            if (duration.isZero() || duration.isNegative()) {
                throw problem(pointer, '"' + text + "\" is not a positive duration");
            }
            return duration;
        }

        private Duration nonNegativeDuration(String text, JsonPointer pointer) {
            Duration duration = duration(text, pointer);
            if (duration.isNegative()) {
                throw problem(pointer, '"' + text + "\" is a negative duration");
            }
            return duration;
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

        private ConfigException problem(JsonPointer pointer, String message) {
            int line = locations.lineOf(pointer);
            String key = YamlLocations.keyOf(pointer);
            return new ConfigException(sourceName + (line > 0 ? ":" + line : "") + ": "
                    + (key.isEmpty() ? "" : key + ": ") + message);
        }
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
