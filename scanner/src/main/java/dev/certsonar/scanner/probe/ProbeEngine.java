package dev.certsonar.scanner.probe;

import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.CertificateParser;
import dev.certsonar.scanner.judge.ChainJudge;
import dev.certsonar.scanner.judge.JudgementCache;
import dev.certsonar.scanner.judge.ParsedCertificates;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.net.AddressGate;
import dev.certsonar.scanner.net.AddressPolicy;
import dev.certsonar.scanner.net.Resolver;
import dev.certsonar.scanner.revocation.RevocationChecker;
import dev.certsonar.scanner.starttls.Preamble;
import dev.certsonar.scanner.starttls.Preambles;
import dev.certsonar.scanner.tls.HandshakeEnd;
import dev.certsonar.scanner.tls.Jsse;
import dev.certsonar.scanner.tls.TlsConnector;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.Protocols;
import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.avro.Timings;
import dev.certsonar.schemas.net.Addresses;
import dev.certsonar.schemas.net.Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Probes targets: resolves a name to every A and AAAA address (each address × port is its own endpoint, probed with
 * the name as SNI), expands CIDR ranges, refuses addresses outside the address policy without opening a socket,
 * connects and handshakes within one deadline per endpoint, captures the whole served chain whatever its state, and
 * judges it afterwards. Every probe ends in an {@link Observation}, also when it failed.
 *
 * <p>Time: one deadline of {@link ScannerConfig#timeout()} per endpoint; name resolution and connecting may each take
 * at most half of it, the STARTTLS exchange and the handshake what is left. Every blocking read is bounded by what is
 * left, so a server dripping bytes cannot stretch a probe.
 */
public final class ProbeEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeEngine.class);

    private final ScannerConfig config;
    private final Clock clock;
    private final AddressPolicy policy;
    private final Resolver resolver;
    private final TlsConnector connector;
    private final ParsedCertificates certificates;
    private final JudgementCache judge;
    private final Semaphore probes;
    private final AddressGate perAddress;
    private final RevocationChecker revocation;
    private final RsaAbsences rsaAbsences;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public ProbeEngine(ScannerConfig config, Clock clock) {
        this(config, clock, TrustAnchors.load(config.caFiles()));
    }

    public ProbeEngine(ScannerConfig config, Clock clock, TrustAnchors anchors) {
        this(config, clock, anchors, HandshakeEnd.COMPLETE);
    }

    /**
     * An engine whose handshakes go as far as {@code end} says: {@link HandshakeEnd#AT_CERTIFICATE}
     * ends each handshake once the server's chain is captured (about half the CPU of a complete one), at the price of
     * an aborted handshake in the server's view.
     */
    public ProbeEngine(ScannerConfig config, Clock clock, TrustAnchors anchors, HandshakeEnd end) {
        Jsse.relaxConstraints();
        this.config = config;
        this.clock = clock;
        this.policy = AddressPolicy.of(config.deny(), config.allow());
        Duration half = config.timeout().dividedBy(2);
        this.resolver = new Resolver(config.dnsServers(), half);
        this.connector = new TlsConnector(config.tlsLibrary(), end, config.maxHandshakeBytes(), half, config.timeout());
        ChainJudge chainJudge = new ChainJudge(anchors);
        this.certificates = new ParsedCertificates(chainJudge);
        this.judge = new JudgementCache(chainJudge, clock);
        this.probes = new Semaphore(config.concurrency());
        this.perAddress = new AddressGate(config.perAddressConcurrency(), config.perAddressSpacing());
        this.rsaAbsences = new RsaAbsences(clock);
        this.revocation = new RevocationChecker(config.revocation(), clock, policy, resolver);
    }

    public ScannerConfig config() {
        return config;
    }

    /** The TLS implementation the probes use: the configured one, or the JDK's when BoringSSL could not be loaded. */
    public TlsLibrary tlsLibrary() {
        return connector.library();
    }

    /** The revocation checks of validated paths, with how many CRLs and OCSP responses were fetched. */
    public RevocationChecker revocation() {
        return revocation;
    }

    /** The judgements of served chains, with how many were analysed and how many reused. */
    public JudgementCache judgements() {
        return judge;
    }

    /** One observation per endpoint of the target, in endpoint order (one without endpoint when the name did not resolve). */
    public List<Observation> scan(Target target, String scanId) {
        List<Observation> slots = new ArrayList<>();
        scan(target, scanId, (index, o) -> {
            synchronized (slots) {
                while (slots.size() <= index) {
                    slots.add(null);
                }
                slots.set(index, o);
            }
        });
        return List.copyOf(slots);
    }

    /**
     * Scans the target, handing each observation to the sink as soon as its probe ends (from the probing threads, so
     * concurrently), and returns when every probe has ended. Nothing of a finished probe is kept, so a large range
     * needs memory only for the probes in flight and the list of its endpoints.
     *
     * @throws IllegalArgumentException when the target cannot be scanned at all (a range larger than allowed)
     */
    public void scan(Target target, String scanId, Consumer<Observation> sink) {
        scan(target, scanId, (index, o) -> sink.accept(o));
    }

    private void scan(Target target, String scanId, java.util.function.BiConsumer<Integer, Observation> sink) {
        long start = System.nanoTime();
        Long dnsMillis = null;
        List<InetAddress> addresses;
        String host = target.getHost().strip();
        List<Integer> ports = target.getPorts().isEmpty() ? List.of(Protocols.defaultPort(protocol(target))) : target.getPorts();
        String sni = target.getSni() == null ? null : ascii(target.getSni());
        String reference;
        Optional<InetAddress> literal = Addresses.literal(host);
        if (host.contains("/")) {
            Cidr range = Cidr.parse(host);
            if (!config.allowLargeRanges()) {
                range.tooLarge().ifPresent(problem -> {
                    throw new IllegalArgumentException("target " + target.getId() + ": " + problem + "; allow large ranges to scan it");
                });
            }
            addresses = new ArrayList<>();
            range.hosts().forEach(addresses::add);
            reference = sni;
        } else if (literal.isPresent()) {
            addresses = List.of(literal.get());
            reference = sni != null ? sni : Addresses.text(literal.get());
        } else {
            if (sni == null) {
                sni = ascii(host);
            }
            reference = sni;
            try {
                addresses = resolver.resolve(host, Deadline.in(config.timeout()), config.timeout().dividedBy(2));
                dnsMillis = (System.nanoTime() - start) / 1_000_000;
            } catch (ProbeException e) {
                long total = (System.nanoTime() - start) / 1_000_000;
                sink.accept(0, base(target, scanId, null, List.of())
                        .setOutcome(Outcomes.classify(e))
                        .setError(Outcomes.describe(e, Phase.DNS))
                        .setTimings(Timings.newBuilder().setDnsMillis(total).setTotalMillis(total).build())
                        .setObservedAt(clock.instant())
                        .build());
                return;
            }
        }
        List<Endpoint> endpoints = new ArrayList<>(addresses.size() * ports.size());
        for (InetAddress a : addresses) {
            for (int port : ports) {
                endpoints.add(new Endpoint(Addresses.text(a), port, sni));
            }
        }
        List<Endpoint> all = List.copyOf(endpoints);
        Long dns = dnsMillis;
        Duration left = config.timeout().minusMillis(dns == null ? 0 : dns);
        CountDownLatch done = new CountDownLatch(all.size());
        int i = 0;
        try {
            for (InetAddress a : addresses) {
                for (int port : ports) {
                    int index = i++;
                    Endpoint e = all.get(index);
                    probes.acquire();
                    threads.submit(() -> {
                        try {
                            sink.accept(index, probeSafely(target, scanId, all, e, a, reference, dns, left));
                        } finally {
                            probes.release();
                            done.countDown();
                        }
                    });
                }
            }
            done.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning " + target.getId(), ex);
        }
    }

    /**
     * Scans every target at once within the concurrency bound, each with its own scan id, handing each observation to
     * the sink as soon as its probe ends; the sink is called by one thread at a time. A target that cannot be scanned
     * at all (a range too large) is logged and skipped.
     */
    public void scanAll(List<Target> targets, Consumer<Observation> sink) {
        Object lock = new Object();
        Consumer<Observation> serial = o -> {
            synchronized (lock) {
                sink.accept(o);
            }
        };
        Semaphore inFlight = new Semaphore(config.concurrency());
        CountDownLatch done = new CountDownLatch(targets.size());
        try {
            for (Target t : targets) {
                inFlight.acquire();
                threads.submit(() -> {
                    try {
                        scan(t, UUID.randomUUID().toString(), serial);
                    } catch (RuntimeException e) {
                        log.warn("target {} cannot be scanned: {}", t.getId(), e.getMessage());
                    } finally {
                        inFlight.release();
                        done.countDown();
                    }
                });
            }
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Observation probeSafely(Target target, String scanId, List<Endpoint> all, Endpoint endpoint, InetAddress address,
                                    String reference, Long dnsMillis, Duration budget) {
        try {
            return probe(target, scanId, all, endpoint, address, reference, dnsMillis, budget);
        } catch (RuntimeException e) {
            log.warn("probe of {} failed unexpectedly", endpoint, e);
            return base(target, scanId, endpoint, all).setOutcome(Outcome.PROTOCOL_ERROR)
                    .setError("the scanner failed on this endpoint: " + e)
                    .setTimings(Timings.newBuilder().setDnsMillis(dnsMillis).setTotalMillis(0L).build())
                    .setObservedAt(clock.instant()).build();
        }
    }

    private Observation probe(Target target, String scanId, List<Endpoint> all, Endpoint endpoint, InetAddress address,
                              String reference, Long dnsMillis, Duration budget) {
        long start = System.nanoTime();
        Observation.Builder b = base(target, scanId, endpoint, all);
        Optional<String> refusal = policy.refusal(address);
        if (refusal.isPresent()) {
            ProbeException e = new ProbeException.Blocked("blocked by the address policy: " + refusal.get());
            return b.setOutcome(Outcomes.classify(e)).setError(e.getMessage())
                    .setTimings(Timings.newBuilder().setDnsMillis(dnsMillis).setTotalMillis(0L).build())
                    .setObservedAt(clock.instant()).build();
        }
        try {
            perAddress.acquire(address);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return b.setOutcome(Outcome.TIMEOUT).setError("interrupted before probing")
                    .setTimings(Timings.newBuilder().setDnsMillis(dnsMillis).setTotalMillis(0L).build())
                    .setObservedAt(clock.instant()).build();
        }
        try {
            return connectAndJudge(b, target, endpoint, address, reference, dnsMillis, budget, start);
        } finally {
            perAddress.release(address);
        }
    }

    private Observation connectAndJudge(Observation.Builder b, Target target, Endpoint endpoint, InetAddress address,
                                        String reference, Long dnsMillis, Duration budget, long start) {
        Deadline deadline = Deadline.in(budget.isNegative() || budget.isZero() ? Duration.ofMillis(1) : budget);
        String serverName = endpoint.getSni() != null ? endpoint.getSni() : target.getHost();
        Preamble preamble = Preambles.forProtocol(protocol(target));
        try {
            TlsConnector.Handshake h = connector.probe(new InetSocketAddress(address, endpoint.getPort()), endpoint.getSni(),
                    serverName, preamble, deadline);
            Instant now = clock.instant();
            List<Certificate> chain = h.chain().stream().map(certificates::parse).toList();
            ChainJudge.Judgement j = judge.judge(h.chain(), reference, h.protocol(), now);
            Checks checks = j.checks();
            if (h.lateFailure() != null) {
                List<String> problems = new ArrayList<>(checks.getProblems());
                problems.add("the handshake failed after the certificate arrived: " + h.lateFailure());
                checks.setProblems(problems);
            }
            List<Revocation> revocations = revocation.check(j.validatedPath(), chain, h.stapledOcsp(), deadline);
            if (!RevocationChecker.problems(revocations).isEmpty()) {
                List<String> problems = new ArrayList<>(checks.getProblems());
                problems.addAll(RevocationChecker.problems(revocations));
                checks.setProblems(problems);
            }
            Instant notAfter = j.notAfter();
            Instant servedNotAfter = j.servedChainNotAfter();
            CertificateRef expiry = ref(j.expiryCertificate());
            List<AlternateChain> alternates = new ArrayList<>();
            if (config.dualCertificates() && !h.chain().isEmpty() && DualCertificates.isEcdsa(h.chain().get(0))
                    && !rsaAbsences.known(address, endpoint.getPort(), serverName, chain.get(0).getSha256())) {
                rsaChain(endpoint, address, serverName, preamble, reference, deadline, h.chain().get(0), chain.get(0).getSha256())
                        .ifPresent(alternates::add);
            }
            for (AlternateChain a : alternates) {
                if (a.getNotAfter() != null && (notAfter == null || a.getNotAfter().isBefore(notAfter))) {
                    notAfter = a.getNotAfter();
                    expiry = a.getExpiryCertificate();
                }
                for (Certificate c : a.getChain()) {
                    if (servedNotAfter == null || c.getNotAfter().isBefore(servedNotAfter)) {
                        servedNotAfter = c.getNotAfter();
                    }
                }
            }
            return b.setOutcome(Outcome.OK)
                    .setTimings(timings(dnsMillis, h.connectMillis(), h.preambleMillis(), h.handshakeMillis(), start))
                    .setTlsVersion(h.protocol())
                    .setCipherSuite(h.cipherSuite())
                    .setChain(chain)
                    .setNotAfter(notAfter)
                    .setServedChainNotAfter(servedNotAfter)
                    .setExpiryCertificate(expiry)
                    .setChecks(checks)
                    .setRevocation(revocations)
                    .setAlternateChains(alternates)
                    .setObservedAt(now)
                    .build();
        } catch (TlsConnector.Failure f) {
            Throwable cause = f.getCause();
            Phase phase = cause instanceof ProbeException pe ? pe.phase() : f.phase();
            return b.setOutcome(Outcomes.classify(cause))
                    .setError(Outcomes.describe(cause, phase))
                    .setTimings(timings(dnsMillis, f.connectMillis(), f.preambleMillis(), null, start))
                    .setObservedAt(clock.instant())
                    .build();
        }
    }

    /**
     * The second handshake of an endpoint that answered with an ECDSA leaf, offering only RSA signature algorithms, on
     * a new connection within the probe's deadline and per-address limits: the chain of an RSA certificate served
     * beside the ECDSA one, judged as the first chain is. Empty when the server refuses (it has no RSA certificate),
     * serves the same leaf again, or the handshake fails otherwise: none of these makes the probe fail. A refusal
     * (the handshake failed) or the same leaf again is remembered ({@link RsaAbsences}), so that the endpoint is not
     * asked again on every probe while it serves the same ECDSA leaf.
     */
    private Optional<AlternateChain> rsaChain(Endpoint endpoint, InetAddress address, String serverName, Preamble preamble,
                                              String reference, Deadline deadline, X509Certificate firstLeaf, String firstLeafSha256) {
        try {
            if (deadline.passed() || !perAddress.nextStart(address, deadline.remaining())) {
                log.debug("no second handshake with {}: the probe's deadline comes before the address's spacing allows one", endpoint);
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        TlsConnector.Handshake h;
        try {
            h = connector.probeRsaOnly(new InetSocketAddress(address, endpoint.getPort()), endpoint.getSni(), serverName,
                    preamble, deadline);
        } catch (TlsConnector.Failure f) {
            Throwable cause = f.getCause();
            Phase phase = cause instanceof ProbeException pe ? pe.phase() : f.phase();
            log.debug("no RSA certificate at {}: the handshake offering only RSA signature algorithms ended: {}",
                    endpoint, Outcomes.describe(cause, phase));
            if (Outcomes.classify(cause) == Outcome.HANDSHAKE_FAILED) {
                rsaAbsences.remember(address, endpoint.getPort(), serverName, firstLeafSha256);
            }
            return Optional.empty();
        }
        if (h.chain().isEmpty() || h.chain().get(0).equals(firstLeaf)) {
            log.debug("no RSA certificate at {}: a handshake offering only RSA signature algorithms got the same certificate", endpoint);
            if (!h.chain().isEmpty()) {
                rsaAbsences.remember(address, endpoint.getPort(), serverName, firstLeafSha256);
            }
            return Optional.empty();
        }
        ChainJudge.Judgement j = judge.judge(h.chain(), reference, h.protocol(), clock.instant());
        Checks checks = j.checks();
        if (h.lateFailure() != null) {
            List<String> problems = new ArrayList<>(checks.getProblems());
            problems.add("the handshake failed after the certificate arrived: " + h.lateFailure());
            checks.setProblems(problems);
        }
        List<Certificate> chain = h.chain().stream().map(certificates::parse).toList();
        List<Revocation> revocations = revocation.check(j.validatedPath(), chain, h.stapledOcsp(), deadline);
        if (!RevocationChecker.problems(revocations).isEmpty()) {
            List<String> problems = new ArrayList<>(checks.getProblems());
            problems.addAll(RevocationChecker.problems(revocations));
            checks.setProblems(problems);
        }
        log.debug("{} serves a second chain to RSA-only clients ({} {}, {} ms)", endpoint, h.protocol(), h.cipherSuite(),
                h.handshakeMillis());
        return Optional.of(AlternateChain.newBuilder()
                .setOffered(DualCertificates.RSA_ONLY)
                .setTlsVersion(h.protocol())
                .setCipherSuite(h.cipherSuite())
                .setChain(chain)
                .setNotAfter(j.notAfter())
                .setExpiryCertificate(ref(j.expiryCertificate()))
                .setChecks(checks)
                .setRevocation(revocations)
                .build());
    }

    private static CertificateRef ref(X509Certificate c) {
        return new CertificateRef(CertificateParser.sha256(encoded(c)),
                c.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253),
                c.getIssuerX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Timings timings(Long dns, Long connect, Long preamble, Long handshake, long startNanos) {
        long total = (System.nanoTime() - startNanos) / 1_000_000 + (dns == null ? 0 : dns);
        return Timings.newBuilder().setDnsMillis(dns).setConnectMillis(connect).setStarttlsMillis(preamble)
                .setHandshakeMillis(handshake).setTotalMillis(total).build();
    }

    private static Observation.Builder base(Target target, String scanId, Endpoint endpoint, List<Endpoint> all) {
        return Observation.newBuilder()
                .setScanId(scanId)
                .setTargetId(target.getId())
                .setService(target.getService())
                .setOwner(target.getOwner())
                .setHost(target.getHost())
                .setProtocol(protocol(target))
                .setEndpoint(endpoint)
                .setScanEndpoints(all)
                .setChain(List.of())
                .setLabels(target.getLabels());
    }

    /** The target's protocol; one this scanner does not know (written by a newer version) is probed as plain TLS. */
    private static Protocol protocol(Target target) {
        return target.getProtocol() == Protocol.UNKNOWN ? Protocol.TLS : target.getProtocol();
    }

    private static String ascii(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        try {
            return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return n;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        revocation.close();
    }
}
