package dev.certsonar.scanner.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ScannerWorkerPropsTest {

    @Test
    void scanRequestsAreReadOnlyOnceTheAggregatorsTransactionCommitted() {
        Map<String, Object> props = ScannerWorker.consumerProps(
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), WorkerConfig.DEFAULT, "scanner-1");
        assertThat(props).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    @Test
    void observationsAreBatchedAndCompressedUnlessTheClientPropertiesSayOtherwise() {
        assertThat(ScannerWorker.producerProps(Map.of(), "scanner-1"))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, ScannerWorker.OBSERVATION_LINGER_MS)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        assertThat(ScannerWorker.producerProps(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"), "scanner-1"))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    }
}
