package dev.certsonar.cli.run;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code certsonar run --targets FILE} on a fresh data directory: the topics are created and the targets published at
 * once, on a broker that has just started. Each repetition starts a broker of its own.
 */
class TargetPublisherIT {

    private static final int TARGETS = 20_000;

    @RepeatedTest(value = 3, name = "fresh broker {currentRepetition} of {totalRepetitions}")
    void everyTargetIsPublishedOnTopicsCreatedAMomentBefore(@TempDir Path dataDir) throws Exception {
        List<Target> targets = IntStream.range(0, TARGETS)
                .mapToObj(i -> TargetSpecs.parse("127.1." + (i / 250) + "." + (i % 250 + 1) + ":8443",
                        Map.of("sni", "t%05d.farm.test".formatted(i)), false))
                .toList();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
            Map<String, Object> kafka = new HashMap<>(broker.clientProperties());
            Topics topics = Topics.withPrefix("certsonar.");

            Pipeline.ensureTopics(kafka, topics, 6, (short) 1);
            TargetPublisher.publish(kafka, topics, targets);

            assertThat(recordsOn(kafka, topics.targets().name(), 6)).isEqualTo(TARGETS);
        }
    }

    private static long recordsOn(Map<String, Object> kafka, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(kafka)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
