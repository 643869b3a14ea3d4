package dev.certsonar.schemas.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Status;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An observation as one JSON object in the shape of INTERFACES.md ({@code scan --json} lines and endpoints in the
 * HTTP API): target, host, address, port, sni, protocol, outcome, status, notAfter, daysLeft, servedChainNotAfter,
 * tlsVersion, cipherSuite, chain (as served, leaf first), checks and error; then, only for an endpoint that serves other
 * chains (dual certificates), alternateChains: what each one's handshake offered, its version, suite, notAfter, expiry
 * certificate, chain and checks.
 */
public final class ObservationJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ObservationJson() {
    }

    public static ObjectNode toJson(Observation o, Status status, Instant now) {
        ObjectNode n = NODES.objectNode();
        Endpoint e = o.getEndpoint();
        n.put("target", target(o));
        n.put("host", o.getHost());
        n.put("address", e == null ? null : e.getAddress());
        if (e == null) {
            n.putNull("port");
        } else {
            n.put("port", e.getPort());
        }
        n.put("sni", e == null ? null : e.getSni());
        n.put("protocol", o.getProtocol().name().toLowerCase(Locale.ROOT));
        n.put("outcome", o.getOutcome().name());
        n.put("status", status.name());
        n.put("notAfter", text(o.getNotAfter()));
        double daysLeft = StatusRules.daysLeft(o, now);
        if (Double.isNaN(daysLeft)) {
            n.putNull("daysLeft");
        } else {
            n.put("daysLeft", Math.round(daysLeft * 10) / 10.0);
        }
        n.put("servedChainNotAfter", text(o.getServedChainNotAfter()));
        n.put("tlsVersion", o.getTlsVersion());
        n.put("cipherSuite", o.getCipherSuite());
        ArrayNode chain = n.putArray("chain");
        for (Certificate c : o.getChain()) {
            chain.add(certificate(c));
        }
        checks(n, o.getChecks(), StatusRules.notYetValid(o, now));
        n.put("error", o.getError());
        if (o.getAlternateChains().isEmpty()) {
            return n;
        }
        ArrayNode alternates = n.putArray("alternateChains");
        for (AlternateChain a : o.getAlternateChains()) {
            ObjectNode an = alternates.addObject();
            an.put("offered", a.getOffered());
            an.put("tlsVersion", a.getTlsVersion());
            an.put("cipherSuite", a.getCipherSuite());
            an.put("notAfter", text(a.getNotAfter()));
            an.put("expiryCertificate", a.getExpiryCertificate() == null ? null : a.getExpiryCertificate().getSha256());
            ArrayNode ac = an.putArray("chain");
            a.getChain().forEach(c -> ac.add(certificate(c)));
            Observation alone = Observation.newBuilder(o).setChain(a.getChain()).setChecks(a.getChecks())
                    .setAlternateChains(List.of()).build();
            checks(an, a.getChecks(), StatusRules.notYetValid(alone, now));
        }
        return n;
    }

    private static void checks(ObjectNode n, Checks k, boolean notYetValid) {
        if (k == null) {
            n.putNull("checks");
        } else {
            ObjectNode checks = n.putObject("checks");
            checks.put("trusted", k.getTrusted());
            checks.put("hostnameMatch", k.getHostnameMatch());
            checks.put("chainComplete", k.getChainComplete());
            checks.put("weakKey", k.getWeakKey());
            checks.put("weakSignature", k.getWeakSignature());
            checks.put("notYetValid", notYetValid);
            ArrayNode problems = checks.putArray("problems");
            k.getProblems().forEach(problems::add);
        }
    }

    /** One certificate of the chain: sha256, subject, issuer, serial, validity, key, signature algorithm and SANs. */
    public static ObjectNode certificate(Certificate c) {
        ObjectNode n = NODES.objectNode();
        n.put("sha256", c.getSha256());
        n.put("subject", c.getSubject());
        n.put("issuer", c.getIssuer());
        n.put("serial", c.getSerial());
        n.put("notBefore", text(c.getNotBefore()));
        n.put("notAfter", text(c.getNotAfter()));
        n.put("keyAlgorithm", c.getKeyAlgorithm());
        n.put("keyBits", c.getKeyBits());
        n.put("signatureAlgorithm", c.getSignatureAlgorithm());
        ArrayNode sans = n.putArray("sans");
        c.getSans().forEach(sans::add);
        return n;
    }

    /**
     * The target as a person wrote it: the target id without the {@code tls://} scheme and the {@code #sni} suffix of a
     * default id ({@code api.example.com:443}, {@code smtp://mail.example.com:25}); a custom id as it is.
     */
    public static String target(Observation o) {
        String id = o.getTargetId();
        String tls = Protocol.TLS.name().toLowerCase(Locale.ROOT) + "://";
        if (id.startsWith(tls)) {
            id = id.substring(tls.length());
        }
        int hash = id.indexOf('#');
        if (hash > 0 && id.lastIndexOf(':', hash) > 0) {
            id = id.substring(0, hash);
        }
        return id;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
