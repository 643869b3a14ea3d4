package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.Endpoints;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.store.CompositeKeys;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys of the aggregator's state stores, built with {@link CompositeKeys}: a prefix scan on {@code service|} or
 * {@code service|targetId|} finds one service's or one target's entries, and a service named {@code a|b} never falls
 * under the prefix of service {@code a}. The endpoint, always the last part, is written as it is. The time indexes
 * are {@link dev.certsonar.schemas.store.DueIndex}es.
 */
public final class StateKeys {

    public static final String SEPARATOR = String.valueOf(CompositeKeys.SEPARATOR);

    private StateKeys() {
    }

    /** The endpoint as a person reads it; for a probe that found no endpoint (a name that did not resolve), the host. */
    public static String endpointKey(Observation o) {
        Endpoint e = o.getEndpoint();
        return e != null ? Endpoints.key(e) : o.getHost();
    }

    /** The key of an endpoint of a service status, the same string {@link #endpointKey} gives. */
    public static String endpointKeyOf(dev.certsonar.schemas.avro.EndpointStatus e) {
        Endpoint endpoint = e.getEndpoint();
        return endpoint.getPort() == 0 ? endpoint.getAddress() : Endpoints.key(endpoint);
    }

    public static String servicePrefix(String service) {
        return CompositeKeys.prefix(service);
    }

    public static String targetPrefix(String service, String targetId) {
        return CompositeKeys.prefix(service, targetId);
    }

    public static String serviceTarget(String service, String targetId) {
        return CompositeKeys.of(service, targetId);
    }

    public static String endpoint(String service, String targetId, String endpointKey) {
        return targetPrefix(service, targetId) + endpointKey;
    }

    public static String inventoryPrefix(String sha256) {
        return sha256 + SEPARATOR;
    }

    public static String inventory(String sha256, String service, String targetId, String endpointKey) {
        return inventoryPrefix(sha256) + endpoint(service, targetId, endpointKey);
    }

    /** The certificates an observation's endpoint serves, each keyed in the inventory: its chain's, then its alternate chains'. */
    public static List<Certificate> served(Observation o) {
        List<Certificate> all = new ArrayList<>(o.getChain());
        o.getAlternateChains().forEach(a -> all.addAll(a.getChain()));
        return all;
    }
}
