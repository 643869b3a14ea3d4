package dev.certsonar.aggregator;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;

import java.util.Map;
import java.util.UUID;

/** Topics of a test of their own on the test broker: every topic under a fresh prefix, created with two partitions. */
public final class TestTopics {

    private TestTopics() {
    }

    /** Creates the topics under {@code name-RANDOM.}; {@link Topics#prefix()} tells it. */
    public static Topics create(EmbeddedKafkaBroker broker, String name) {
        Topics topics = Topics.withPrefix(name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, 2, (short) 1);
        }
        return topics;
    }

    /** The application id of a test's aggregator: its topics' prefix without the dot. */
    public static String applicationId(Topics topics) {
        return topics.prefix().substring(0, topics.prefix().length() - 1);
    }
}
