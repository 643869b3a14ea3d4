package dev.certsonar.aggregator.http;

import io.javalin.config.JavalinConfig;

/**
 * A part of the aggregator's web server: its routes (one route, one handler), and whatever else it needs of the
 * server's configuration (static files such as WebJars, a template renderer). Every request has passed the
 * {@link RequestGuard} before a route's handler runs; a write's handler finds who writes in
 * {@link RequestGuard#WRITER}. A handler throws {@link dev.certsonar.schemas.InvalidValueException} for a bad request
 * (400 naming the field), {@link WebServer.NotFound} for what does not exist (404); anything else is logged and answered
 * with a generic 500 that carries a request id.
 */
@FunctionalInterface
public interface HttpModule {

    void register(JavalinConfig config);
}
