package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.Alert;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts to a Slack incoming webhook: {@code text} (the title, shown in notifications) and Block Kit blocks with one
 * line per alert and the alertIds in a context line.
 */
public final class SlackChannel implements Channel {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_LINES = 40;

    private final String name;
    private final HttpPost http;

    public SlackChannel(String name, URI webhookUrl, Duration timeout) {
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
        String emoji = NotificationText.resolved(n) ? ":white_check_mark:"
                : switch (n.alerts().getFirst().getSeverity()) {
                    case CRITICAL -> ":red_circle:";
                    case WARNING -> ":large_yellow_circle:";
                    default -> ":information_source:";
                };
        ObjectNode root = MAPPER.createObjectNode();
        String title = NotificationText.title(n);
        root.put("text", title);
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "section");
        header.putObject("text").put("type", "mrkdwn").put("text", emoji + " *" + escape(title) + "*");
        if (n.alerts().size() > 1) {
            StringBuilder lines = new StringBuilder();
            int shown = 0;
            for (String line : NotificationText.lines(n)) {
                if (shown++ == MAX_LINES) {
                    lines.append("… and ").append(n.alerts().size() - MAX_LINES).append(" more\n");
                    break;
                }
                lines.append("• ").append(escape(line)).append('\n');
            }
            ObjectNode list = blocks.addObject();
            list.put("type", "section");
            list.putObject("text").put("type", "mrkdwn").put("text", lines.toString().strip());
        }
        Alert first = n.alerts().getFirst();
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text",
                "owner " + escape(String.valueOf(first.getOwner())) + " · condition " + first.getCondition()
                        + " · alertId " + first.getAlertId() + (n.alerts().size() > 1 ? " …" : ""));
        return root.toString();
    }

    /** Slack's three escapes in mrkdwn text. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void close() {
        http.close();
    }
}
