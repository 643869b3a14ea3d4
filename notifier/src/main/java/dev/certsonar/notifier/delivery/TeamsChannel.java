package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.Alert;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts to a Microsoft Teams incoming webhook of Workflows: a message with one Adaptive Card (version 1.4) holding
 * the title, one line per alert and the facts of the first alert.
 */
public final class TeamsChannel implements Channel {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final HttpPost http;

    public TeamsChannel(String name, URI webhookUrl, Duration timeout) {
        this.name = name;
        this.http = new HttpPost(name, webhookUrl, timeout);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        http.post(body(n), Map.of());
    }

    static String body(Notification n) {
        Alert first = n.alerts().getFirst();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        ObjectNode title = body.addObject();
        title.put("type", "TextBlock");
        title.put("text", NotificationText.title(n));
        title.put("weight", "Bolder");
        title.put("size", "Medium");
        title.put("wrap", true);
        title.put("color", NotificationText.resolved(n) ? "Good"
                : switch (first.getSeverity()) {
                    case CRITICAL -> "Attention";
                    case WARNING -> "Warning";
                    default -> "Default";
                });
        if (n.alerts().size() > 1) {
            for (String line : NotificationText.lines(n)) {
                ObjectNode text = body.addObject();
                text.put("type", "TextBlock");
                text.put("text", "- " + line);
                text.put("wrap", true);
                text.put("spacing", "None");
            }
        }
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Owner", String.valueOf(first.getOwner()));
        fact(facts, "Condition", first.getCondition() + " (" + first.getLevel() + ")");
        if (first.getCertificate() != null) {
            fact(facts, "Certificate", first.getCertificate().getSubject());
            fact(facts, "Not after", first.getCertificate().getNotAfter().toString());
        }
        if (n.alerts().size() == 1) {
            fact(facts, "Endpoints", String.join(", ", first.getEndpoints()));
            fact(facts, "Alert", first.getAlertId());
        }
        return root.toString();
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", value);
    }

    @Override
    public void close() {
        http.close();
    }
}
