package dev.certsonar.scanner.probe;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.Mazes;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers whose chains are made to blow up path building (layers of CA certificates sharing names and keys, every
 * choice in one layer leading to every choice in the next; self-issued copies; loops), probed in one scan beside
 * servers with good chains: every probe ends in its verdict within the deadline, and the good ones are judged as ever.
 * (The TLS client takes at most ten certificates of a chain: BoringSSL through netty keeps the first ten a server sends.
 * Longer chains reach the judge from files, where the limits of path building, tested on their own, bound the work.)
 */
class HostileChainsTest {

    @Test
    void chainsMadeToBlowUpPathBuildingEndInAVerdictBesideGoodOnes() {
        CertificateAuthority root = Pki.rootBuilder("Hostile Test Root").key(KeySpec.EC_256).create();
        CertificateAuthority stranger = Pki.rootBuilder("Stranger Root").key(KeySpec.EC_256).create();
        CertificateAuthority issuing = root.intermediateBuilder("Good Issuing CA").key(KeySpec.EC_256).create();
        Map<String, Mazes.Maze> mazes = Map.of(
                "27 paths to the root", Mazes.maze(root, 3, 3, false),
                "27 paths to no anchor", Mazes.maze(stranger, 3, 3, false),
                "a maze of 41 CA certificates", Mazes.maze(root, 6, 5));
        List<TlsServer> servers = new ArrayList<>();
        Map<Integer, String> kinds = new HashMap<>();
        try (ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withPerAddressSpacing(Duration.ZERO), Clock.systemUTC(), TrustAnchors.of(List.of(root.certificate())))) {
            for (int i = 0; i < 4; i++) {
                IssuedCertificate good = issuing.leaf().dnsNames("maze.test").key(KeySpec.EC_256).validFor(Duration.ofDays(90)).issue();
                TlsServer server = TlsServer.builder().chain(good).start();
                servers.add(server);
                kinds.put(server.port(), "good");
            }
            mazes.forEach((kind, maze) -> {
                TlsServer server = TlsServer.builder().chain(maze.key(), maze.served()).start();
                servers.add(server);
                kinds.put(server.port(), kind);
            });
            List<Target> targets = new ArrayList<>();
            for (TlsServer s : servers) {
                targets.add(TargetSpecs.parse("127.0.0.1:" + s.port(), Map.of("sni", "maze.test"), false));
            }

            List<Observation> observations = new ArrayList<>();
            engine.scanAll(targets, observations::add);

            assertThat(observations).hasSize(7).allSatisfy(o -> assertThat(o.getOutcome()).as(o.getError()).isEqualTo(Outcome.OK));
            for (Observation o : observations) {
                String kind = kinds.get(o.getEndpoint().getPort());
                Status status = StatusRules.status(o, ExpiryPolicy.DEFAULT, o.getObservedAt());
                switch (kind) {
                    case "good", "27 paths to the root" -> {
                        assertThat(status).as(kind).isEqualTo(Status.OK);
                        assertThat(o.getChecks().getProblems()).as(kind).isEmpty();
                    }
                    case "27 paths to no anchor" -> {
                        assertThat(status).isEqualTo(Status.INVALID);
                        assertThat(o.getChecks().getChainComplete()).isFalse();
                    }
                    default -> {
                        assertThat(o.getChain()).as("what the TLS client keeps").hasSizeBetween(10, 42);
                        assertThat(status).isNotEqualTo(Status.UNREACHABLE);
                    }
                }
            }
        } finally {
            servers.forEach(TlsServer::close);
        }
    }
}
