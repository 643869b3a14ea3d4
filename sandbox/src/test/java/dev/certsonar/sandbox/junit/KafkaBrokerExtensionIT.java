package dev.certsonar.sandbox.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionIT {

    private static EmbeddedKafkaBroker fromBeforeAll;
    private EmbeddedKafkaBroker fromBeforeEach;

    @BeforeAll
    static void beforeAll(EmbeddedKafkaBroker broker) {
        fromBeforeAll = broker;
    }

    @BeforeEach
    void beforeEach(EmbeddedKafkaBroker broker) {
        fromBeforeEach = broker;
    }

    @Test
    void everyPlaceGetsTheSameRunningBroker(EmbeddedKafkaBroker broker) throws Exception {
        assertThat(broker).isSameAs(fromBeforeAll).isSameAs(fromBeforeEach).isSameAs(KafkaBrokerExtension.broker());
        String topic = "t-" + UUID.randomUUID() + ".shared";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(java.util.List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains(topic);
        }
    }
}
