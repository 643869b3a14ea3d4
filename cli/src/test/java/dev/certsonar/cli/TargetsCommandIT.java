package dev.certsonar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class TargetsCommandIT {

    private EmbeddedKafkaBroker broker;
    private String prefix;

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) {
        this.broker = broker;
        this.prefix = "t-" + UUID.randomUUID() + ".";
    }

    @Test
    void addedTargetsAreListedUntilRemoved() throws Exception {
        CommandRun added = targets("add", "shop.example.com", "--service", "shop", "--owner", "team-web",
                "--label", "env=prod", "--label", "tier=1");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("added tls://shop.example.com:443 (service shop) to " + prefix + "targets");

        CommandRun mail = targets("add", "smtp://mail.example.com:587", "--owner", "team-mail");
        assertThat(mail.exitCode()).as(mail.err()).isZero();

        CommandRun list = targets("list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).containsExactly(
                "ID                           SERVICE           OWNER      HOST              PORTS  PROTOCOL  SNI  LABELS",
                "smtp://mail.example.com:587  mail.example.com  team-mail  mail.example.com  587    smtp      -    -",
                "tls://shop.example.com:443   shop              team-web   shop.example.com  443    tls       -    env=prod,tier=1");

        CommandRun json = targets("list", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        List<JsonNode> lines = json.out().lines().map(TargetsCommandIT::parse).toList();
        assertThat(lines).hasSize(2);
        JsonNode shop = lines.get(1);
        assertThat(shop.get("id").asText()).isEqualTo("tls://shop.example.com:443");
        assertThat(shop.get("service").asText()).isEqualTo("shop");
        assertThat(shop.get("owner").asText()).isEqualTo("team-web");
        assertThat(shop.get("host").asText()).isEqualTo("shop.example.com");
        assertThat(shop.get("labels").get("env").asText()).isEqualTo("prod");

        CommandRun removed = targets("remove", "tls://shop.example.com:443");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed tls://shop.example.com:443");

        CommandRun afterRemove = targets("list");
        assertThat(afterRemove.out()).doesNotContain("shop.example.com").contains("smtp://mail.example.com:587");
    }

    @Test
    void theTargetsTopicIsCreatedCompacted() throws Exception {
        assertThat(targets("add", "example.com").exitCode()).isZero();

        try (Admin admin = Admin.create(broker.clientProperties())) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, prefix + "targets");
            Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void importPublishesEveryTargetOfTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("targets.txt");
        Files.writeString(file, """
                # web
                shop.example.com:8443   service=shop owner=team-web
                imaps://mail.example.com service=mail   # the mail server

                [2001:db8::1]:443 id=v6-host sni=v6.example.com
                """);

        CommandRun imported = targets("import", file.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 3 targets from " + file);

        CommandRun list = targets("list");
        assertThat(list.out()).contains("tls://shop.example.com:8443", "imaps://mail.example.com:993", "v6-host");
        assertThat(Stream.of(list.out().split("\n")).filter(l -> l.startsWith("v6-host")).findFirst().orElseThrow())
                .contains("2001:db8::1", "v6.example.com");
    }

    @Test
    void aBadTargetsFileNamesFileAndLineAndPublishesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("targets.txt");
        Files.writeString(file, "shop.example.com\nmail.example.com colour=blue\n");

        CommandRun imported = targets("import", file.toString());

        assertThat(imported.exitCode()).isEqualTo(3);
        assertThat(imported.err()).contains(file + ":2: unknown key 'colour'");
        assertThat(targets("list").out()).doesNotContain("shop.example.com");
    }

    @Test
    void aTargetWhoseThresholdsBreakThePolicysRulesIsRefusedNamingTargetAndField(@TempDir Path dir) throws Exception {
        CommandRun added = targets("add", "shop.example.com", "--threshold", "criticalDays=40");
        assertThat(added.exitCode()).isEqualTo(3);
        assertThat(added.err()).contains("target tls://shop.example.com:443: criticalDays: criticalDays (40.0) must not be "
                + "more than warnDays (30.0); warnDays comes from the policy");

        Path file = Files.writeString(dir.resolve("targets.txt"), "mail.example.com\nshop.example.com warnDays=10 criticalDays=20\n");
        CommandRun imported = targets("import", file.toString());
        assertThat(imported.exitCode()).isEqualTo(3);
        assertThat(imported.err()).contains(file + ":2: 'shop.example.com': criticalDays: criticalDays (20.0) must not be "
                + "more than warnDays (10.0)");
        assertThat(targets("list").out()).doesNotContain("example.com");
    }

    @Test
    void aTargetsOwnThresholdsThatFitTheConfiguredPolicyArePublished(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("certsonar.yaml"), "policy: {warnDays: 60}\n");
        Path file = Files.writeString(dir.resolve("targets.txt"), "mail.example.com criticalDays=40\n");

        CommandRun added = targets("add", "shop.example.com", "--threshold", "criticalDays=40", "--threshold", "warnFraction=0.5",
                "--config", config.toString());
        assertThat(added.exitCode()).as(added.err()).isZero();
        CommandRun imported = targets("import", file.toString(), "--config", config.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        CommandRun refused = targets("import", file.toString());
        assertThat(refused.err()).contains(file + ":1: target tls://mail.example.com:443: criticalDays: ");

        List<JsonNode> listed = targets("list", "--json").out().lines().map(TargetsCommandIT::parse).toList();
        assertThat(listed).extracting(t -> t.get("id").asText()).containsExactly("tls://mail.example.com:443", "tls://shop.example.com:443");
        assertThat(listed.get(1).get("criticalDays").asDouble()).isEqualTo(40.0);
        assertThat(listed.get(1).get("warnFraction").asDouble()).isEqualTo(0.5);
        assertThat(listed.get(0).get("criticalDays").asDouble()).isEqualTo(40.0);
    }

    @Test
    void removingAnUnknownIdFailsAndATargetSpecFindsItsId() throws Exception {
        assertThat(targets("add", "api.example.com:8443").exitCode()).isZero();

        CommandRun unknown = targets("remove", "tls://nothing.example.com:443");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no target with id tls://nothing.example.com:443");

        CommandRun bySpec = targets("remove", "api.example.com:8443");
        assertThat(bySpec.exitCode()).as(bySpec.err()).isZero();
        assertThat(bySpec.out()).contains("removed tls://api.example.com:8443");
        assertThat(targets("list").out()).doesNotContain("api.example.com");
    }

    @Test
    void listingATopicThatDoesNotExistShowsNoTargets() {
        CommandRun list = targets("list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.err()).contains("no targets on " + prefix + "targets");
    }

    private CommandRun targets(String... args) {
        String[] all = Stream.concat(Stream.of("targets"), Stream.concat(Stream.of(args),
                Stream.of("--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", prefix))).toArray(String[]::new);
        return CommandRun.of(all);
    }

    private static JsonNode parse(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
