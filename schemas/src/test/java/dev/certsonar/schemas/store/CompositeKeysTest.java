package dev.certsonar.schemas.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class CompositeKeysTest {

    static Stream<Arguments> parts() {
        return Stream.of(
                argumentSet("plain names stay as they are", List.of("shop", "tls://shop.example.com:443"),
                        "shop|tls://shop.example.com:443"),
                argumentSet("a separator in a part is escaped", List.of("a|b", "id"), "a\\|b|id"),
                argumentSet("a backslash in a part is escaped", List.of("a\\", "id"), "a\\\\|id"),
                argumentSet("both, and an empty part", List.of("\\|", "", "x"), "\\\\\\|||x"),
                argumentSet("one part", List.of("only"), "only"));
    }

    @ParameterizedTest
    @MethodSource("parts")
    void aKeyJoinsItsEscapedPartsAndSplitsBackIntoThem(List<String> parts, String key) {
        assertThat(CompositeKeys.of(parts.toArray(String[]::new))).isEqualTo(key);
        assertThat(CompositeKeys.split(key)).isEqualTo(parts);
        for (String part : parts) {
            assertThat(CompositeKeys.unescape(CompositeKeys.escape(part))).isEqualTo(part);
        }
    }

    @Test
    void thePrefixOfAServiceBeginsNoKeyOfAServiceWhoseNameExtendsIt() {
        String prefix = CompositeKeys.prefix("a");
        assertThat(CompositeKeys.of("a", "alert-1")).startsWith(prefix);
        assertThat(CompositeKeys.of("a|b", "alert-2")).doesNotStartWith(prefix);
        assertThat(CompositeKeys.of("a\\", "alert-3")).doesNotStartWith(prefix);
        assertThat(CompositeKeys.of("a\\|b", "alert-4")).doesNotStartWith(prefix);
        assertThat(CompositeKeys.of("a|b", "alert-2")).startsWith(CompositeKeys.prefix("a|b"));
    }

    @Test
    void thePrefixOfSomePartsBeginsTheKeysOfMore() {
        assertThat(CompositeKeys.of("svc", "target|1", "endpoint")).startsWith(CompositeKeys.prefix("svc", "target|1"));
        assertThat(CompositeKeys.of("svc", "target|10", "endpoint")).doesNotStartWith(CompositeKeys.prefix("svc", "target|1"));
    }
}
