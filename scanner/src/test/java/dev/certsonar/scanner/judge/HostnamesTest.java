package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.net.Addresses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Reference identities per RFC 9525, each case named by the rule it checks. */
class HostnamesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                argumentSet("6.3: exact name", "api.example.com", List.of("api.example.com"), List.of(), true),
                argumentSet("6.3: case-insensitive", "API.Example.COM", List.of("api.example.com"), List.of(), true),
                argumentSet("6.3: a trailing dot on the reference", "api.example.com.", List.of("api.example.com"), List.of(), true),
                argumentSet("6.3: a trailing dot on the SAN", "api.example.com", List.of("api.example.com."), List.of(), true),
                argumentSet("6.3: a wildcard covers one label", "api.example.com", List.of("*.example.com"), List.of(), true),
                argumentSet("6.3: a wildcard does not cover two labels", "a.b.example.com", List.of("*.example.com"), List.of(), false),
                argumentSet("6.3: a wildcard does not cover the bare domain", "example.com", List.of("*.example.com"), List.of(), false),
                argumentSet("6.3: a partial-label wildcard is not honoured", "api.example.com", List.of("a*.example.com"), List.of(), false),
                argumentSet("6.3: a wildcard not in the left-most label", "api.example.com", List.of("api.*.com"), List.of(), false),
                argumentSet("6.3: a wildcard over a single-label suffix", "example.com", List.of("*.com"), List.of(), false),
                argumentSet("6.3, PSL: no wildcard over a public suffix (co.uk)", "example.co.uk", List.of("*.co.uk"), List.of(), false),
                argumentSet("6.3, PSL: no wildcard over a public suffix (gov.uk's sibling ac.jp)", "u-tokyo.ac.jp", List.of("*.ac.jp"), List.of(), false),
                argumentSet("6.3, PSL: a wildcard under a registered domain of a public suffix", "www.example.co.uk", List.of("*.example.co.uk"), List.of(), true),
                argumentSet("6.3, PSL: a private suffix is a registrable domain (github.io)", "octocat.github.io", List.of("*.github.io"), List.of(), true),
                argumentSet("6.1: no CN fallback: no SANs, no match", "api.example.com", List.of(), List.of(), false),
                argumentSet("IDNA 2008: a U-label reference matches the A-label SAN", "bücher.example", List.of("xn--bcher-kva.example"), List.of(), true),
                argumentSet("IDNA 2008: a U-label under a wildcard", "bücher.example.org", List.of("*.example.org"), List.of(), true),
                argumentSet("IDNA 2008: ß is kept (xn--fa-hia), not mapped to ss", "faß.example", List.of("xn--fa-hia.example"), List.of(), true),
                argumentSet("IDNA 2008: ß does not match the IDNA 2003 mapping", "faß.example", List.of("fass.example"), List.of(), false),
                argumentSet("IDNA 2008: an upper-case U-label is mapped", "BÜCHER.example", List.of("xn--bcher-kva.example"), List.of(), true),
                argumentSet("IDNA 2008: a name that breaks the bidi rule matches nothing", "\u05d0a.example", List.of("xn--a-0hc.example"), List.of(), false),
                argumentSet("6.3: a SAN that is not ASCII matches nothing", "bücher.example", List.of("bücher.example"), List.of(), false),
                argumentSet("6.2: an IP address matches an iPAddress SAN", "192.0.2.7", List.of("api.example.com"), List.of("192.0.2.7"), true),
                argumentSet("6.2: an IP address never matches a dNSName SAN", "192.0.2.7", List.of("192.0.2.7", "*.0.2.7"), List.of(), false),
                argumentSet("6.2: IPv6 compared as addresses", "2001:db8::1", List.of(), List.of("2001:db8:0:0:0:0:0:1"), true),
                argumentSet("6.2: a DNS name never matches an iPAddress SAN", "localhost", List.of(), List.of("127.0.0.1"), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPerRfc9525(String reference, List<String> dnsNames, List<String> ipAddresses, boolean expected) {
        Hostnames.Sans sans = new Hostnames.Sans(dnsNames,
                ipAddresses.stream().map(a -> Addresses.literal(a).orElseThrow()).toList());
        assertThat(Hostnames.matches(reference, sans)).isEqualTo(expected);
    }
}
