package dev.certsonar.scanner.target;

import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class TargetSpecsTest {

    static Stream<Arguments> forms() {
        return Stream.of(
                argumentSet("bare host", "api.example.com", "api.example.com", 443, Protocol.TLS, "tls://api.example.com:443"),
                argumentSet("host and port", "api.example.com:8443", "api.example.com", 8443, Protocol.TLS, "tls://api.example.com:8443"),
                argumentSet("IPv4 and port", "192.0.2.7:443", "192.0.2.7", 443, Protocol.TLS, "tls://192.0.2.7:443"),
                argumentSet("bracketed IPv6 and port", "[2001:db8::1]:8443", "2001:db8::1", 8443, Protocol.TLS, "tls://[2001:db8::1]:8443"),
                argumentSet("bare IPv6", "2001:db8::1", "2001:db8::1", 443, Protocol.TLS, "tls://[2001:db8::1]:443"),
                argumentSet("CIDR and port", "10.0.0.0/24:443", "10.0.0.0/24", 443, Protocol.TLS, "tls://10.0.0.0/24:443"),
                argumentSet("smtp scheme, default port", "smtp://mail.example.com", "mail.example.com", 25, Protocol.SMTP, "smtp://mail.example.com:25"),
                argumentSet("submission port", "smtp://mail.example.com:587", "mail.example.com", 587, Protocol.SMTP, "smtp://mail.example.com:587"),
                argumentSet("imaps", "imaps://mail.example.com", "mail.example.com", 993, Protocol.IMAPS, "imaps://mail.example.com:993"),
                argumentSet("postgres", "postgres://db:5432", "db", 5432, Protocol.POSTGRES, "postgres://db:5432"),
                argumentSet("postgresql scheme, default port", "postgresql://db", "db", 5432, Protocol.POSTGRES, "postgres://db:5432"),
                argumentSet("IPv6 range and port", "[2001:db8::/120]:443", "2001:db8::/120", 443, Protocol.TLS, "tls://[2001:db8::/120]:443"),
                argumentSet("https with a path", "https://shop.example.com/cart", "shop.example.com", 443, Protocol.HTTPS, "https://shop.example.com:443"),
                argumentSet("ldap", "ldap://dir.example.com", "dir.example.com", 389, Protocol.LDAP, "ldap://dir.example.com:389"),
                argumentSet("mysql", "mysql://db.example.com", "db.example.com", 3306, Protocol.MYSQL, "mysql://db.example.com:3306"));
    }

    @ParameterizedTest
    @MethodSource("forms")
    void parsesEveryForm(String spec, String host, int port, Protocol protocol, String id) {
        Target t = TargetSpecs.parse(spec);
        assertThat(t.getHost()).isEqualTo(host);
        assertThat(t.getPorts()).containsExactly(port);
        assertThat(t.getProtocol()).isEqualTo(protocol);
        assertThat(t.getId()).isEqualTo(id);
        assertThat(t.getService()).isEqualTo(host);
        assertThat(t.getSni()).isNull();
    }

    @Test
    void settingsApply() {
        Target t = TargetSpecs.parse("mail.example.com", Map.of("protocol", "smtp", "sni", "mx.example.com",
                "service", "mail", "owner", "team-mail"), false);
        assertThat(t.getProtocol()).isEqualTo(Protocol.SMTP);
        assertThat(t.getPorts()).containsExactly(25);
        assertThat(t.getId()).isEqualTo("smtp://mail.example.com:25#mx.example.com");
        assertThat(t.getService()).isEqualTo("mail");
        assertThat(t.getOwner()).isEqualTo("team-mail");
    }

    @Test
    void badSpecsAreNamed() {
        assertThatThrownBy(() -> TargetSpecs.parse("host:0")).hasMessageContaining("port '0'");
        assertThatThrownBy(() -> TargetSpecs.parse("host:http")).hasMessageContaining("port 'http'");
        assertThatThrownBy(() -> TargetSpecs.parse("gopher://host")).hasMessageContaining("unknown protocol 'gopher'");
        assertThatThrownBy(() -> TargetSpecs.parse("bad_host!:443")).hasMessageContaining("not a valid DNS name");
        assertThatThrownBy(() -> TargetSpecs.parse("[2001:db8::1:443")).hasMessageContaining("']'");
        assertThatThrownBy(() -> TargetSpecs.parse("10.0.0.0/8:443")).hasMessageContaining("more than a /16");
        assertThatThrownBy(() -> TargetSpecs.parse("10.0.0.0/33:443"))
                .hasMessage("'10.0.0.0/33:443': \"10.0.0.0/33\" is not a CIDR range: the prefix length must be 0 to 32");
        assertThatThrownBy(() -> TargetSpecs.parse("10.0.0.256/24"))
                .hasMessage("'10.0.0.256/24': \"10.0.0.256/24\" is not a CIDR range: 256 is not an IPv4 octet");
        assertThatThrownBy(() -> TargetSpecs.parse("db", Map.of("protocol", "mssql"), false))
                .hasMessageStartingWith("unknown protocol 'mssql': use one of tls, https, smtp");
    }

    @Test
    void aRangeLargerThanASlash16NeedsAllowingLargeRanges() {
        assertThat(TargetSpecs.parse("10.0.0.0/16:443").getHost()).isEqualTo("10.0.0.0/16");
        assertThatThrownBy(() -> TargetSpecs.parse("10.0.0.0/15:443")).hasMessage(
                "'10.0.0.0/15:443': the range 10.0.0.0/15 holds 131070 addresses, more than a /16 (use --allow-large-ranges)");
        assertThat(TargetSpecs.parse("10.0.0.0/8:443", Map.of(), true).getHost()).isEqualTo("10.0.0.0/8");
        assertThatThrownBy(() -> TargetSpecs.parse("2001:db8::/96")).hasMessageContaining("more than a /16");
        assertThat(TargetSpecs.parse("2001:db8::/96", Map.of(), true).getHost()).isEqualTo("2001:db8::/96");
    }

    @Test
    void aFileHasTargetsWordsAndComments(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("targets.txt");
        Files.writeString(f, """
                # the shop
                shop.example.com sni=www.shop.example.com service=shop owner=team-web

                127.1.0.1:8443 sni=t00000.farm.test service=t00000.farm.test  # farm
                smtp://mail.example.com:587 id=mail-submission
                """);
        List<Target> targets = TargetSpecs.parseFile(f);
        assertThat(targets).extracting(Target::getId).containsExactly(
                "tls://shop.example.com:443#www.shop.example.com", "tls://127.1.0.1:8443#t00000.farm.test", "mail-submission");
        assertThat(targets.get(0).getOwner()).isEqualTo("team-web");
    }

    @Test
    void fileErrorsNameFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("targets.txt");
        Files.writeString(f, "ok.example.com\n\nok.example.com color=red\n");
        assertThatThrownBy(() -> TargetSpecs.parseFile(f)).hasMessage(f + ":3: unknown key 'color' (known: sni, service, owner, protocol, id, zone, "
                + "warnDays, warnFraction, criticalDays, criticalFraction)");
        Files.writeString(f, "ok.example.com sni\n");
        assertThatThrownBy(() -> TargetSpecs.parseFile(f)).hasMessageStartingWith(f + ":1: 'sni' is not a key=value word");
        assertThatThrownBy(() -> TargetSpecs.parseFile(dir.resolve("none.txt"))).hasMessageContaining("none.txt");
    }
}
