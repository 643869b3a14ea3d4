package dev.certsonar.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** The configuration file as written, before checking: every key optional, unknown keys rejected. */
record ConfigFile(Map<String, JsonNode> kafka, Topics topics, Scanner scanner, Policy policy, Http http,
                  Notifier notifier, List<ObjectNode> channels, List<Route> routes, Fleet fleet, Stores stores) {

    /** The state stores of the aggregator and the notifier: the most memory RocksDB takes in one process. */
    record Stores(String memory) {
    }

    record Fleet(String heartbeatInterval, String downAfter, String behindAfter, String owner, Map<String, String> labels,
                 String watchdogInterval) {
    }

    record Topics(String prefix) {
    }

    record Scanner(Integer concurrency, String timeout, Integer perAddressConcurrency, String perAddressSpacing,
                   String tlsLibrary, List<String> caFiles,
                   List<String> deny, List<String> allow, List<String> dnsServers, Revocation revocation, Boolean dualCertificates) {
    }

    record Revocation(Boolean enabled, String timeout, Integer maxCrlBytes, Integer maxCacheEntries, Long maxCacheBytes,
                      String maxAge, String retryAfter, String grace, Integer maxFetches) {
    }

    record Policy(String interval, Double warnDays, Double warnFraction, Double criticalDays, Double criticalFraction,
                  String legacyProtocol, String lifetimeExceedsMaximum) {
    }

    record Http(Integer port, String bind, String token, List<String> allowedHosts) {
    }

    record Notifier(String applicationId, Map<String, String> holdDown, Integer holdDownObservations,
                    Map<String, String> reminders, String keepResolved) {
    }

    record Route(Match match, List<String> channels) {
    }

    record Match(String owner, String service, Map<String, String> labels, String minSeverity) {
    }
}
