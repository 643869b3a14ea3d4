package dev.certsonar.schemas;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidValueExceptionTest {

    @Test
    void theMessageIsTheFieldThenTheProblem() {
        InvalidValueException e = new InvalidValueException("timeout", "0s is not a positive duration");

        assertThat(e).hasMessage("timeout: 0s is not a positive duration");
        assertThat(e.field()).isEqualTo("timeout");
        assertThat(e.fields()).containsExactly("timeout");
        assertThat(e.problem()).isEqualTo("0s is not a positive duration");
    }

    @Test
    void underANestedValueTheFieldsBecomePaths() {
        InvalidValueException tied = new InvalidValueException(List.of("criticalDays", "warnDays"), "crossing");

        assertThat(tied.under("policy").fields()).containsExactly("policy.criticalDays", "policy.warnDays");
        assertThat(tied.under("policy")).hasMessage("policy.criticalDays: crossing").hasCause(tied);
        assertThat(new InvalidValueException("[1]", "empty").under("deny").field()).isEqualTo("deny[1]");
        assertThat(new InvalidValueException("name", "taken").under("channels[2]").field()).isEqualTo("channels[2].name");
    }
}
