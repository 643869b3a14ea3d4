package dev.certsonar.scanner.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class ScannerWorkerPropsTest {

    @Test
    void scanRequestsAreReadOnlyOnceTheAggregatorsTransactionCommitted() {
        Map<String, Object> props = ScannerWorker.consumerProps(
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), WorkerConfig.DEFAULT, "scanner-1");
        assertThat(props).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }
}
