package dev.certsonar.cli.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the command line sets: it wins over the environment and the file.
 *
 * @param kafka       Kafka client properties ({@code --bootstrap-server} is {@code bootstrap.servers})
 * @param topicPrefix the topic name prefix, or null
 * @param caFiles     extra trust anchor files ({@code --ca-file}), added to those of the file
 * @param httpPort    the HTTP port, or null
 * @param httpBind    the HTTP bind address, or null
 */
public record ConfigOverrides(Map<String, String> kafka, String topicPrefix, List<Path> caFiles,
                              Integer httpPort, String httpBind) {

    public static final ConfigOverrides NONE = new ConfigOverrides(Map.of(), null, List.of(), null, null);

    public ConfigOverrides {
        kafka = Map.copyOf(kafka);
        caFiles = List.copyOf(caFiles);
    }

    public ConfigOverrides withBootstrapServers(String servers) {
        return servers == null ? this : withKafka("bootstrap.servers", servers);
    }

    public ConfigOverrides withKafka(String property, String value) {
        Map<String, String> copy = new LinkedHashMap<>(kafka);
        copy.put(property, value);
        return new ConfigOverrides(copy, topicPrefix, caFiles, httpPort, httpBind);
    }

    public ConfigOverrides withTopicPrefix(String value) {
        return new ConfigOverrides(kafka, value, caFiles, httpPort, httpBind);
    }

    public ConfigOverrides withCaFiles(List<Path> value) {
        return new ConfigOverrides(kafka, topicPrefix, Stream.concat(caFiles.stream(), value.stream()).toList(), httpPort, httpBind);
    }

    public ConfigOverrides withHttpPort(Integer value) {
        return new ConfigOverrides(kafka, topicPrefix, caFiles, value, httpBind);
    }

    public ConfigOverrides withHttpBind(String value) {
        return new ConfigOverrides(kafka, topicPrefix, caFiles, httpPort, value);
    }
}
