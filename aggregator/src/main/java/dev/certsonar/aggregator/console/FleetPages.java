package dev.certsonar.aggregator.console;

import dev.certsonar.aggregator.http.FleetView;
import dev.certsonar.aggregator.http.HttpModule;
import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.aggregator.http.ServiceQuery;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;

/**
 * The console's fleet page at {@code /fleet}: every scanner with its zone, version, last heartbeat and load, as
 * {@code GET /api/scanners} shows them, and the health of every zone (the {@code zone:NAME} services).
 */
public record FleetPages(ConsolePages pages, FleetView fleet, ServiceIndex index) implements HttpModule {

    @Override
    public void register(JavalinConfig config) {
        config.routes.get("/fleet", this::fleet);
    }

    private void fleet(Context ctx) {
        Instant now = pages.read().clock().instant();
        List<Views.ScannerRow> scanners = fleet.scanners().stream().map(s -> {
            ScannerHeartbeat b = s.heartbeat();
            return new Views.ScannerRow(b.getScannerId(), b.getZone(), b.getVersion(), b.getHost(), b.getStartedAt(),
                    b.getSentAt(), s.age().toSeconds(), s.live(), b.getInFlight(), b.getProbesPerSecond(), b.getBacklog(),
                    b.getTlsLibrary());
        }).toList();
        List<Views.ServiceRow> zones = index.services(r -> Zones.isZoneService(r.service()), ServiceQuery.Sort.WORST_FIRST, 0,
                Integer.MAX_VALUE).items().stream().map(r -> ConsolePages.row(r, now)).toList();
        Templates.page(ctx, "fleet.jte", pages.chrome(ctx, "Fleet", "fleet"), new Views.FleetPage(scanners, zones));
    }
}
