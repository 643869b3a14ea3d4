package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one judgement of a common chain costs (leaf EC P-256, intermediate and root RSA-2048; the root a pinned anchor
 * beside the JDK's trust store): the median microseconds of judging one chain, with no {@link JudgementCache}, in two
 * ways: the same chain again and again (the judge's remembered signatures warm: path building, validation and checks
 * alone), and each time another leaf of the same intermediate (one leaf signature verified per judgement, as when
 * every endpoint serves its own certificate). Runs only with {@code -Dcertsonar.bench=true}:
 * {@code mvn -B -o -pl scanner -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=JudgementCostIT -Dcertsonar.bench=true}.
 */
class JudgementCostIT {

    private static final Logger log = LoggerFactory.getLogger(JudgementCostIT.class);
    private static final int ROUNDS = 10_000;
    private static final int LEAVES = 2_000;

    @Test
    void medianMicrosecondsOfOneJudgement() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("certsonar.bench"),
                "the judgement cost is measured only with -Dcertsonar.bench=true");
        CertificateAuthority root = Pki.root("Cost Root");
        CertificateAuthority issuing = root.intermediate("Cost Issuing CA");
        List<List<X509Certificate>> chains = new ArrayList<>();
        var key = KeySpec.EC_256.generate();
        for (int i = 0; i < LEAVES; i++) {
            chains.add(issuing.leaf().dnsNames("www.cost.test").keyPair(key).validFor(Duration.ofDays(90)).issue().chain());
        }
        java.nio.file.Path ca = java.nio.file.Files.createTempFile("cost-root", ".pem");
        java.nio.file.Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(root.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        TrustAnchors anchors = TrustAnchors.load(List.of(ca));
        Instant now = Instant.now();

        ChainJudge same = new ChainJudge(anchors);
        List<X509Certificate> one = chains.get(0);
        for (int i = 0; i < ROUNDS / 5; i++) {
            same.judge(one, "www.cost.test", "TLSv1.3", now);
        }
        long[] sameNanos = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t = System.nanoTime();
            same.judge(one, "www.cost.test", "TLSv1.3", now);
            sameNanos[i] = System.nanoTime() - t;
        }

        ChainJudge fresh = new ChainJudge(anchors);
        for (int i = 0; i < LEAVES / 4; i++) {
            fresh.judge(chains.get(i), "www.cost.test", "TLSv1.3", now);
        }
        long[] freshNanos = new long[LEAVES - LEAVES / 4];
        for (int i = LEAVES / 4; i < LEAVES; i++) {
            long t = System.nanoTime();
            fresh.judge(chains.get(i), "www.cost.test", "TLSv1.3", now);
            freshNanos[i - LEAVES / 4] = System.nanoTime() - t;
        }
        log.info("judgement cost: same chain {} µs median (p90 {} µs) over {} rounds; a new leaf each time {} µs median"
                        + " (p90 {} µs) over {} leaves; load average {}",
                micros(sameNanos, 0.5), micros(sameNanos, 0.9), ROUNDS, micros(freshNanos, 0.5), micros(freshNanos, 0.9),
                freshNanos.length, String.format(Locale.ROOT, "%.2f",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    }

    private static String micros(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.1f", sorted[(int) (quantile * (sorted.length - 1))] / 1000.0);
    }
}
