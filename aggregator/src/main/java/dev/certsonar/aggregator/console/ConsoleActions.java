package dev.certsonar.aggregator.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.aggregator.http.ApiJson;
import dev.certsonar.aggregator.http.ApiQueries;
import dev.certsonar.aggregator.http.ConsoleSessions;
import dev.certsonar.aggregator.http.HttpModule;
import dev.certsonar.aggregator.http.HttpSettings;
import dev.certsonar.aggregator.http.OperatorRequests;
import dev.certsonar.aggregator.http.OperatorRoutes;
import dev.certsonar.aggregator.http.OperatorWrites;
import dev.certsonar.aggregator.http.RequestGuard;
import dev.certsonar.aggregator.http.TargetSyntax;
import dev.certsonar.aggregator.http.WebServer;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's forms: each posts {@code application/x-www-form-urlencoded} (a file import {@code multipart/form-data})
 * with the session's CSRF token in {@code _csrf}, which {@link RequestGuard} checks before the handler runs, as it
 * checks the login where writes need the token. A handler turns the form into the body the JSON API takes and checks it
 * with the same rules ({@link OperatorRequests}, {@link TargetSyntax}), writes it with {@link OperatorWrites}, leaves a
 * message saying what was done or what is wrong (naming the field), and sends the browser back to the page it came from
 * (303).
 */
public record ConsoleActions(ApiQueries read, OperatorRoutes operator, OperatorWrites writes, ConsoleSessions sessions,
                             HttpSettings settings, TargetSyntax syntax, ExpiryPolicy policy) implements HttpModule {

    /** The largest targets file an import takes. */
    static final int MAX_IMPORT_BYTES = 4 << 20;

    /** A write of the console: what it does, and the message it leaves. */
    @FunctionalInterface
    private interface Action {
        String run(Context ctx) throws IOException;
    }

    @Override
    public void register(JavalinConfig config) {
        config.routes.post(RequestGuard.CONSOLE_LOGIN_PATH, this::login);
        config.routes.post("/logout", ctx -> act(ctx, "/", c -> {
            sessions.logout(c);
            return "Logged out.";
        }));
        config.routes.post("/silences", ctx -> act(ctx, "/alerts", this::silence));
        config.routes.post("/silences/end", ctx -> act(ctx, "/alerts", this::endSilence));
        config.routes.post("/acknowledgements", ctx -> act(ctx, "/alerts", this::acknowledge));
        config.routes.post("/acknowledgements/withdraw", ctx -> act(ctx, "/alerts", this::withdraw));
        config.routes.post("/exceptions", ctx -> act(ctx, "/alerts", this::accept));
        config.routes.post("/exceptions/remove", ctx -> act(ctx, "/alerts", this::removeException));
        config.routes.post("/targets", ctx -> act(ctx, "/targets", this::addTarget));
        config.routes.post("/targets/remove", ctx -> act(ctx, "/targets", this::removeTarget));
        config.routes.post("/targets/import", ctx -> act(ctx, "/targets", this::importTargets));
    }

    /**
     * Runs the action, leaves its message (or the problem, naming the field) and sends the browser back to the form's
     * {@code back} page (a path of this site) or {@code fallback}.
     */
    private void act(Context ctx, String fallback, Action action) throws IOException {
        String back = localPath(ctx.formParam("back"));
        try {
            Flashes.set(ctx, false, action.run(ctx));
        } catch (InvalidValueException e) {
            Flashes.set(ctx, true, e.getMessage());
        } catch (WebServer.NotFound | WebServer.Conflict e) {
            Flashes.set(ctx, true, e.getMessage());
        } catch (OperatorWrites.NotWritten e) {
            Flashes.set(ctx, true, "Nothing was written: Kafka did not confirm in time. Try again.");
        }
        ctx.redirect(back == null ? fallback : back, HttpStatus.SEE_OTHER);
    }

    /** A silence of a service (and a condition, when one is chosen) for a while: {@code service, condition, for, comment, by}. */
    private String silence(Context ctx) {
        String service = required(ctx, "service");
        Instant now = read.clock().instant();
        Duration length = duration(ctx.formParam("for"));
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        ArrayNode matchers = body.putArray("matchers");
        matchers.addObject().put("name", "service").put("value", service);
        String condition = blankToNull(ctx.formParam("condition"));
        if (condition != null) {
            matchers.addObject().put("name", "condition").put("value", condition);
        }
        body.put("endsAt", now.plus(length).toString());
        body.put("comment", ctx.formParam("comment") == null ? "" : ctx.formParam("comment"));
        putIfGiven(body, "createdBy", ctx.formParam("by"));
        Silence silence = OperatorRequests.silence(body.toString(), OperatorRoutes.writer(ctx), now);
        writes.silence(silence);
        return "Silenced " + service + (condition == null ? "" : " (" + condition + ")") + " until " + Fmt.time(silence.getEndsAt())
                + ": silence " + silence.getId() + ".";
    }

    private String endSilence(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.formParam("id"));
        operator.expireSilence(id, false);
        return "Silence " + id + " has ended.";
    }

    private String acknowledge(Context ctx) throws IOException {
        String alertId = OperatorRequests.pathId("alertId", ctx.formParam("alertId"));
        OperatorRoutes.requireFiring(read, alertId);
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        putIfGiven(body, "comment", ctx.formParam("comment"));
        putIfGiven(body, "by", ctx.formParam("by"));
        Acknowledgement ack = OperatorRequests.acknowledgement(alertId, body.toString(), OperatorRoutes.writer(ctx),
                read.clock().instant());
        writes.acknowledge(ack);
        return "Acknowledged by " + ack.getBy() + ": its reminders stop until it resolves.";
    }

    private String withdraw(Context ctx) {
        String alertId = OperatorRequests.pathId("alertId", ctx.formParam("alertId"));
        writes.withdrawAcknowledgement(alertId);
        return "The acknowledgement is withdrawn: reminders go on.";
    }

    /** An accepted exception of a condition of a service: {@code service, condition, reason, until (a day), by}. */
    private String accept(Context ctx) {
        String service = required(ctx, "service");
        String condition = required(ctx, "condition");
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.putArray("matchers").addObject().put("name", "service").put("value", service);
        body.putArray("conditions").add(condition);
        body.put("reason", ctx.formParam("reason") == null ? "" : ctx.formParam("reason"));
        putIfGiven(body, "createdBy", ctx.formParam("by"));
        String until = blankToNull(ctx.formParam("until"));
        if (until != null) {
            try {
                body.put("until", LocalDate.parse(until).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
            } catch (DateTimeParseException e) {
                throw new InvalidValueException("until", "'" + until + "' is not a day (such as 2027-03-01)");
            }
        }
        AcceptedException exception = OperatorRequests.exception(body.toString(), OperatorRoutes.writer(ctx), read.clock().instant());
        writes.exception(exception);
        return condition + " of " + service + " is accepted: " + exception.getReason() + " (exception " + exception.getId() + ").";
    }

    private String removeException(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.formParam("id"));
        if (read.exception(id, false).isEmpty()) {
            throw new WebServer.NotFound("no such exception: " + id);
        }
        writes.removeException(id);
        return "Exception " + id + " is removed: its conditions count again.";
    }

    /** A target as {@code certsonar targets add} takes it: {@code target, service, owner, sni, protocol, labels}. */
    private String addTarget(Context ctx) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : List.of("service", "owner", "sni", "protocol")) {
            settings.put(key, ctx.formParam(key));
        }
        Target t = syntax.read(ctx.formParam("target"), TargetSyntax.settings(settings), labels(ctx.formParam("labels")), policy);
        writes.targets(List.of(t));
        return "Added target " + t.getId() + " (service " + t.getService() + "): it is scanned shortly.";
    }

    private String removeTarget(Context ctx) throws IOException {
        String id = required(ctx, "id");
        if (read.target(id, false).isEmpty()) {
            throw new WebServer.NotFound("no such target: " + id);
        }
        writes.removeTarget(id);
        return "Removed target " + id + ".";
    }

    /** A targets file, uploaded ({@code file}) or pasted ({@code text}), read as {@code certsonar targets import} reads it. */
    private String importTargets(Context ctx) throws IOException {
        String text = blankToNull(ctx.formParam("text"));
        String field = "text";
        UploadedFile file = ctx.uploadedFile("file");
        if (file != null && file.size() > 0) {
            if (file.size() > MAX_IMPORT_BYTES) {
                throw new InvalidValueException("file", "larger than " + (MAX_IMPORT_BYTES >> 20) + " MB");
            }
            try (InputStream in = file.content()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            field = "file " + file.filename();
        }
        if (text == null) {
            throw new InvalidValueException("file", "choose a targets file or paste its lines");
        }
        List<Target> targets = syntax.readFile(text, policy, field);
        writes.targets(targets);
        return "Imported " + Fmt.count(targets.size(), "target", "targets") + ".";
    }

    /** Logs the browser in with the token ({@code token}), then back to {@code next}. */
    private void login(Context ctx) {
        String next = localPath(ctx.formParam("next"));
        ConsoleSessions.Session session = sessions.read(ctx).orElse(null);
        if (session == null || !sessions.csrfMatches(ctx, session)) {
            Flashes.set(ctx, true, "The login form was stale: load the page again and log in.");
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        if (!settings.writesNeedToken()) {
            Flashes.set(ctx, false, "This console is on loopback without a token: no login is needed.");
        } else if (!sessions.tokenMatches(ctx.formParam("token"))) {
            Flashes.set(ctx, true, "token: this is not the console's token (http.token).");
            ctx.redirect("/login" + (next == null ? "" : "?next=" + Fmt.url(next)), HttpStatus.SEE_OTHER);
            return;
        } else {
            sessions.login(ctx);
            Flashes.set(ctx, false, "Logged in: you can silence, acknowledge, accept and change targets.");
        }
        ctx.redirect(next == null ? "/" : next, HttpStatus.SEE_OTHER);
    }

    /** The value as a path of this site ({@code /alerts?state=all}); null for anything else (another site, {@code //host}). */
    static String localPath(String value) {
        if (value == null || value.isBlank() || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")
                || value.chars().anyMatch(c -> c < 0x20)) {
            return null;
        }
        return value;
    }

    /** Labels as {@code env=prod, team=web}. */
    static Map<String, String> labels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new InvalidValueException("labels", "'" + p + "' is not NAME=VALUE");
            }
            out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return out;
    }

    private static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidValueException("for", "missing: how long the silence lasts (4h, 1d)");
        }
        try {
            Duration d = Durations.parse(text.strip());
            if (d.isNegative() || d.isZero()) {
                throw new InvalidValueException("for", "'" + text + "' is not a positive duration");
            }
            return d;
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidValueException invalid) {
                throw invalid;
            }
            throw new InvalidValueException("for", "'" + text + "' is not a duration (4h, 1d)");
        }
    }

    private static String required(Context ctx, String field) {
        String v = blankToNull(ctx.formParam(field));
        if (v == null) {
            throw new InvalidValueException(field, "missing");
        }
        return v;
    }

    private static void putIfGiven(ObjectNode body, String field, String value) {
        String v = blankToNull(value);
        if (v != null) {
            body.put(field, v);
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }
}
