package dev.certsonar.cli.config;

import dev.certsonar.aggregator.fleet.FleetConfig;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.revocation.RevocationConfig;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.store.StoreMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ConfigLoaderTest {

    /** The example of INTERFACES.md, word for word. */
    private static final String EXAMPLE = """
            kafka:                      # passed to every Kafka client as is (security.protocol, sasl.*, ssl.*)
              bootstrap.servers: kafka-1.internal:9092
            topics: {prefix: "certsonar."}
            scanner:  {concurrency: 1024, timeout: 10s, perAddressConcurrency: 4,
                       caFiles: [], deny: ["169.254.0.0/16", "fe80::/10"], allow: []}
            policy:   {interval: 6h, warnDays: 30, warnFraction: 0.25, criticalDays: 7, criticalFraction: 0.1}
            http:     {port: 8080, bind: 127.0.0.1}
            channels:
              - {name: ops, type: webhook, url: "https://hooks.example.com/certsonar", secret: "${WEBHOOK_SECRET}"}
              - {name: console, type: log}
            routes:
              - {match: {owner: team-payments, labels: {env: prod}}, channels: [ops]}
              - {channels: [console]}   # no match: used only when no other route matched
            """;

    @TempDir
    Path dir;

    @Test
    void withoutFileEnvironmentOrFlagsTheDefaultsApply() {
        CertsonarConfig config = new ConfigLoader(Map.of()).load(null, ConfigOverrides.NONE);

        assertThat(config).isEqualTo(CertsonarConfig.DEFAULT);
        assertThat(config.kafka()).isEmpty();
        assertThat(config.topicPrefix()).isEqualTo("certsonar.");
        assertThat(config.scanner()).isEqualTo(ScannerConfig.DEFAULT);
        assertThat(config.policy()).isEqualTo(ExpiryPolicy.DEFAULT);
        assertThat(config.http()).isEqualTo(new HttpConfig(8080, "127.0.0.1"));
        assertThat(config.notifier()).isEqualTo(NotifierConfig.DEFAULT);
        assertThat(config.bootstrapServers()).isEmpty();
    }

    @Test
    void theNotifiersHoldDownRemindersAndApplicationIdComeFromItsSection() throws IOException {
        Path file = write("notifier.yaml", """
                notifier:
                  applicationId: notifier-eu
                  holdDown: {UNREACHABLE: 30m, stale: 1h}
                  holdDownObservations: 3
                  reminders: {CRITICAL: 12h, EXPIRED: 6h, WARNING: 7d}
                  keepResolved: 3d
                """);

        NotifierConfig notifier = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE).notifier();

        assertThat(notifier.applicationId()).isEqualTo("notifier-eu");
        assertThat(notifier.holdDown()).isEqualTo(Map.of("UNREACHABLE", Duration.ofMinutes(30), "STALE", Duration.ofHours(1)));
        assertThat(notifier.holdDown(ConditionType.UNREACHABLE)).contains(Duration.ofMinutes(30));
        assertThat(notifier.holdDownObservations()).isEqualTo(3);
        assertThat(notifier.reminderInterval(Severity.CRITICAL, ConditionType.EXPIRED)).contains(Duration.ofHours(6));
        assertThat(notifier.reminderInterval(Severity.CRITICAL, ConditionType.UNTRUSTED)).contains(Duration.ofHours(12));
        assertThat(notifier.reminderInterval(Severity.WARNING, ConditionType.EXPIRING)).contains(Duration.ofDays(7));
        assertThat(notifier.keepResolved()).isEqualTo(Duration.ofDays(3));
        assertThat(notifier.punctuateInterval()).isEqualTo(NotifierConfig.DEFAULT.punctuateInterval());
    }

    @Test
    void aNotifierSectionReplacesTheMapsItGivesAndKeepsTheDefaultsOfTheRest() throws IOException {
        Path file = write("notifier.yaml", "notifier: {reminders: {}}\n");

        NotifierConfig notifier = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE).notifier();

        assertThat(notifier.reminders()).as("no reminders at all").isEmpty();
        assertThat(notifier.holdDown()).isEqualTo(NotifierConfig.DEFAULT.holdDown());
        assertThat(notifier.applicationId()).isEqualTo("certsonar-notifier");
    }

    @Test
    void theExampleOfTheInterfacesReadsAsWritten() throws IOException {
        Path file = write("certsonar.yaml", EXAMPLE);

        CertsonarConfig config = new ConfigLoader(Map.of("WEBHOOK_SECRET", "s3cret")).load(file, ConfigOverrides.NONE);

        assertThat(config.source()).isEqualTo(file);
        assertThat(config.kafka()).containsExactly(Map.entry("bootstrap.servers", "kafka-1.internal:9092"));
        assertThat(config.bootstrapServers()).contains("kafka-1.internal:9092");
        assertThat(config.topicPrefix()).isEqualTo("certsonar.");
        assertThat(config.scanner().concurrency()).isEqualTo(1024);
        assertThat(config.scanner().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.scanner().perAddressConcurrency()).isEqualTo(4);
        assertThat(config.scanner().caFiles()).isEmpty();
        assertThat(config.scanner().deny()).containsExactly("169.254.0.0/16", "fe80::/10");
        assertThat(config.scanner().allow()).isEmpty();
        assertThat(config.policy()).isEqualTo(new ExpiryPolicy(Duration.ofHours(6), 30, 0.25, 7, 0.1));
        assertThat(config.http()).isEqualTo(new HttpConfig(8080, "127.0.0.1"));
        assertThat(config.channels()).containsExactly(
                new ChannelConfig("ops", "webhook", Map.of("url", "https://hooks.example.com/certsonar", "secret", "s3cret")),
                new ChannelConfig("console", "log", Map.of()));
        assertThat(config.routes()).containsExactly(
                new RouteConfig(new RouteConfig.Match("team-payments", null, Map.of("env", "prod"), null), List.of("ops")),
                new RouteConfig(null, List.of("console")));
        assertThat(config.routes().get(1).isFallback()).isTrue();
    }

    @Test
    void perAddressSpacingReadsAsADurationAndZeroTurnsItOff() throws IOException {
        Path file = write("spacing.yaml", "scanner: {perAddressSpacing: 0s}\n");

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);

        assertThat(config.scanner().perAddressSpacing()).isEqualTo(Duration.ZERO);
        assertThat(ScannerConfig.DEFAULT.perAddressSpacing()).isPositive();
    }

    @Test
    void theTlsLibraryIsChosenByNameAndAnUnknownOneIsNamedInTheError() throws IOException {
        assertThat(ScannerConfig.DEFAULT.tlsLibrary()).isEqualTo(TlsLibrary.BORINGSSL);
        Path jdk = write("jdk.yaml", "scanner: {tlsLibrary: jdk}\n");
        assertThat(new ConfigLoader(Map.of()).load(jdk, ConfigOverrides.NONE).scanner().tlsLibrary()).isEqualTo(TlsLibrary.JDK);

        Path wrong = write("wrong.yaml", "scanner:\n  tlsLibrary: openssl\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(wrong, ConfigOverrides.NONE))
                .hasMessageContaining("scanner.tlsLibrary")
                .hasMessageContaining("unknown TLS library 'openssl': expected boringssl or jdk");
    }

    @Test
    void revocationIsConfiguredUnderTheScannerAndAWrongValueIsNamedAtItsKey() throws IOException {
        assertThat(ScannerConfig.DEFAULT.revocation()).isEqualTo(RevocationConfig.DEFAULT);
        assertThat(RevocationConfig.DEFAULT.enabled()).isTrue();
        Path file = write("revocation.yaml", """
                scanner:
                  revocation: {enabled: true, timeout: 2s, maxCrlBytes: 1048576, maxCacheEntries: 50, grace: 12h,
                               maxAge: 1h, retryAfter: 1m, maxCacheBytes: 1048576, maxFetches: 4}
                """);
        RevocationConfig r = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE).scanner().revocation();
        assertThat(r).isEqualTo(new RevocationConfig(true, Duration.ofSeconds(2), 1048576, 50, 1048576L,
                Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofHours(12), 4));

        Path off = write("off.yaml", "scanner: {revocation: {enabled: false}}\n");
        assertThat(new ConfigLoader(Map.of()).load(off, ConfigOverrides.NONE).scanner().revocation().enabled()).isFalse();

        Path wrong = write("wrong.yaml", "scanner:\n  revocation:\n    maxCrlBytes: 10\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(wrong, ConfigOverrides.NONE))
                .hasMessageContaining("wrong.yaml:3: scanner.revocation.maxCrlBytes");
        Path unknown = write("unknown.yaml", "scanner:\n  revocation:\n    graze: 1h\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(unknown, ConfigOverrides.NONE))
                .hasMessageContaining("scanner.revocation.graze: unknown key");
    }

    @Test
    void thePolicySetsTheSeveritiesOfItsFindings() throws IOException {
        Path file = write("severities.yaml", "policy: {legacyProtocol: critical, lifetimeExceedsMaximum: INFO}\n");

        ExpiryPolicy policy = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE).policy();

        assertThat(policy.legacyProtocol()).isEqualTo(Severity.CRITICAL);
        assertThat(policy.lifetimeExceedsMaximum()).isEqualTo(Severity.INFO);
        assertThat(policy.warnDays()).isEqualTo(ExpiryPolicy.DEFAULT.warnDays());
    }

    @Test
    void theStoresMemoryReachesTheStreamsApplicationsAsBytes() throws IOException {
        Path file = write("stores.yaml", "stores: {memory: 96MiB}\n");

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);

        assertThat(config.kafka()).containsEntry(StoreMemory.CONFIG, 96L << 20);
        assertThat(new ConfigLoader(Map.of()).load(write("bytes.yaml", "stores: {memory: 16777216}\n"), ConfigOverrides.NONE)
                .kafka()).containsEntry(StoreMemory.CONFIG, 16L << 20);
        assertThat(new ConfigLoader(Map.of()).load(write("none.yaml", "policy: {}\n"), ConfigOverrides.NONE).kafka())
                .doesNotContainKey(StoreMemory.CONFIG);
    }

    @Test
    void anEmptyFileIsTheDefaults() throws IOException {
        Path file = write("empty.yaml", "# nothing set\n");

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);

        assertThat(config.scanner()).isEqualTo(ScannerConfig.DEFAULT);
        assertThat(config.policy()).isEqualTo(ExpiryPolicy.DEFAULT);
        assertThat(config.source()).isEqualTo(file);
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverTheFile() throws IOException {
        Path file = write("c.yaml", """
                kafka:
                  bootstrap.servers: from-file:9092
                  client.id: from-file
                  acks: all
                topics: {prefix: "file."}
                http: {port: 8081}
                """);
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "from-env:9092", "KAFKA_CLIENT_ID", "from-env",
                "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_HOME", "/opt/kafka", "PATH", "/bin");
        ConfigLoader loader = new ConfigLoader(env);

        CertsonarConfig fileAndEnv = loader.load(file, ConfigOverrides.NONE);
        assertThat(fileAndEnv.kafka()).containsOnly(
                Map.entry("bootstrap.servers", "from-env:9092"),
                Map.entry("client.id", "from-env"),
                Map.entry("acks", "all"),
                Map.entry("sasl.mechanism", "PLAIN"));
        assertThat(fileAndEnv.topicPrefix()).isEqualTo("file.");
        assertThat(fileAndEnv.http().port()).isEqualTo(8081);

        CertsonarConfig all = loader.load(file, ConfigOverrides.NONE.withBootstrapServers("from-flag:9092")
                .withTopicPrefix("flag.").withHttpPort(9000).withHttpBind("0.0.0.0"));
        assertThat(all.bootstrapServers()).contains("from-flag:9092");
        assertThat(all.kafka()).containsEntry("client.id", "from-env").containsEntry("acks", "all");
        assertThat(all.topicPrefix()).isEqualTo("flag.");
        assertThat(all.http()).isEqualTo(new HttpConfig(9000, "0.0.0.0"));

        CertsonarConfig fileOnly = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);
        assertThat(fileOnly.bootstrapServers()).contains("from-file:9092");
    }

    @Test
    void certsonarConfigNamesTheFileAndConfigFlagWinsOverIt() throws IOException {
        Path fromEnv = write("env.yaml", "topics: {prefix: env.}\n");
        Path fromFlag = write("flag.yaml", "topics: {prefix: flag.}\n");
        ConfigLoader loader = new ConfigLoader(Map.of("CERTSONAR_CONFIG", fromEnv.toString()));

        assertThat(loader.load(null, ConfigOverrides.NONE).topicPrefix()).isEqualTo("env.");
        assertThat(loader.load(fromFlag, ConfigOverrides.NONE).topicPrefix()).isEqualTo("flag.");
    }

    @Test
    void aMissingFileIsNamedWithWhereItsNameCameFrom() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(missing, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--config " + missing + ": no such file");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CERTSONAR_CONFIG", missing.toString())).load(null, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("CERTSONAR_CONFIG " + missing + ": no such file");
    }

    @Test
    void environmentVariablesExpandWithDefaultsAndEscapes() throws IOException {
        Path file = write("c.yaml", """
                kafka:
                  bootstrap.servers: ${BROKER}:${BROKER_PORT:-9092}
                  sasl.jaas.config: "price $${NOT_EXPANDED}"
                http: {port: "${HTTP_PORT}"}
                """);

        CertsonarConfig config = new ConfigLoader(Map.of("BROKER", "kafka-2", "HTTP_PORT", "8443")).load(file, ConfigOverrides.NONE);

        assertThat(config.bootstrapServers()).contains("kafka-2:9092");
        assertThat(config.kafka()).containsEntry("sasl.jaas.config", "price ${NOT_EXPANDED}");
        assertThat(config.http().port()).isEqualTo(8443);
    }

    @Test
    void caFilesResolveAgainstTheFilesFolderAndFlagsAddMore() throws IOException {
        Files.createDirectories(dir.resolve("pki"));
        Path inFile = write("pki/ca.pem", "-----BEGIN CERTIFICATE-----\n");
        Path fromFlag = write("extra.pem", "-----BEGIN CERTIFICATE-----\n");
        Path file = write("c.yaml", "scanner: {caFiles: [pki/ca.pem], allow: [10.0.0.0/8, \"2001:db8::/32\", 192.0.2.7]}\n");

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE.withCaFiles(List.of(fromFlag)));

        assertThat(config.scanner().caFiles()).containsExactly(inFile.toAbsolutePath(), fromFlag);
        assertThat(config.scanner().allow()).containsExactly("10.0.0.0/8", "2001:db8::/32", "192.0.2.7");
        assertThat(config.scanner().deny()).isEqualTo(ScannerConfig.DEFAULT_DENY);
    }

    @Test
    void routesKeepTheirMatchConditions() throws IOException {
        Path file = write("c.yaml", """
                channels:
                  - {name: pager, type: pagerduty, routingKey: abc}
                  - {name: mail, type: email, host: smtp.example.com, from: certsonar@example.com, to: [a@example.com, b@example.com], port: 587}
                routes:
                  - match: {service: payments-api, minSeverity: critical}
                    channels: [pager, mail]
                  - match: {}
                    channels: [mail]
                """);

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);

        assertThat(config.channel("mail")).get().extracting(ChannelConfig::settings)
                .isEqualTo(Map.of("host", "smtp.example.com", "from", "certsonar@example.com", "to", "a@example.com,b@example.com", "port", "587"));
        assertThat(config.routes().get(0).match()).isEqualTo(
                new RouteConfig.Match(null, "payments-api", Map.of(), Severity.CRITICAL));
        assertThat(config.routes().get(1).isFallback()).isFalse();
    }

    @Test
    void aChannelsRetrySectionSetsItsRetryPolicyAndWhatItLeavesOutIsTheDefault() throws IOException {
        Path file = write("retry.yaml", """
                channels:
                  - name: ops
                    type: webhook
                    url: https://hooks.example.com/certsonar
                    retry: {attempts: 20, initialBackoff: 2s, maxBackoff: 1m, budget: 15m}
                  - {name: pager, type: pagerduty, routingKey: R0UT1NG, retry: {budget: 90s}}
                  - {name: console, type: log}
                """);

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);

        assertThat(config.channel("ops")).get().extracting(ChannelConfig::retry).isEqualTo(
                new RetryPolicy(20, Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMinutes(15)));
        assertThat(config.channel("pager")).get().extracting(ChannelConfig::retry)
                .isEqualTo(RetryPolicy.DEFAULT.withBudget(Duration.ofSeconds(90)));
        assertThat(config.channel("console")).get().extracting(ChannelConfig::retry).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void theFleetSectionSetsHeartbeatsZonesOwnerAndTheWatchdog() throws IOException {
        Path file = write("fleet.yaml", """
                policy: {interval: 1m}
                fleet: {heartbeatInterval: 5s, behindAfter: 10m, owner: team-platform, labels: {kind: fleet}, watchdogInterval: 1m}
                """);

        CertsonarConfig config = new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE);

        assertThat(config.fleet()).isEqualTo(new FleetConfig(Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofMinutes(10), "team-platform", Map.of("kind", "fleet"), Duration.ofMinutes(1)));
        assertThat(CertsonarConfig.DEFAULT.fleet().downAfter()).isEqualTo(Duration.ofSeconds(45));
        assertThat(CertsonarConfig.DEFAULT.fleet().watchdog()).isFalse();
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                argumentSet("a zone down no sooner than its endpoints turn STALE", """
                        policy: {interval: 10s}
                        fleet: {downAfter: 30s}
                        """, "c.yaml:2: fleet.downAfter: 30s is not shorter than the time after which an endpoint is STALE"),
                argumentSet("a zone down within a heartbeat interval", """
                        fleet: {heartbeatInterval: 30s, downAfter: 20s}
                        """, "c.yaml:1: fleet.downAfter: 20s is not longer than the heartbeat interval 30s"),
                argumentSet("unknown section", """
                        kafka: {bootstrap.servers: a:9092}
                        scaner: {concurrency: 5}
                        """, "c.yaml:2: scaner: unknown key; known keys here: channels, fleet, http, kafka, notifier, policy, routes, scanner, stores, topics"),
                argumentSet("unknown key in the notifier section", """
                        notifier:
                          holdDownFor: 15m
                        """, "c.yaml:2: notifier.holdDownFor: unknown key; known keys here: applicationId, holdDown, holdDownObservations, keepResolved, reminders"),
                argumentSet("a hold-down of no condition", """
                        notifier:
                          holdDown:
                            UNREACHABL: 15m
                        """, "c.yaml:3: notifier.holdDown.UNREACHABL: not a condition (EXPIRING, EXPIRED, UNTRUSTED, HOSTNAME_MISMATCH, "
                                + "INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, UNREACHABLE, STALE, ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, FLEET_DOWN, FLEET_BEHIND, WATCHDOG, REVOKED, REVOCATION_UNKNOWN)"),
                argumentSet("a reminder of neither a severity nor a condition", """
                        notifier:
                          reminders: {CRITICAL: 24h, URGENT: 1h}
                        """, "c.yaml:2: notifier.reminders.URGENT: not a severity (INFO, WARNING, CRITICAL) or a condition"),
                argumentSet("a reminder that is no duration", """
                        notifier:
                          reminders:
                            CRITICAL: daily
                        """, "c.yaml:3: notifier.reminders.CRITICAL: \"daily\" is not a duration (write 90s, 10m, 6h, 7d or ISO-8601 like PT6H)"),
                argumentSet("a reminder without a value", """
                        notifier:
                          reminders:
                            CRITICAL:
                        """, "c.yaml:3: notifier.reminders.CRITICAL: no value (write a duration such as 15m or 24h)"),
                argumentSet("a zero hold-down", """
                        notifier:
                          holdDown: {STALE: 0s}
                        """, "c.yaml:2: notifier.holdDown.STALE: 0s is not a positive duration"),
                argumentSet("no observation to hold down for", """
                        notifier:
                          holdDownObservations: 0
                        """, "c.yaml:2: notifier.holdDownObservations: 0 is too small (at least 1)"),
                argumentSet("an empty application id", """
                        notifier: {applicationId: " "}
                        """, "c.yaml:1: notifier.applicationId: an empty application id"),
                argumentSet("unknown key in a section", """
                        scanner:
                          concurrency: 5
                          timout: 5s
                        """, "c.yaml:3: scanner.timout: unknown key; known keys here: allow, caFiles, concurrency, deny, dnsServers, dualCertificates, perAddressConcurrency, perAddressSpacing, revocation, timeout, tlsLibrary"),
                argumentSet("spacing that is no duration", """
                        scanner: {perAddressSpacing: soon}
                        """, "c.yaml:1: scanner.perAddressSpacing: \"soon\" is not a duration (write 90s, 10m, 6h, 7d or ISO-8601 like PT6H)"),
                argumentSet("unknown key in a route's match", """
                        channels: [{name: log, type: log}]
                        routes:
                          - match: {team: x}
                            channels: [log]
                        """, "c.yaml:3: routes[0].match.team: unknown key; known keys here: labels, minSeverity, owner, service"),
                argumentSet("text where a number belongs", """
                        scanner:
                          concurrency: many
                        """, "c.yaml:2: scanner.concurrency: \"many\" is not a whole number"),
                argumentSet("fraction where a whole number belongs", """
                        scanner:
                          concurrency: 1.5
                        """, "c.yaml:2: scanner.concurrency: "),
                argumentSet("map where a list belongs", """
                        scanner:
                          deny: {a: b}
                        """, "c.yaml:2: scanner.deny: expected a list"),
                argumentSet("bad duration", """
                        policy:
                          interval: 6 hours
                        """, "c.yaml:2: policy.interval: \"6 hours\" is not a duration (write 90s, 10m, 6h, 7d or ISO-8601 like PT6H)"),
                argumentSet("zero duration", """
                        scanner: {timeout: 0s}
                        """, "c.yaml:1: scanner.timeout: 0s is not a positive duration"),
                argumentSet("bad CIDR", """
                        scanner:
                          deny:
                            - 10.0.0.0/8
                            - 10.0.0.0/33
                        """, "c.yaml:4: scanner.deny[1]: \"10.0.0.0/33\" is not a CIDR range: the prefix length must be 0 to 32"),
                argumentSet("host name as CIDR", """
                        scanner: {allow: [intranet.example.com/24]}
                        """, "c.yaml:1: scanner.allow[0]: \"intranet.example.com/24\" is not a CIDR range (write an address and a prefix length, like 10.0.0.0/8 or fe80::/10)"),
                argumentSet("route naming an unknown channel", """
                        channels:
                          - {name: ops, type: log}
                        routes:
                          - {channels: [ops]}
                          - channels:
                              - ops
                              - opps
                        """, "c.yaml:7: routes[1].channels[1]: no channel named \"opps\"; channels: ops"),
                argumentSet("route without channels", """
                        routes:
                          - match: {owner: a}
                        """, "c.yaml:2: routes[0].channels: a route names at least one channel"),
                argumentSet("channel of unknown type", """
                        channels:
                          - name: chat
                            type: irc
                        """, "c.yaml:3: channels[0].type: unknown channel type \"irc\"; one of email, log, pagerduty, slack, teams, webhook"),
                argumentSet("channel without name", """
                        channels:
                          - {type: log}
                        """, "c.yaml:2: channels[0]: missing key name"),
                argumentSet("two channels of one name", """
                        channels:
                          - {name: a, type: log}
                          - {name: a, type: log}
                        """, "c.yaml:3: channels[1].name: a second channel named \"a\""),
                argumentSet("webhook without url", """
                        channels:
                          - {name: hook, type: webhook}
                        """, "c.yaml:2: channels[0]: channels[hook].url is required"),
                argumentSet("channel missing a setting the notifier needs", """
                        channels:
                          - {name: log, type: log}
                          - name: pager
                            type: pagerduty
                        """, "c.yaml:3: channels[1]: channels[pager].routingKey"),
                argumentSet("unknown key of a channel's retry", """
                        channels:
                          - name: a
                            type: log
                            retry: {attempts: 3, maxWait: 5s}
                        """, "c.yaml:4: channels[0].retry.maxWait: unknown key; known keys here: attempts, budget, initialBackoff, maxBackoff"),
                argumentSet("retry attempts that are no number", """
                        channels:
                          - name: a
                            type: log
                            retry:
                              attempts: many
                        """, "c.yaml:5: channels[0].retry.attempts: expected a whole number"),
                argumentSet("retry budget that is no duration", """
                        channels:
                          - {name: a, type: log, retry: {budget: long}}
                        """, "c.yaml:2: channels[0].retry.budget: \"long\" is not a duration"),
                argumentSet("retry without a try", """
                        channels:
                          - name: a
                            type: log
                            retry:
                              attempts: 0
                        """, "c.yaml:5: channels[0].retry.attempts: 0 is too small (at least 1)"),
                argumentSet("retry whose ceiling is below its first backoff", """
                        channels:
                          - name: a
                            type: log
                            retry:
                              initialBackoff: 10s
                              maxBackoff: 5s
                        """, "c.yaml:6: channels[0].retry.maxBackoff: maxBackoff (5s) must not be less than initialBackoff (10s)"),
                argumentSet("retry given a value", """
                        channels:
                          - {name: a, type: log, retry: 3}
                        """, "c.yaml:2: channels[0].retry: expected a map of keys"),
                argumentSet("unknown severity", """
                        channels: [{name: a, type: log}]
                        routes: [{match: {minSeverity: urgent}, channels: [a]}]
                        """, "c.yaml:2: routes[0].match.minSeverity: \"urgent\" is not a severity; one of INFO, WARNING, CRITICAL"),
                argumentSet("unset environment variable", """
                        channels:
                          - name: hook
                            type: webhook
                            url: https://hooks.example.com/x
                            secret: ${WEBHOOK_SECRET}
                        """, "c.yaml:5: channels[0].secret: the environment variable WEBHOOK_SECRET is not set"),
                argumentSet("fraction above one", """
                        policy: {warnFraction: 1.5}
                        """, "c.yaml:1: policy.warnFraction: 1.5 is not a fraction of the lifetime (0 to 1)"),
                argumentSet("critical before warning", """
                        policy:
                          warnDays: 5
                        """, "c.yaml:2: policy.warnDays: criticalDays (7.0) must not be more than warnDays (5.0)"),
                argumentSet("critical above warning, both in the file", """
                        policy:
                          warnDays: 30
                          criticalDays: 40
                        """, "c.yaml:3: policy.criticalDays: criticalDays (40.0) must not be more than warnDays (30.0)"),
                argumentSet("critical fraction above the default warning fraction", """
                        policy: {criticalFraction: 0.5}
                        """, "c.yaml:1: policy.criticalFraction: criticalFraction (0.5) must not be more than warnFraction (0.25)"),
                argumentSet("a severity that is none", """
                        policy: {legacyProtocol: LOUD}
                        """, "c.yaml:1: policy.legacyProtocol: \"LOUD\" is not a severity; one of INFO, WARNING, CRITICAL"),
                argumentSet("no probe at a time", """
                        scanner:
                          concurrency: 0
                        """, "c.yaml:2: scanner.concurrency: 0 is too small (at least 1)"),
                argumentSet("negative spacing", """
                        scanner: {perAddressSpacing: -PT1S}
                        """, "c.yaml:1: scanner.perAddressSpacing: PT-1S is a negative duration"),
                argumentSet("an empty DNS server", """
                        scanner:
                          dnsServers:
                            - 127.0.0.1
                            - ""
                        """, "c.yaml:4: scanner.dnsServers[1]: an empty DNS server"),
                argumentSet("an empty CA file name", """
                        scanner: {caFiles: [""]}
                        """, "c.yaml:1: scanner.caFiles[0]: an empty file name"),
                argumentSet("an empty bind address", """
                        http:
                          port: 8081
                          bind: " "
                        """, "c.yaml:3: http.bind: an empty address"),
                argumentSet("a channel name with a space", """
                        channels:
                          - type: log
                            name: my ops
                        """, "c.yaml:3: channels[0].name: \"my ops\" is not a channel name (letters, digits, '.', '_' and '-' only)"),
                argumentSet("a token too short to guard writes", """
                        http:
                          token: short
                        """, "c.yaml:2: http.token: a token of 5 characters is too short (at least 16)"),
                argumentSet("an empty allowed host", """
                        http:
                          allowedHosts: [console.example.com, " "]
                        """, "c.yaml:2: http.allowedHosts[1]: an empty host name"),
                argumentSet("port out of range", """
                        http:
                          port: 70000
                        """, "c.yaml:2: http.port: 70000 is not a port (0 to 65535)"),
                argumentSet("bad topic prefix", """
                        topics: {prefix: "my topics/"}
                        """, "c.yaml:1: topics.prefix: 'my topics/' has characters Kafka does not allow in topic names"),
                argumentSet("missing CA file", """
                        scanner:
                          caFiles: [missing.pem]
                        """, "c.yaml:2: scanner.caFiles[0]: no such file: "),
                argumentSet("kafka property given a map", """
                        kafka:
                          ssl: {truststore: x}
                        """, "c.yaml:2: kafka.ssl: expected a value or a list of values, not a map"),
                argumentSet("key given twice", """
                        http:
                          port: 1
                          port: 2
                        """, "c.yaml:3: not valid YAML: Duplicate field 'port'"),
                argumentSet("broken YAML", """
                        scanner: {concurrency: 5
                        policy: {}
                        """, "c.yaml:"),
                argumentSet("stores memory not a size", """
                        stores:
                          memory: lots
                        """, "c.yaml:2: stores.memory: \"lots\" is not a size (write 64MiB, 1GiB, 512KiB or a number of bytes)"),
                argumentSet("stores memory too small", """
                        stores: {memory: 1MiB}
                        """, "c.yaml:1: stores.memory: the state stores' memory must be at least 8 MiB, got 1048576 bytes"),
                argumentSet("a list instead of sections", """
                        - kafka
                        """, "c.yaml:1: the file must be a map of sections"),
                argumentSet("an alias, which would read as its anchor's name", """
                        channels:
                          - &ops {name: ops, type: log}
                        routes:
                          - {channels: [*ops]}
                        """, "c.yaml:4: routes[0].channels[0]: *ops is a YAML alias, which certsonar does not expand: write the value out"),
                argumentSet("lists in lists deeper than any section", "kafka: {a: " + "[".repeat(70) + "]".repeat(70) + "}\n",
                        "c.yaml:1: not valid YAML: Document nesting depth (65) exceeds the maximum allowed (64"));
    }

    @Test
    void aFileLargerThanAConfigurationIsNotReadToTheEnd() throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "kafka:\n" + ("  # " + "x".repeat(1000) + "\n").repeat(1100));

        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--config " + file + ": more than 1048576 bytes, too large for a configuration file");
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void aBadFileFailsNamingItsLineAndKey(String yaml, String expectedMessageStart) throws IOException {
        Path file = write("c.yaml", yaml);
        ConfigLoader loader = new ConfigLoader(Map.of());

        assertThatThrownBy(() -> loader.load(file, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class)
                .message().startsWith(file + expectedMessageStart.substring("c.yaml".length()));
    }

    @Test
    void theHttpSectionCarriesTheTokenAndAllowedHostsToTheAggregator() throws IOException {
        Path file = write("c.yaml", """
                http: {port: 9443, bind: 0.0.0.0, token: "${CONSOLE_TOKEN}", allowedHosts: [Certsonar.Example.COM]}
                """);
        CertsonarConfig config = new ConfigLoader(Map.of("CONSOLE_TOKEN", "0123456789abcdef-token")).load(file, ConfigOverrides.NONE);
        assertThat(config.http().token()).isEqualTo("0123456789abcdef-token");
        assertThat(config.http().toString()).doesNotContain("0123456789abcdef-token");
        assertThat(config.http().aggregatorSettings()).isEqualTo(new dev.certsonar.aggregator.http.HttpSettings(
                "0.0.0.0", 9443, "0123456789abcdef-token", List.of("certsonar.example.com")));
    }

    @Test
    void theAggregatorRefusesAnAddressOffLoopbackWithoutAToken() {
        CertsonarConfig config = new ConfigLoader(Map.of()).load(null, ConfigOverrides.NONE.withHttpBind("0.0.0.0"));
        assertThatThrownBy(() -> config.http().aggregatorSettings())
                .hasMessage("http.token: the HTTP server would bind to 0.0.0.0, which is not a loopback address, and writes there "
                        + "need a bearer token: set http.token (at least 16 characters), or bind to 127.0.0.1 (http.bind, --http-bind)");
    }

    @Test
    void badFlagsFailNamingTheFlag() {
        ConfigLoader loader = new ConfigLoader(Map.of());

        assertThatThrownBy(() -> loader.load(null, ConfigOverrides.NONE.withTopicPrefix("a b")))
                .hasMessageStartingWith("--topic-prefix: 'a b' has characters Kafka does not allow in topic names");
        assertThatThrownBy(() -> loader.load(null, ConfigOverrides.NONE.withCaFiles(List.of(dir.resolve("none.pem")))))
                .hasMessage("--ca-file: no such file: " + dir.resolve("none.pem"));
        assertThatThrownBy(() -> loader.load(null, ConfigOverrides.NONE.withHttpPort(-2)))
                .hasMessage("--http-port: -2 is not a port (0 to 65535)");
        assertThatThrownBy(() -> loader.load(null, ConfigOverrides.NONE.withHttpBind(" ")))
                .hasMessage("--http-bind: an empty address");
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
