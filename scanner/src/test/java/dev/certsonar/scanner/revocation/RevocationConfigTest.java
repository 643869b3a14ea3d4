package dev.certsonar.scanner.revocation;

import dev.certsonar.schemas.InvalidValueException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevocationConfigTest {

    @Test
    void theDefaultsAreOnAndBounded() {
        RevocationConfig d = RevocationConfig.DEFAULT;
        assertThat(d.enabled()).isTrue();
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.maxCrlBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(d.grace()).isEqualTo(Duration.ofHours(24));
        assertThat(RevocationConfig.OFF.enabled()).isFalse();
    }

    @Test
    void aValueOutsideItsRuleIsNamed() {
        assertThatThrownBy(() -> RevocationConfig.DEFAULT.withTimeout(Duration.ZERO))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("timeout:");
        assertThatThrownBy(() -> RevocationConfig.DEFAULT.withMaxCrlBytes(100))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("maxCrlBytes:");
        assertThatThrownBy(() -> RevocationConfig.DEFAULT.withMaxCacheEntries(0))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("maxCacheEntries:");
        assertThatThrownBy(() -> RevocationConfig.DEFAULT.withGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("grace:");
        assertThatThrownBy(() -> new RevocationConfig(true, Duration.ofSeconds(1), 4096, 1, 1024, Duration.ofHours(1),
                Duration.ZERO, Duration.ZERO, 1)).isInstanceOf(InvalidValueException.class).hasMessageStartingWith("maxCacheBytes:");
    }
}
