package dev.certsonar.schemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {

    @Test
    void defaultNames() {
        assertThat(Topics.DEFAULT.prefix()).isEqualTo("certsonar.");
        assertThat(Topics.DEFAULT.names()).containsExactly("certsonar.targets", "certsonar.scan-requests",
                "certsonar.observations", "certsonar.service-status", "certsonar.alerts",
                "certsonar.alerts-undeliverable", "certsonar.dead-letters", "certsonar.silences",
                "certsonar.acknowledgements", "certsonar.exceptions", "certsonar.alert-states",
                "certsonar.scanner-heartbeats");
        assertThat(Topics.DEFAULT.compacted()).containsExactly("certsonar.targets", "certsonar.service-status",
                "certsonar.silences", "certsonar.acknowledgements", "certsonar.exceptions", "certsonar.alert-states",
                "certsonar.scanner-heartbeats");
        assertThat(Topics.DEFAULT.all()).hasSize(12);
    }

    @Test
    void prefixed() {
        Topics topics = Topics.withPrefix("test-1.");

        assertThat(topics.alerts().name()).isEqualTo("test-1.alerts");
        assertThat(topics).isEqualTo(Topics.withPrefix("test-1.")).isNotEqualTo(Topics.DEFAULT);
        assertThat(Topics.withPrefix("").targets().name()).isEqualTo("targets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b.", "certsonar/", "ü."})
    void illegalPrefix(String prefix) {
        assertThatThrownBy(() -> Topics.withPrefix(prefix))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("prefix"))
                .hasMessageStartingWith("prefix: '" + prefix + "' has characters Kafka does not allow");
    }

    @Test
    void tooLongPrefix() {
        assertThatThrownBy(() -> Topics.withPrefix("x".repeat(240))).hasMessageContaining("is too long");
    }
}
