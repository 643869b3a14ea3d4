package dev.certsonar.scanner.judge;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class HostnamesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                argumentSet("exact name", "api.example.com", List.of("api.example.com"), true),
                argumentSet("case-insensitive", "API.Example.COM", List.of("api.example.com"), true),
                argumentSet("trailing dot on the reference", "api.example.com.", List.of("api.example.com"), true),
                argumentSet("wildcard covers one label", "api.example.com", List.of("*.example.com"), true),
                argumentSet("wildcard does not cover two labels", "a.b.example.com", List.of("*.example.com"), false),
                argumentSet("wildcard does not cover the bare domain", "example.com", List.of("*.example.com"), false),
                argumentSet("partial-label wildcard is not honoured", "api.example.com", List.of("a*.example.com"), false),
                argumentSet("wildcard not in the left-most label", "api.example.com", List.of("api.*.com"), false),
                argumentSet("wildcard over a single-label suffix", "example.com", List.of("*.com"), false),
                argumentSet("no CN fallback: no SANs, no match", "api.example.com", List.of(), false),
                argumentSet("IDN U-label reference matches the A-label SAN", "bücher.example", List.of("xn--bcher-kva.example"), true),
                argumentSet("IDN wildcard", "bücher.example.org", List.of("*.example.org"), true),
                argumentSet("IP matches an IP SAN", "192.0.2.7", List.of("api.example.com", "192.0.2.7"), true),
                argumentSet("IP never matches a DNS SAN", "192.0.2.7", List.of("192.0.2.7.example.com", "*.0.2.7"), false),
                argumentSet("IPv6 compared as addresses", "2001:db8::1", List.of("2001:db8:0:0:0:0:0:1"), true),
                argumentSet("a name never matches an IP SAN", "localhost", List.of("127.0.0.1"), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPerRfc9525(String reference, List<String> sans, boolean expected) {
        assertThat(Hostnames.matches(reference, sans)).isEqualTo(expected);
    }
}
