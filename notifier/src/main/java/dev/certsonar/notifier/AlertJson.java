package dev.certsonar.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.CertificateRef;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An alert as JSON, in the shape INTERFACES.md gives (webhooks, {@code alerts tail --json}). */
public final class AlertJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {
    }

    public static ObjectNode toJson(Alert a) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("alertId", a.getAlertId());
        o.put("eventId", a.getEventId());
        o.put("state", a.getState().name());
        o.put("reminder", a.getReminder());
        o.put("severity", a.getSeverity().name());
        o.put("condition", a.getCondition().name());
        o.put("level", a.getLevel().name());
        o.put("service", a.getService());
        o.put("owner", a.getOwner());
        ObjectNode labels = o.putObject("labels");
        new TreeMap<>(a.getLabels() == null ? Map.<String, String>of() : a.getLabels()).forEach(labels::put);
        if (a.getDaysLeft() == null) {
            o.putNull("daysLeft");
        } else {
            o.put("daysLeft", a.getDaysLeft());
        }
        CertificateRef c = a.getCertificate();
        if (c == null) {
            o.putNull("certificate");
        } else {
            ObjectNode cert = o.putObject("certificate");
            cert.put("sha256", c.getSha256());
            cert.put("subject", c.getSubject());
            cert.put("issuer", c.getIssuer());
            cert.put("notBefore", text(c.getNotBefore()));
            cert.put("notAfter", text(c.getNotAfter()));
        }
        ArrayNode endpoints = o.putArray("endpoints");
        a.getEndpoints().forEach(endpoints::add);
        o.put("message", a.getMessage());
        o.put("at", text(a.getAt()));
        o.put("firstFiredAt", text(a.getFirstFiredAt()));
        o.put("silenced", a.getSilenced());
        return o;
    }

    /** One line of JSON. */
    public static String toJsonString(Alert a) {
        return write(toJson(a));
    }

    /** A notification body: {@code {"groupKey":"…","alerts":[…]}}. */
    public static String notification(String groupKey, List<Alert> alerts) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("groupKey", groupKey);
        ArrayNode array = o.putArray("alerts");
        alerts.forEach(a -> array.add(toJson(a)));
        return write(o);
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alert JSON", e);
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
