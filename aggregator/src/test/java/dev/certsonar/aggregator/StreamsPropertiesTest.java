package dev.certsonar.aggregator;

import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.store.StoreMemory;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsPropertiesTest {

    private static final AggregatorConfig CONFIG = AggregatorConfig.DEFAULT.withStateDir(Path.of("state"));

    @Test
    void theProducerBatchesAndCompressesAndTheStoresShareTheBoundedMemory() {
        Properties props = AggregatorApp.streamsProperties(Map.of(), Topics.withPrefix("t."), CONFIG);

        assertThat(props)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), AggregatorApp.DEFAULT_PRODUCER_LINGER_MS)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4")
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, StoreMemory.class.getName())
                .containsEntry(StoreMemory.CONFIG, StoreMemory.DEFAULT_BYTES);
    }

    @Test
    void clientPropertiesWinOverTheAggregatorsDefaults() {
        Properties props = AggregatorApp.streamsProperties(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd", StoreMemory.CONFIG, 256L << 20), Topics.withPrefix("t."), CONFIG);

        assertThat(props).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
                .containsEntry(StoreMemory.CONFIG, 256L << 20)
                .doesNotContainKey(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG))
                .doesNotContainKey(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG));
    }
}
