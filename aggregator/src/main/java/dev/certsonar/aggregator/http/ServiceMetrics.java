package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ServiceStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gauges of the services this instance holds, refreshed before each scrape. Series are per service
 * and per (service, certificate), never per endpoint, so their number stays bounded by what is watched:
 * <ul>
 * <li>{@code certsonar_service_status{service}}: severity of the status, 0 OK, 1 STALE, 2 WARNING,
 *     3 UNREACHABLE, 4 CRITICAL, 5 INVALID, 6 EXPIRED;</li>
 * <li>{@code certsonar_service_expiry_seconds{service}}: seconds until the earliest notAfter (negative once expired);</li>
 * <li>{@code certsonar_certificate_expiry_seconds{service,certificate,subject}}: seconds until each served leaf expires.</li>
 * </ul>
 */
public final class ServiceMetrics {

    private final StateQueries queries;
    private final Clock clock;
    private final MultiGauge status;
    private final MultiGauge serviceExpiry;
    private final MultiGauge certificateExpiry;

    public ServiceMetrics(MeterRegistry registry, StateQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
        this.status = MultiGauge.builder("certsonar.service.status")
                .description("Severity of the service's status: 0 OK, 1 STALE, 2 WARNING, 3 UNREACHABLE, 4 CRITICAL, 5 INVALID, 6 EXPIRED")
                .register(registry);
        this.serviceExpiry = MultiGauge.builder("certsonar.service.expiry")
                .description("Seconds until the earliest notAfter among the service's endpoints")
                .baseUnit("seconds")
                .register(registry);
        this.certificateExpiry = MultiGauge.builder("certsonar.certificate.expiry")
                .description("Seconds until a certificate served by the service expires")
                .baseUnit("seconds")
                .register(registry);
    }

    /** Sets the gauges from the local state stores. */
    public void refresh() {
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> statusRows = new ArrayList<>();
        List<MultiGauge.Row<?>> expiryRows = new ArrayList<>();
        List<MultiGauge.Row<?>> certificateRows = new ArrayList<>();
        for (ServiceStatus s : queries.localServices()) {
            statusRows.add(MultiGauge.Row.of(Tags.of("service", s.getService()), ApiJson.severity(s.getStatus())));
            if (s.getNotAfter() != null) {
                expiryRows.add(MultiGauge.Row.of(Tags.of("service", s.getService()), secondsUntil(s.getNotAfter(), now)));
            }
            Map<String, EndpointStatus> leaves = new LinkedHashMap<>();
            for (EndpointStatus e : s.getEndpoints()) {
                if (e.getLeaf() != null) {
                    leaves.putIfAbsent(e.getLeaf().getSha256(), e);
                }
            }
            leaves.forEach((sha, e) -> certificateRows.add(MultiGauge.Row.of(
                    Tags.of("service", s.getService(), "certificate", sha, "subject", e.getLeaf().getSubject()),
                    secondsUntil(e.getLeaf().getNotAfter(), now))));
        }
        status.register(statusRows, true);
        serviceExpiry.register(expiryRows, true);
        certificateExpiry.register(certificateRows, true);
    }

    private static double secondsUntil(Instant t, Instant now) {
        return (t.toEpochMilli() - now.toEpochMilli()) / 1000.0;
    }
}
