package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.InvalidValueException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The browser's session ({@link ConsoleSessions}): {@code GET /api/session} gives the page its CSRF token (and makes
 * the session when there is none), {@code POST /api/session} with {@code {"token": "..."}} logs it in where writes
 * need the token, {@code DELETE /api/session} logs it out.
 */
public record SessionRoutes(ConsoleSessions sessions, HttpSettings settings) implements HttpModule {

    @Override
    public void register(JavalinConfig config) {
        config.routes.get(RequestGuard.LOGIN_PATH, this::session);
        config.routes.post(RequestGuard.LOGIN_PATH, this::login);
        config.routes.delete(RequestGuard.LOGIN_PATH, this::logout);
    }

    /** The session's CSRF token, whether it is logged in, and whether writes need a login (a token is configured). */
    private void session(Context ctx) {
        StatusRoutes.json(ctx, 200, json(sessions.ensure(ctx)));
    }

    /** Logs the browser in with the token; 401 naming the field for a wrong one. */
    private void login(Context ctx) {
        if (!settings.writesNeedToken()) {
            throw new InvalidValueException("token", "no http.token is configured, so writes need no login");
        }
        if (!sessions.tokenMatches(OperatorRequests.token(ctx.body()))) {
            WebServer.error(ctx, HttpStatus.UNAUTHORIZED, "the token is not http.token", "token");
            return;
        }
        StatusRoutes.json(ctx, 200, json(sessions.login(ctx)));
    }

    private void logout(Context ctx) {
        sessions.logout(ctx);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("authenticated", false));
    }

    private ObjectNode json(ConsoleSessions.Session session) {
        return ApiJson.MAPPER.createObjectNode()
                .put("csrfToken", sessions.csrfToken(session))
                .put("authenticated", session.authenticated())
                .put("writesNeedLogin", settings.writesNeedToken());
    }
}
