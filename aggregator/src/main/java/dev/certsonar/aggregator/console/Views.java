package dev.certsonar.aggregator.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What each page of the console shows: the models its template is checked against when the templates compile. They
 * hold values only, never markup: the templates escape every one of them.
 */
public final class Views {

    private Views() {
    }

    /** A message for the person after an action: what was done, or what was wrong. */
    public record Flash(boolean error, String text) {
    }

    /**
     * The frame of every page: its title, which part of the navigation it is, the session's CSRF token for its forms,
     * whether this browser may write (and must log in first), and the address it refreshes itself from.
     */
    public record Chrome(String title, String section, String csrf, boolean canWrite, boolean loginNeeded,
                         boolean authenticated, Flash flash, boolean ready, Instant now, String self) {
    }

    /** One service in a list. */
    public record ServiceRow(String service, String owner, String status, Instant notAfter, Double daysLeft, int endpoints,
                             List<String> problems, Map<String, String> labels, int accepted) {
    }

    /** One choice of a filter: its value, its words, and whether it is chosen. */
    public record Option(String value, String label, boolean selected) {
    }

    /**
     * One filter of a list, drawn by one template for every kind: a text field ({@code text}), a single choice
     * ({@code select}) or several ({@code checkboxes}). A new filter of the services (a zone) is one more of these.
     */
    public record FilterField(String name, String label, String kind, String value, List<Option> options, String hint) {
    }

    /** Links to the pages before and after this one; null where there is none. */
    public record Pager(int from, int to, int total, String previous, String next) {
    }

    /** Certificates expiring per week, in series (by status or by owner), and the same numbers as a table. */
    public record Chart(List<String> weeks, List<Series> series, String json, int expired, int total, String groupBy) {
    }

    public record Series(String name, List<Integer> counts) {
    }

    /** How many services have a status. */
    public record Count(String status, int count) {
    }

    public record OverviewPage(List<Count> counts, int total, List<ServiceRow> worst, Chart chart, int firing, int held,
                               int silenced, int acknowledged) {
    }

    public record ServicesPage(List<ServiceRow> rows, List<FilterField> filters, Pager pager, List<String> owners) {
    }

    /** One endpoint of a service: where, what it served, how the last probe went. */
    public record Endpoint(String address, int port, String sni, String protocol, String targetId, String status,
                           String outcome, String tlsVersion, String cipherSuite, Instant notAfter, Double daysLeft,
                           Instant lastObservedAt, String error, List<String> problems, int chain, String zone,
                           String scannerId, String held) {
    }

    /** The fleet page: each scanner, and each zone's service. */
    public record FleetPage(List<ScannerRow> scanners, List<ServiceRow> zones) {
    }

    /** One scanner on the fleet page. */
    public record ScannerRow(String scannerId, String zone, String version, String host, Instant startedAt,
                             Instant lastHeartbeat, long ageSeconds, boolean live, int inFlight, double probesPerSecond,
                             long backlog, String tlsLibrary) {
    }

    /** One certificate of a served chain. */
    public record Cert(String sha256, String subject, String issuer, String serial, Instant notBefore, Instant notAfter,
                       Double daysLeft, String keyAlgorithm, Integer keyBits, String signatureAlgorithm, List<String> sans) {
    }

    /** A chain as served, leaf first, and the endpoints that serve it. */
    public record Chain(int number, List<String> endpoints, List<Cert> certificates) {
    }

    public record Condition(String condition, String level, String message, Instant since, int consecutive,
                            List<String> endpoints, String certificate) {
    }

    /** A condition that holds and an accepted exception sets apart, with who accepted it, why and until when. */
    public record Accepted(String condition, String level, String message, String exceptionId, String reason,
                           String createdBy, Instant until) {
    }

    public record Rollout(String newCertificate, List<String> endpointsNew, List<String> endpointsOld, Instant since) {
    }

    /** One alert as the notifier holds it now (alert-states). */
    public record Alert(String alertId, String state, String severity, String condition, String level, String service,
                        String owner, String certificate, List<String> endpoints, String message, Instant since,
                        Instant firstFiredAt, Instant heldUntil, Instant nextReminderAt, Instant lastNotifiedAt,
                        List<String> silences, String ackBy, Instant ackAt, String ackComment) {
    }

    /** One event of an alert on the alerts topic. */
    public record HistoryEvent(Instant at, String alertId, String state, boolean reminder, boolean silenced,
                               String severity, String condition, String level, String message) {
    }

    public record ServicePage(ServiceRow summary, Instant updatedAt, List<Endpoint> endpoints, List<Chain> chains,
                              Rollout rollout, List<Condition> conditions, List<Accepted> accepted, List<Alert> alerts,
                              List<HistoryEvent> history, List<Option> silenceConditions, List<Option> acceptConditions,
                              List<Option> durations, String silenceFor) {
    }

    public record CertificateRow(String sha256, String subject, String issuer, Instant notBefore, Instant notAfter,
                                 Double daysLeft, String keyAlgorithm, Integer keyBits, Map<String, List<String>> servedBy) {
    }

    public record CertificatesPage(List<CertificateRow> rows, List<FilterField> filters, Pager pager) {
    }

    public record Silence(String id, List<String> matchers, String createdBy, String comment, Instant startsAt,
                          Instant endsAt, String status) {
    }

    public record Exception(String id, List<String> matchers, List<String> conditions, String reason, String createdBy,
                            Instant createdAt, Instant until, boolean active) {
    }

    public record AlertsPage(List<Alert> alerts, List<Option> states, List<Silence> silences, List<Exception> exceptions,
                             List<Option> durations) {
    }

    public record Target(String id, String service, String owner, String host, String ports, String protocol, String sni,
                         String labels) {
    }

    public record TargetsPage(List<Target> rows, String q, Pager pager, List<String> protocols) {
    }

    public record LoginPage(String next, boolean writesNeedToken) {
    }
}
