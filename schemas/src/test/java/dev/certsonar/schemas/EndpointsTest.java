package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Endpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class EndpointsTest {

    static Stream<Arguments> endpoints() {
        return Stream.of(
                argumentSet("IPv4 with sni", "10.0.0.5", 443, "pay.example.com", "10.0.0.5:443 sni=pay.example.com"),
                argumentSet("IPv4 without sni", "192.0.2.7", 8443, null, "192.0.2.7:8443"),
                argumentSet("IPv6 loopback", "::1", 443, null, "[::1]:443"),
                argumentSet("IPv6 with sni", "2001:db8::7", 993, "mail.example.com", "[2001:db8::7]:993 sni=mail.example.com"));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void describe(String address, int port, String sni, String expected) {
        Endpoint e = Endpoint.newBuilder().setAddress(address).setPort(port).setSni(sni).build();

        assertThat(Endpoints.describe(e)).isEqualTo(expected);
        assertThat(Endpoints.key(e)).isEqualTo(expected);
    }
}
