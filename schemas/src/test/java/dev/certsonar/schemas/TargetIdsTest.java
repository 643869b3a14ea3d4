package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class TargetIdsTest {

    static Stream<Arguments> ids() {
        return Stream.of(
                argumentSet("tls without sni", Protocol.TLS, "shop.example.com", 443, null, "tls://shop.example.com:443"),
                argumentSet("smtp with sni", Protocol.SMTP, "10.0.0.5", 25, "mail.example.com", "smtp://10.0.0.5:25#mail.example.com"),
                argumentSet("IPv6 in brackets", Protocol.HTTPS, "2001:db8::1", 443, null, "https://[2001:db8::1]:443"),
                argumentSet("IPv6 already bracketed", Protocol.TLS, "[::1]", 443, null, "tls://[::1]:443"));
    }

    @ParameterizedTest
    @MethodSource("ids")
    void defaultId(Protocol protocol, String host, int port, String sni, String expected) {
        assertThat(TargetIds.defaultId(protocol, host, port, sni)).isEqualTo(expected);
    }

    @Test
    void protocolsParseAndDefaultPorts() {
        assertThat(Protocols.parse("smtp")).isEqualTo(Protocol.SMTP);
        assertThat(Protocols.defaultPort(Protocol.SMTPS)).isEqualTo(465);
        assertThat(Protocols.defaultPort(Protocol.MYSQL)).isEqualTo(3306);
        assertThat(Protocols.known()).doesNotContain(Protocol.UNKNOWN).hasSize(Protocol.values().length - 1);
        for (Protocol p : Protocols.known()) {
            assertThat(Protocols.parse(Protocols.name(p))).isEqualTo(p);
            assertThat(Protocols.defaultPort(p)).isBetween(1, 65535);
        }
        assertThat(Protocols.parse(" PostgreSQL ")).as("the alias, any case").isEqualTo(Protocol.POSTGRES);
        assertThat(Protocols.defaultPort(Protocol.POSTGRES)).isEqualTo(5432);
        assertThat(Protocols.defaultPort(Protocol.TLS)).isEqualTo(443);
        assertThat(Protocols.implicitTls(Protocol.SMTPS)).isTrue();
        assertThat(Protocols.implicitTls(Protocol.SMTP)).isFalse();
        assertThatThrownBy(() -> Protocols.parse("gopher")).hasMessage("unknown protocol 'gopher': use one of tls, https, smtp, "
                + "smtps, imap, imaps, pop3, pop3s, ftp, ldap, ldaps, xmpp, postgres, mysql (postgresql for postgres)");
        assertThatThrownBy(() -> Protocols.parse("unknown")).hasMessageStartingWith("unknown protocol 'unknown'");
        assertThatThrownBy(() -> Protocols.defaultPort(Protocol.UNKNOWN)).hasMessageContaining("UNKNOWN");
    }
}
