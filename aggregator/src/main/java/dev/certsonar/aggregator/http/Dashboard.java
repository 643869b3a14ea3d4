package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** The dashboard: one table of the services, worst first, reloaded every 10 seconds. */
final class Dashboard {

    private Dashboard() {
    }

    static String html(JsonNode services, boolean ready, Instant now) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"10\"><title>certsonar</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;width:100%}th,td{padding:.4em .7em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}")
                .append(".OK{background:#e6f4ea}.STALE{background:#eee}.WARNING{background:#fff4d6}.UNREACHABLE{background:#fde2cf}")
                .append(".CRITICAL,.INVALID{background:#fbd0d0}.EXPIRED{background:#e8a0a0}td.num{text-align:right}small{color:#666}")
                .append("</style></head><body><h1>certsonar</h1><p><small>")
                .append(services.size()).append(" services, ").append(escape(now.toString()))
                .append(ready ? "" : " &mdash; the aggregator is not ready yet").append("</small></p>")
                .append("<table><thead><tr><th>status</th><th>service</th><th>owner</th><th>days left</th><th>not after</th>")
                .append("<th>endpoints</th><th>problems</th></tr></thead><tbody>\n");
        for (JsonNode s : services) {
            String status = s.path("status").asText();
            String service = s.path("service").asText();
            b.append("<tr class=\"").append(escape(status)).append("\"><td>").append(escape(status)).append("</td>")
                    .append("<td><a href=\"/api/services/").append(escape(java.net.URLEncoder.encode(service, java.nio.charset.StandardCharsets.UTF_8)))
                    .append("\">").append(escape(service)).append("</a></td>")
                    .append("<td>").append(escape(s.path("owner").asText(""))).append("</td>")
                    .append("<td class=\"num\">").append(s.path("daysLeft").isNumber() ? s.path("daysLeft").asText() : "").append("</td>")
                    .append("<td>").append(escape(s.path("notAfter").asText(""))).append("</td>")
                    .append("<td class=\"num\">").append(s.path("endpoints").asInt()).append("</td><td>");
            for (JsonNode p : s.path("problems")) {
                b.append(escape(p.asText())).append("<br>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table></body></html>\n");
        return b.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
