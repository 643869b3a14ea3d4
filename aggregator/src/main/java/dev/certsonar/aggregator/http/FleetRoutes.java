package dev.certsonar.aggregator.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/** {@code GET /api/scanners}: the fleet of scanners, each with its zone, version, last heartbeat and load. */
public record FleetRoutes(FleetView fleet) implements HttpModule {

    @Override
    public void register(JavalinConfig config) {
        config.routes.get("/api/scanners", this::scanners);
    }

    private void scanners(Context ctx) {
        StatusRoutes.json(ctx, 200, fleet.json());
    }
}
