package dev.certsonar.cli.config;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options every Kafka-facing command shares ({@code @Mixin ConfigOptions config;}): the configuration file,
 * the bootstrap servers and the topic prefix.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file (default: the file $CERTSONAR_CONFIG names, else none).")
    Path configFile;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else kafka.bootstrap.servers of the file).")
    String bootstrapServer;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prefix of the topic names (default: topics.prefix of the file, else certsonar.).")
    String topicPrefix;

    /** The configuration from the file, the environment and these options. */
    public CertsonarConfig load() {
        return load(ConfigOverrides.NONE);
    }

    /** The configuration from the file, the environment, these options and the command's own overrides. */
    public CertsonarConfig load(ConfigOverrides overrides) {
        ConfigOverrides all = overrides.withBootstrapServers(bootstrapServer);
        if (topicPrefix != null) {
            all = all.withTopicPrefix(topicPrefix);
        }
        return new ConfigLoader(System.getenv()).load(configFile, all);
    }

    /** Like {@link #load()}, and fails naming the three ways to set them when no bootstrap servers are known. */
    public CertsonarConfig loadWithKafka() {
        return requireKafka(load());
    }

    /** The configuration, when it knows bootstrap servers; else fails naming the three ways to set them. */
    public static CertsonarConfig requireKafka(CertsonarConfig config) {
        if (config.bootstrapServers().isEmpty()) {
            throw new ConfigException("no Kafka cluster given: use --bootstrap-server HOST:PORT, set KAFKA_BOOTSTRAP_SERVERS, "
                    + "or set kafka.bootstrap.servers in the configuration file");
        }
        return config;
    }
}
