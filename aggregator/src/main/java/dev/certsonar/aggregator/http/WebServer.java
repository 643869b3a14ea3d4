package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.InvalidValueException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * The aggregator's web server, on Javalin (Jetty) with virtual threads: the {@link RequestGuard} runs before every
 * route, then the routes of each {@link HttpModule}. Errors are answered as JSON {@code {"error": "..."}}: a refused
 * request with the guard's status, a bad value with 400 and the field ({@code {"error": "endsAt: missing", "field":
 * "endsAt"}}), state not restored yet with 503, anything unexpected with 500 and a request id that the log line of
 * the exception carries too; an exception's text never reaches a response.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    public static final String JSON = "application/json; charset=utf-8";

    /** What a request asked for does not exist: 404 with the message. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The request conflicts with the state of what it names (an alert that no longer fires): 409 with the message. */
    public static final class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpSettings settings;
    private final Javalin app;

    public WebServer(HttpSettings settings, RequestGuard guard, List<HttpModule> modules) {
        this.settings = settings;
        this.app = Javalin.create(config -> {
            config.jetty.host = settings.bind();
            config.jetty.port = settings.port();
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, true));
            config.routes.before(ctx -> {
                ctx.header("Cache-Control", "no-store");
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("Referrer-Policy", "same-origin");
                guard.check(ctx);
            });
            config.routes.exception(RequestGuard.Refused.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), null));
            config.routes.exception(InvalidValueException.class, (e, ctx) ->
                    error(ctx, HttpStatus.BAD_REQUEST, e.getMessage(), e.field()));
            config.routes.exception(NotFound.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage(), null));
            config.routes.exception(Conflict.class, (e, ctx) -> error(ctx, HttpStatus.CONFLICT, e.getMessage(), null));
            config.routes.exception(InvalidStateStoreException.class, (e, ctx) -> error(ctx, HttpStatus.SERVICE_UNAVAILABLE,
                    "the aggregator's state is not available yet (starting or rebalancing); ask again shortly", null));
            config.routes.exception(OperatorWrites.NotWritten.class, (e, ctx) -> {
                String id = UUID.randomUUID().toString();
                log.warn("HTTP {} {} (request {}) could not write", ctx.method(), ctx.path(), id, e);
                error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "the write did not reach Kafka in time; nothing may have been "
                        + "written, try again (request " + id + ")", null);
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                HttpStatus status = HttpStatus.forStatus(e.getStatus());
                error(ctx, status, status == HttpStatus.NOT_FOUND ? "no such path: " + ctx.path() : status.getMessage(), null);
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                String id = UUID.randomUUID().toString();
                log.error("HTTP {} {} failed (request {})", ctx.method(), ctx.path(), id, e);
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error (request " + id + "); the aggregator's log "
                        + "has the details", null);
            });
            config.routes.error(HttpStatus.NOT_FOUND, ctx -> {
                String type = ctx.res().getContentType();
                boolean answered = JSON.equals(type) || type != null && type.startsWith("text/html");
                if (ctx.result() == null || ctx.result().isEmpty() || !answered) {
                    error(ctx, HttpStatus.NOT_FOUND, "no such path: " + ctx.path(), null);
                }
            });
            config.routes.error(HttpStatus.METHOD_NOT_ALLOWED, ctx -> error(ctx, HttpStatus.METHOD_NOT_ALLOWED,
                    ctx.method() + " is not served at " + ctx.path(), null));
            modules.forEach(m -> m.register(config));
        });
    }

    /** Answers with a JSON error; {@code field} names the value at fault, when there is one. */
    static void error(Context ctx, HttpStatus status, String message, String field) {
        ObjectNode n = ApiJson.error(message);
        if (field != null) {
            n.put("field", field);
        }
        ctx.status(status).contentType(JSON).result(n.toString());
    }

    public void start() {
        app.start();
        log.info("Aggregator HTTP API on http://{}:{}/ (writes {})", settings.bind(), port(),
                settings.writesNeedToken() ? "need the bearer token or a logged-in console session" : "from loopback");
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
