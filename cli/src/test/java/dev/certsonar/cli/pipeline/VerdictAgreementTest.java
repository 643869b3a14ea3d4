package dev.certsonar.cli.pipeline;

import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.ExpiryTopology;
import dev.certsonar.notifier.AlertTopology;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;
import dev.certsonar.schemas.policy.Verdicts;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * {@code scan}, the aggregator and the notifier agree: a real probe of a local TLS server gives an observation; the
 * status {@code scan} prints for it is the status of the endpoint and of the service the aggregator's topology writes;
 * the service's conditions are those {@link Verdicts} reads from the observation; and the notifier's topology fires
 * one alert for each of them and for nothing else. A self-signed certificate pinned as an anchor is OK everywhere.
 */
class VerdictAgreementTest {

    static final Topics TOPICS = Topics.withPrefix("agree.");
    static CertificateAuthority root;

    @TempDir
    Path state;

    @BeforeAll
    static void pki() {
        root = Pki.root("Agreement Root");
    }

    /** What a server serves and what the scanner pins. */
    record Setup(IssuedCertificate served, List<X509Certificate> anchors) {
    }

    static Stream<Arguments> setups() {
        return Stream.of(
                argumentSet("a self-signed certificate pinned as an anchor", (Supplier<Setup>) () -> {
                    IssuedCertificate self = Pki.selfSigned().dnsNames("agree.test").validFor(Duration.ofDays(200)).issue();
                    return new Setup(self, List.of(self.certificate()));
                }, Status.OK, List.<ConditionType>of()),
                argumentSet("a self-signed certificate not pinned", (Supplier<Setup>) () -> new Setup(
                        Pki.selfSigned().dnsNames("agree.test").validFor(Duration.ofDays(200)).issue(), List.of(root.certificate())),
                        Status.INVALID, List.of(ConditionType.UNTRUSTED)),
                argumentSet("a chain under a pinned root", (Supplier<Setup>) () -> new Setup(
                        root.intermediate("Agreement CA").leaf().dnsNames("agree.test").validFor(Duration.ofDays(200)).issue(),
                        List.of(root.certificate())),
                        Status.OK, List.<ConditionType>of()),
                argumentSet("a leaf for client authentication only", (Supplier<Setup>) () -> new Setup(
                        root.intermediate("Agreement CA").leaf().dnsNames("agree.test").profile(p -> p.extendedKeyUsage("clientAuth"))
                                .validFor(Duration.ofDays(200)).issue(), List.of(root.certificate())),
                        Status.INVALID, List.of(ConditionType.UNTRUSTED)),
                argumentSet("a leaf outside its issuer's name constraints, for another name", (Supplier<Setup>) () -> new Setup(
                        root.intermediateBuilder("Constrained CA").profile(p -> p.nameConstraints("DNS:example.test")).create()
                                .leaf().dnsNames("other.test").validFor(Duration.ofDays(200)).issue(), List.of(root.certificate())),
                        Status.INVALID, List.of(ConditionType.UNTRUSTED, ConditionType.HOSTNAME_MISMATCH)),
                argumentSet("a 90-day certificate with ten days left", (Supplier<Setup>) () -> new Setup(
                        root.intermediate("Agreement CA").leaf().dnsNames("agree.test").notBefore(Instant.now().minus(Duration.ofDays(80)))
                                .expiresIn(Duration.ofDays(10)).issue(),
                        List.of(root.certificate())),
                        Status.WARNING, List.of(ConditionType.EXPIRING)));
    }

    @ParameterizedTest
    @MethodSource("setups")
    void scanAggregatorAndNotifierAgree(Supplier<Setup> setup, Status expected, List<ConditionType> conditions) throws Exception {
        Setup s = setup.get();
        Observation o;
        Target target;
        try (TlsServer server = TlsServer.builder().chain(s.served()).start();
             ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(),
                     TrustAnchors.of(s.anchors()))) {
            target = TargetSpecs.parse("127.0.0.1:" + server.port(), Map.of("sni", "agree.test", "service", "agree"), false);
            List<Observation> found = engine.scan(target, "scan-1");
            assertThat(found).singleElement().satisfies(f -> assertThat(f.getOutcome()).isEqualTo(Outcome.OK));
            o = found.getFirst();
        }
        Instant now = o.getObservedAt();
        Status scanned = StatusRules.status(o, ExpiryPolicy.DEFAULT, now);
        Verdicts.Verdict verdict = Verdicts.of(o, ExpiryPolicy.DEFAULT, now);
        assertThat(scanned).isEqualTo(expected);
        assertThat(verdict.conditions()).extracting(Verdicts.Finding::type).containsExactlyInAnyOrderElementsOf(conditions);

        ServiceStatus status = aggregate(target, o, now);
        assertThat(status.getStatus()).isEqualTo(scanned);
        assertThat(status.getEndpoints()).singleElement().satisfies(e -> assertThat(e.getStatus()).isEqualTo(scanned));
        assertThat(status.getConditions()).extracting(Condition::getType, Condition::getLevel).containsExactlyInAnyOrderElementsOf(
                verdict.conditions().stream().map(f -> tuple(f.type(), f.level())).toList());

        List<Alert> alerts = alerts(status, now);
        assertThat(alerts).allSatisfy(a -> assertThat(a.getState()).isEqualTo(AlertState.FIRING));
        assertThat(alerts).extracting(Alert::getCondition, Alert::getLevel, Alert::getSeverity).containsExactlyInAnyOrderElementsOf(
                verdict.conditions().stream().map(f -> tuple(f.type(), f.level(), Verdicts.alertSeverity(f.type(), f.level()))).toList());
    }

    /** The service status the aggregator's topology writes for the target and its observation. */
    private ServiceStatus aggregate(Target target, Observation o, Instant now) {
        AggregatorConfig config = AggregatorConfig.DEFAULT.withStateDir(state.resolve("aggregator")).withHttp("127.0.0.1", -1);
        Properties props = AggregatorApp.streamsProperties(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), TOPICS, config);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once");
        try (TopologyTestDriver driver = new TopologyTestDriver(ExpiryTopology.build(new StreamsBuilder(), TOPICS, config).build(), props, now)) {
            driver.createInputTopic(TOPICS.targets().name(), new StringSerializer(), TOPICS.targets().valueSerde().serializer())
                    .pipeInput(target.getId(), target, now);
            driver.createInputTopic(TOPICS.observations().name(), new StringSerializer(), TOPICS.observations().valueSerde().serializer())
                    .pipeInput(o.getService(), o, now);
            List<ServiceStatus> written = driver.createOutputTopic(TOPICS.serviceStatus().name(),
                    TOPICS.serviceStatus().keySerde().deserializer(), TOPICS.serviceStatus().valueSerde().deserializer()).readValuesToList();
            assertThat(written).isNotEmpty();
            return written.getLast();
        }
    }

    /** The alerts the notifier's topology fires for the service status. */
    private List<Alert> alerts(ServiceStatus status, Instant now) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "agreement-notifier");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve("notifier").toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(AlertTopology.build(new StreamsBuilder(), TOPICS, NotifierConfig.DEFAULT).build(),
                props, now)) {
            driver.createInputTopic(TOPICS.serviceStatus().name(), Serdes.String().serializer(), TOPICS.serviceStatus().valueSerde().serializer())
                    .pipeInput(status.getService(), status, now);
            return driver.createOutputTopic(TOPICS.alerts().name(), Serdes.String().deserializer(), TOPICS.alerts().valueSerde().deserializer())
                    .readValuesToList();
        }
    }
}
