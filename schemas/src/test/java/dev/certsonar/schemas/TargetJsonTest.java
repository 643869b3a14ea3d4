package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class TargetJsonTest {

    @Test
    void theInterfacesExampleMapsEveryField() {
        Target t = TargetJson.fromJson("shop-prod", """
                {"service":"shop","owner":"team-web","host":"shop.example.com","port":443,
                 "sni":"shop.example.com","protocol":"tls","labels":{"env":"prod"},
                 "interval":"6h","warnDays":30,"warnFraction":0.25,"criticalDays":7,"criticalFraction":0.1}
                """);

        assertThat(t).isEqualTo(Target.newBuilder()
                .setId("shop-prod")
                .setService("shop")
                .setOwner("team-web")
                .setHost("shop.example.com")
                .setPorts(List.of(443))
                .setSni("shop.example.com")
                .setProtocol(Protocol.TLS)
                .setLabels(Map.of("env", "prod"))
                .setIntervalMillis(Duration.ofHours(6).toMillis())
                .setWarnDays(30.0)
                .setWarnFraction(0.25)
                .setCriticalDays(7.0)
                .setCriticalFraction(0.1)
                .build());
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                argumentSet("only host: tls, port 443, service = host, default id",
                        null, "{\"host\":\"a.example.com\"}",
                        "tls://a.example.com:443", "a.example.com", Protocol.TLS, List.of(443)),
                argumentSet("the record key is the id",
                        "my-key", "{\"host\":\"a.example.com\"}",
                        "my-key", "a.example.com", Protocol.TLS, List.of(443)),
                argumentSet("an id field without a key",
                        null, "{\"id\":\"x\",\"host\":\"a.example.com\"}",
                        "x", "a.example.com", Protocol.TLS, List.of(443)),
                argumentSet("smtp defaults to port 25",
                        null, "{\"host\":\"mail.example.com\",\"protocol\":\"smtp\"}",
                        "smtp://mail.example.com:25", "mail.example.com", Protocol.SMTP, List.of(25)),
                argumentSet("postgres defaults to port 5432",
                        null, "{\"host\":\"db\",\"protocol\":\"postgres\",\"service\":\"billing\"}",
                        "postgres://db:5432", "billing", Protocol.POSTGRES, List.of(5432)),
                argumentSet("protocol case is ignored",
                        null, "{\"host\":\"h\",\"protocol\":\"IMAPS\"}",
                        "imaps://h:993", "h", Protocol.IMAPS, List.of(993)),
                argumentSet("ports list, sni in the id",
                        null, "{\"host\":\"h\",\"ports\":[443,8443],\"sni\":\"s.example.com\"}",
                        "tls://h:443,8443#s.example.com", "h", Protocol.TLS, List.of(443, 8443)),
                argumentSet("IPv6 host in brackets in the id",
                        null, "{\"host\":\"2001:db8::1\",\"port\":8443}",
                        "tls://[2001:db8::1]:8443", "2001:db8::1", Protocol.TLS, List.of(8443)),
                argumentSet("CIDR range",
                        null, "{\"host\":\"10.0.0.0/24\",\"protocol\":\"https\"}",
                        "https://10.0.0.0/24:443", "10.0.0.0/24", Protocol.HTTPS, List.of(443)),
                argumentSet("nulls are as if absent",
                        null, "{\"host\":\"h\",\"owner\":null,\"sni\":null,\"port\":null,\"labels\":null}",
                        "tls://h:443", "h", Protocol.TLS, List.of(443)));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void maps(String key, String json, String id, String service, Protocol protocol, List<Integer> ports) {
        Target t = TargetJson.fromJson(key, json);

        assertThat(t.getId()).isEqualTo(id);
        assertThat(t.getService()).isEqualTo(service);
        assertThat(t.getProtocol()).isEqualTo(protocol);
        assertThat(t.getPorts()).isEqualTo(ports);
    }

    static Stream<Arguments> intervals() {
        return Stream.of(
                argumentSet("short form", "\"6h\"", Duration.ofHours(6)),
                argumentSet("ISO-8601", "\"PT6H\"", Duration.ofHours(6)),
                argumentSet("number of seconds", "3600", Duration.ofHours(1)),
                argumentSet("fractional seconds", "1.5", Duration.ofMillis(1500)),
                argumentSet("days", "\"7d\"", Duration.ofDays(7)));
    }

    @ParameterizedTest
    @MethodSource("intervals")
    void interval(String value, Duration expected) {
        Target t = TargetJson.fromJson(null, "{\"host\":\"h\",\"interval\":" + value + "}");

        assertThat(t.getIntervalMillis()).isEqualTo(expected.toMillis());
    }

    @Test
    void aThresholdAloneIsLeftToThePolicyItWillBeAppliedTo() {
        Target t = TargetJson.fromJson(null, "{\"host\":\"h\",\"criticalDays\":40}");

        assertThat(t.getCriticalDays()).isEqualTo(40.0);
        assertThat(t.getWarnDays()).isNull();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                argumentSet("missing host", "{\"port\":443}", "host", "field 'host' is required"),
                argumentSet("host null", "{\"host\":null}", "host", "field 'host' is required"),
                argumentSet("host not a string", "{\"host\":42}", "host", "field 'host' must be a string, found a number 42"),
                argumentSet("host empty", "{\"host\":\"  \"}", "host", "field 'host' is empty"),
                argumentSet("host with a space", "{\"host\":\"a b\"}", "host", "field 'host' must not contain spaces"),
                argumentSet("unknown field", "{\"host\":\"h\",\"prot\":\"tls\"}", "prot", "unknown field 'prot' (known fields: id, service"),
                argumentSet("port zero", "{\"host\":\"h\",\"port\":0}", "port", "field 'port': 0 is not a port number (1..65535)"),
                argumentSet("port too large", "{\"host\":\"h\",\"port\":65536}", "port", "field 'port': 65536 is not a port number (1..65535)"),
                argumentSet("port as a string", "{\"host\":\"h\",\"port\":\"443\"}", "port", "field 'port' must be a port number 1..65535, found a string \"443\""),
                argumentSet("port fractional", "{\"host\":\"h\",\"port\":443.5}", "port", "found a number 443.5"),
                argumentSet("port and ports", "{\"host\":\"h\",\"port\":443,\"ports\":[443]}", "ports", "'port' and 'ports' are both given"),
                argumentSet("ports not a list", "{\"host\":\"h\",\"ports\":443}", "ports", "field 'ports' must be a list of port numbers, found a number 443"),
                argumentSet("ports empty", "{\"host\":\"h\",\"ports\":[]}", "ports", "field 'ports' is empty"),
                argumentSet("a bad port in the list", "{\"host\":\"h\",\"ports\":[443,70000]}", "ports[1]", "field 'ports[1]': 70000 is not a port number"),
                argumentSet("a port twice", "{\"host\":\"h\",\"ports\":[443,443]}", "ports[1]", "port 443 is listed twice"),
                argumentSet("unknown protocol", "{\"host\":\"h\",\"protocol\":\"gopher\"}", "protocol", "field 'protocol': unknown protocol 'gopher': use one of tls, https, smtp"),
                argumentSet("protocol unknown symbol", "{\"host\":\"h\",\"protocol\":\"unknown\"}", "protocol", "unknown protocol 'unknown'"),
                argumentSet("label not a string", "{\"host\":\"h\",\"labels\":{\"env\":1}}", "labels.env", "field 'labels.env' must be a string, found a number 1"),
                argumentSet("labels not an object", "{\"host\":\"h\",\"labels\":[\"env\"]}", "labels", "field 'labels' must be an object"),
                argumentSet("interval not a duration", "{\"host\":\"h\",\"interval\":\"soon\"}", "interval", "field 'interval': invalid duration 'soon'"),
                argumentSet("interval zero", "{\"host\":\"h\",\"interval\":0}", "interval", "field 'interval': 0s is not a positive duration"),
                argumentSet("interval negative", "{\"host\":\"h\",\"interval\":\"-PT1H\"}", "interval", "field 'interval': PT-1H is not a positive duration"),
                argumentSet("interval a boolean", "{\"host\":\"h\",\"interval\":true}", "interval", "found a boolean true"),
                argumentSet("warnDays a string", "{\"host\":\"h\",\"warnDays\":\"30\"}", "warnDays", "field 'warnDays' must be a number, found a string \"30\""),
                argumentSet("criticalDays negative", "{\"host\":\"h\",\"criticalDays\":-1}", "criticalDays", "field 'criticalDays': -1.0 is not a number of days (0 or more)"),
                argumentSet("warnFraction above 1", "{\"host\":\"h\",\"warnFraction\":1.5}", "warnFraction", "field 'warnFraction': 1.5 is not a fraction of the lifetime (0 to 1)"),
                argumentSet("criticalDays above its own warnDays", "{\"host\":\"h\",\"warnDays\":30,\"criticalDays\":40}", "criticalDays",
                        "field 'criticalDays': criticalDays (40.0) must not be more than warnDays (30.0)"),
                argumentSet("criticalFraction above its own warnFraction", "{\"host\":\"h\",\"warnFraction\":0.2,\"criticalFraction\":0.5}",
                        "criticalFraction", "field 'criticalFraction': criticalFraction (0.5) must not be more than warnFraction (0.2)"),
                argumentSet("owner a list", "{\"host\":\"h\",\"owner\":[\"a\"]}", "owner", "field 'owner' must be a string, found a list [\"a\"]"),
                argumentSet("not an object", "[{\"host\":\"h\"}]", null, "expected a JSON object, found a list"),
                argumentSet("not JSON", "host=h", null, "not valid JSON"),
                argumentSet("truncated JSON", "{\"host\":\"h\"", null, "not valid JSON"),
                argumentSet("duplicate field", "{\"host\":\"h\",\"host\":\"i\"}", null, "Duplicate field 'host'"),
                argumentSet("trailing text", "{\"host\":\"h\"} x", null, "not valid JSON"),
                argumentSet("empty", "", null, "empty value"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNamingTheField(String json, String field, String message) {
        assertThatThrownBy(() -> TargetJson.fromJson(null, json))
                .isInstanceOf(InvalidTargetException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("invalid target: ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidTargetException) e).field()).isEqualTo(field));
    }

    @Test
    void utf8BeyondUnicodeIsAnError() {
        // F4 98 98 98 would be U+118618, past the last code point: Jackson reads it as lone surrogates
        byte[] json = "{\"host\":\"a.\u0000\u0000\u0000\u0000.test\",\"labels\":{}}".getBytes(StandardCharsets.ISO_8859_1);
        json[11] = (byte) 0xF4;
        json[12] = json[13] = json[14] = (byte) 0x98;

        assertThatThrownBy(() -> TargetJson.fromJson(null, json))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("invalid target: field 'host' is not valid UTF-8 text");
    }

    @Test
    void anIdDifferentFromTheKeyIsAnError() {
        assertThatThrownBy(() -> TargetJson.fromJson("k", "{\"id\":\"other\",\"host\":\"h\"}"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("invalid target: field 'id' is \"other\" but the record key is \"k\": leave 'id' out or make them equal");
    }

    @Test
    void toJsonReadsBackEqual() {
        Target target = Samples.target();

        String json = TargetJson.toJson(target);

        assertThat(json).contains("\"protocol\":\"https\"", "\"interval\":\"6h\"", "\"ports\":[443,8443]");
        assertThat(TargetJson.fromJson(null, json)).isEqualTo(target);
        assertThat(TargetJson.fromJson(target.getId(), json)).isEqualTo(target);
    }

    @Test
    void aSinglePortIsWrittenAsPort() {
        Target target = TargetJson.fromJson(null, "{\"host\":\"h\",\"protocol\":\"smtp\"}");

        assertThat(TargetJson.toJson(target))
                .isEqualTo("{\"id\":\"smtp://h:25\",\"service\":\"h\",\"host\":\"h\",\"port\":25,\"protocol\":\"smtp\"}");
    }

    @Test
    void theTargetsSerdeReadsJsonAndAvroAndWritesAvro() {
        TargetSerde serde = new TargetSerde();
        byte[] json = "{\"host\":\"h\",\"service\":\"s\"}".getBytes(StandardCharsets.UTF_8);

        Target fromJson = serde.deserializer().deserialize("certsonar.targets", json);
        byte[] avro = serde.serializer().serialize("certsonar.targets", fromJson);

        assertThat(AvroSerde.isSingleObject(avro)).isTrue();
        assertThat(serde.deserializer().deserialize("certsonar.targets", avro)).isEqualTo(fromJson);
        assertThat(serde.decode("key-1", avro).getId()).isEqualTo("key-1");
        assertThat(serde.deserializer().deserialize("certsonar.targets", null)).isNull();
    }

    @Test
    void theTargetsSerdeNamesTopicAndField() {
        TargetSerde serde = new TargetSerde();

        assertThatThrownBy(() -> serde.deserializer().deserialize("certsonar.targets", "{\"port\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("topic certsonar.targets: invalid target: field 'host' is required (a DNS name, an IP address or a CIDR range)");
    }
}
