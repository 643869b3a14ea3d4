package dev.certsonar.aggregator.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.certsonar.aggregator.http.ApiJson;
import dev.certsonar.aggregator.http.ApiQueries;
import dev.certsonar.aggregator.http.CertificateQuery;
import dev.certsonar.aggregator.http.ConsoleSessions;
import dev.certsonar.aggregator.http.HttpModule;
import dev.certsonar.aggregator.http.HttpSettings;
import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.aggregator.http.ServiceQuery;
import dev.certsonar.aggregator.http.TargetRoutes;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.Protocols;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.Matchers;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The console's pages, served by the aggregator: the overview at {@code /}, {@code /services}, {@code /service?name=},
 * {@code /certificates}, {@code /alerts}, {@code /targets} and {@code /login}; one route, one handler, one template
 * each. Every page reads what the JSON API reads ({@link ServiceIndex}, {@link ServiceQuery}, {@link CertificateQuery},
 * {@link ApiQueries}), so a page and the JSON never disagree; its frame carries the session's CSRF token for its forms
 * and says whether this browser may write. Pages refresh their live parts on the events of {@link ConsoleEvents}.
 */
public record ConsolePages(ServiceIndex index, ApiQueries read, AlertHistory history, ConsoleSessions sessions,
                           HttpSettings settings, BooleanSupplier ready, Owners owners) implements HttpModule {

    public ConsolePages(ServiceIndex index, ApiQueries read, AlertHistory history, ConsoleSessions sessions, HttpSettings settings,
                        BooleanSupplier ready) {
        this(index, read, history, sessions, settings, ready, new Owners());
    }

    /**
     * The owners the services page suggests, gathered from every service at most once a {@link #FRESH}: a pass over
     * every service for each page would cost more than the page.
     */
    static final class Owners {
        static final Duration FRESH = Duration.ofSeconds(10);
        private volatile List<String> owners = List.of();
        private volatile long gatheredAt = Long.MIN_VALUE;

        List<String> get(ServiceIndex index) {
            long now = System.nanoTime();
            if (gatheredAt == Long.MIN_VALUE || now - gatheredAt > FRESH.toNanos()) {
                TreeSet<String> found = new TreeSet<>();
                index.forEach(r -> {
                    if (r.owner() != null) {
                        found.add(r.owner());
                    }
                });
                owners = List.copyOf(found);
                gatheredAt = now;
            }
            return owners;
        }
    }

    /** Rows of a page of a list when the address names no {@code limit}. */
    public static final int PAGE_SIZE = 50;
    /** How many of the worst services the overview shows. */
    static final int WORST = 10;
    /** What a silence form offers. */
    static final List<String> DURATIONS = List.of("1h", "4h", "1d", "3d", "7d", "30d");
    static final List<String> KEY_TYPES = List.of("RSA", "EC", "Ed25519", "Ed448", "DSA");

    @Override
    public void register(JavalinConfig config) {
        config.staticFiles.enableWebjars();
        config.staticFiles.add(files -> {
            files.hostedPath = "/static";
            files.directory = "/console/static";
            files.location = Location.CLASSPATH;
        });
        Map<String, Handler> pages = new LinkedHashMap<>();
        pages.put("/", this::overview);
        pages.put("/services", this::services);
        pages.put("/service", this::service);
        pages.put("/certificates", this::certificates);
        pages.put("/alerts", this::alerts);
        pages.put("/targets", this::targets);
        pages.put("/login", this::login);
        pages.forEach(config.routes::get);
    }

    private void overview(Context ctx) throws IOException {
        boolean byOwner = "owner".equals(ctx.queryParam("by"));
        Instant now = read.clock().instant();
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        int[] total = {0};
        index.forEach(r -> {
            counts.merge(r.status(), 1, Integer::sum);
            total[0]++;
        });
        List<Views.Count> byStatus = new ArrayList<>();
        List<Status> order = new ArrayList<>(Arrays.asList(Status.values()));
        order.remove(Status.UNKNOWN);
        order.sort(Comparator.comparingInt((Status s) -> -ApiJson.severity(s)));
        if (counts.containsKey(Status.UNKNOWN)) {
            order.addFirst(Status.UNKNOWN);
        }
        order.forEach(s -> byStatus.add(new Views.Count(s.name(), counts.getOrDefault(s, 0))));
        List<Views.ServiceRow> worst = index.services(r -> r.status() != Status.OK, ServiceQuery.Sort.WORST_FIRST, 0, WORST)
                .items().stream().map(r -> row(r, now)).toList();
        Map<LifecycleState, Integer> alerts = new EnumMap<>(LifecycleState.class);
        for (JsonNode a : read.alerts(ApiQueries.AlertFilter.OPEN_ALERTS, false)) {
            alerts.merge(ApiQueries.state(a), 1, Integer::sum);
        }
        Templates.page(ctx, "overview.jte", chrome(ctx, "Overview", "overview"), new Views.OverviewPage(byStatus, total[0], worst,
                ExpiryChart.of(index, now, byOwner), alerts.getOrDefault(LifecycleState.FIRING, 0),
                alerts.getOrDefault(LifecycleState.HELD, 0), alerts.getOrDefault(LifecycleState.SILENCED, 0),
                alerts.getOrDefault(LifecycleState.ACKNOWLEDGED, 0)));
    }

    private void services(Context ctx) {
        Map<String, List<String>> params = given(ctx);
        Views.Flash problem = null;
        ServiceQuery query;
        try {
            params.putIfAbsent("limit", List.of(Integer.toString(PAGE_SIZE)));
            query = ServiceQuery.parse(params);
        } catch (InvalidValueException e) {
            problem = new Views.Flash(true, e.getMessage());
            params = new LinkedHashMap<>();
            params.put("limit", List.of(Integer.toString(PAGE_SIZE)));
            query = ServiceQuery.parse(params);
        }
        Instant now = read.clock().instant();
        ServiceIndex.Page<ServiceIndex.Row> page = index.services(query.filter(), query.sort(), query.offset(), query.limit());
        List<String> suggested = owners.get(index);
        List<Views.FilterField> filters = List.of(
                text("q", "Search", params, "name, owner, label, address, SNI or certificate subject"),
                checkboxes("status", "Status", params, Arrays.stream(Status.values()).filter(s -> s != Status.UNKNOWN)
                        .sorted(Comparator.comparingInt((Status s) -> -ApiJson.severity(s))).map(Enum::name).toList()),
                text("owner", "Owner", params, "exactly, as the targets name it"),
                text("label", "Label", params, "NAME:VALUE, such as env:prod"),
                text("zone", "Zone", params, "the network whose scanners reach it, such as default"),
                select("sort", "Order", params, List.of(
                        new Views.Option("worst", "worst first", false), new Views.Option("service", "name", false),
                        new Views.Option("owner", "owner", false), new Views.Option("notAfter", "expires first", false),
                        new Views.Option("-notAfter", "expires last", false), new Views.Option("-updatedAt", "changed last", false))));
        Views.Chrome chrome = chrome(ctx, "Services", "services", problem);
        Templates.page(ctx, "services.jte", chrome, new Views.ServicesPage(page.items().stream().map(r -> row(r, now)).toList(),
                filters, pager(ctx, params, page), suggested));
    }

    private void service(Context ctx) throws IOException {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank()) {
            notFound(ctx, "Which service? Open one from the services list.");
            return;
        }
        java.util.Optional<JsonNode> found = read.service(name, false).or(() -> index.fleetService(name)
                .map(st -> ApiJson.detail(st, List.of(), read.clock().instant())));
        if (found.isEmpty()) {
            notFound(ctx, "No service is named '" + name + "'.");
            return;
        }
        JsonNode s = found.get();
        Instant now = read.clock().instant();
        Set<LifecycleState> every = EnumSet.allOf(LifecycleState.class);
        List<Views.Alert> alerts = read.alerts(new ApiQueries.AlertFilter(every, name, null, null), false).stream()
                .map(ConsolePages::alert).toList();
        Views.ServicePage page = ServiceDetail.of(s, now, alerts, history.of(name));
        String silenceFor = ctx.queryParam("silence");
        Set<String> current = new LinkedHashSet<>();
        page.conditions().forEach(c -> current.add(c.condition()));
        alerts.forEach(a -> current.add(a.condition()));
        List<Views.Option> silenceConditions = new ArrayList<>();
        silenceConditions.add(new Views.Option("", "every condition", silenceFor == null));
        current.forEach(c -> silenceConditions.add(new Views.Option(c, c, c.equals(silenceFor))));
        List<Views.Option> acceptConditions = new ArrayList<>();
        Set<String> offered = new LinkedHashSet<>();
        page.conditions().forEach(c -> offered.add(c.condition()));
        Arrays.stream(ConditionType.values()).filter(c -> c != ConditionType.UNKNOWN).forEach(c -> offered.add(c.name()));
        boolean first = true;
        for (String c : offered) {
            acceptConditions.add(new Views.Option(c, c, first));
            first = false;
        }
        List<Views.Option> durations = DURATIONS.stream().map(d -> new Views.Option(d, d, d.equals("4h"))).toList();
        Templates.page(ctx, "service.jte", chrome(ctx, name, "services"), new Views.ServicePage(page.summary(), page.updatedAt(),
                page.endpoints(), page.chains(), page.rollout(), page.conditions(), page.accepted(), alerts, page.history(),
                silenceConditions, acceptConditions, durations, silenceFor));
    }

    private void certificates(Context ctx) {
        Map<String, List<String>> params = given(ctx);
        Views.Flash problem = null;
        CertificateQuery query;
        try {
            query = CertificateQuery.parse(certificateParams(params));
        } catch (InvalidValueException e) {
            problem = new Views.Flash(true, e.getMessage());
            params = new LinkedHashMap<>();
            query = CertificateQuery.parse(certificateParams(params));
        }
        Instant now = read.clock().instant();
        ServiceIndex.Page<ServiceIndex.CertificateRow> page = index.certificates(query.filter(now), query.offset(), query.limit());
        List<Views.CertificateRow> rows = page.items().stream().map(c -> new Views.CertificateRow(c.sha256(), c.subject(),
                c.issuer(), c.notBefore(), c.notAfter(), ApiJson.daysLeft(c.notAfter(), now), c.keyAlgorithm(), c.keyBits(),
                c.endpointsByService())).toList();
        List<Views.Option> keyTypes = new ArrayList<>();
        keyTypes.add(new Views.Option("", "any", false));
        KEY_TYPES.forEach(k -> keyTypes.add(new Views.Option(k, k, false)));
        List<Views.FilterField> filters = List.of(
                text("days", "Expiring within (days)", params, "a number of days; passed ones count too"),
                text("issuer", "Issuer", params, "text the issuer contains"),
                select("keyType", "Key type", params, keyTypes));
        Templates.page(ctx, "certificates.jte", chrome(ctx, "Certificates", "certificates", problem),
                new Views.CertificatesPage(rows, filters, pager(ctx, params, page)));
    }

    /** The certificate search of the page's fields: {@code days} is {@code expiringWithin} in days. */
    private static Map<String, List<String>> certificateParams(Map<String, List<String>> params) {
        Map<String, List<String>> out = new LinkedHashMap<>(params);
        out.putIfAbsent("limit", List.of(Integer.toString(PAGE_SIZE)));
        List<String> days = out.remove("days");
        if (days != null) {
            String d = days.getFirst().strip();
            if (!d.matches("\\d{1,5}")) {
                throw new InvalidValueException("days", "'" + d + "' is not a whole number of days");
            }
            out.put("expiringWithin", List.of(d + "d"));
        }
        return out;
    }

    private void alerts(Context ctx) throws IOException {
        Map<String, List<String>> params = given(ctx);
        Set<LifecycleState> states = ApiQueries.OPEN;
        Views.Flash problem = null;
        try {
            states = ApiQueries.AlertFilter.states(ServiceQuery.values(params, "state"));
        } catch (InvalidValueException e) {
            problem = new Views.Flash(true, e.getMessage());
        }
        List<Views.Alert> alerts = read.alerts(new ApiQueries.AlertFilter(states, null, null, null), false).stream()
                .map(ConsolePages::alert).toList();
        List<Views.Option> stateOptions = new ArrayList<>();
        for (LifecycleState s : LifecycleState.values()) {
            if (s != LifecycleState.UNKNOWN) {
                stateOptions.add(new Views.Option(s.name(), s.name().toLowerCase(Locale.ROOT), states.contains(s)));
            }
        }
        List<Views.Silence> silences = read.silences(false).stream().map(ConsolePages::silence).toList();
        List<Views.Exception> exceptions = read.exceptions(false).stream().map(ConsolePages::exception).toList();
        List<Views.Option> durations = DURATIONS.stream().map(d -> new Views.Option(d, d, d.equals("4h"))).toList();
        Templates.page(ctx, "alerts.jte", chrome(ctx, "Alerts", "alerts", problem),
                new Views.AlertsPage(alerts, stateOptions, silences, exceptions, durations));
    }

    private void targets(Context ctx) throws IOException {
        Map<String, List<String>> params = given(ctx);
        String q = params.containsKey("q") ? params.get("q").getFirst() : null;
        int offset = 0;
        try {
            offset = ServiceQuery.number(params, "offset", 0, 0, Integer.MAX_VALUE);
        } catch (InvalidValueException e) {
            params.remove("offset");
        }
        ServiceIndex.Page<JsonNode> page = TargetRoutes.page(read.targets(false), q, offset, PAGE_SIZE);
        List<Views.Target> rows = page.items().stream().map(t -> {
            List<String> ports = new ArrayList<>();
            if (t.has("port")) {
                ports.add(t.path("port").asText());
            }
            t.path("ports").forEach(p -> ports.add(p.asText()));
            Map<String, String> labels = new TreeMap<>();
            t.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            return new Views.Target(t.path("id").asText(), t.path("service").asText(), text(t, "owner"), t.path("host").asText(),
                    ports.isEmpty() ? "default" : String.join(",", ports), t.path("protocol").asText(), text(t, "sni"),
                    Fmt.labels(labels));
        }).toList();
        Templates.page(ctx, "targets.jte", chrome(ctx, "Targets", "targets"),
                new Views.TargetsPage(rows, q, pager(ctx, params, page), Protocols.known().stream().map(Protocols::name).toList()));
    }

    private void login(Context ctx) {
        Templates.page(ctx, "login.jte", chrome(ctx, "Log in", "login"),
                new Views.LoginPage(ConsoleActions.localPath(ctx.queryParam("next")), settings.writesNeedToken()));
    }

    private void notFound(Context ctx, String message) {
        ctx.status(404);
        Templates.page(ctx, "notfound.jte", chrome(ctx, "Not found", "services"), message);
    }

    Views.Chrome chrome(Context ctx, String title, String section) {
        return chrome(ctx, title, section, null);
    }

    /** The frame of a page; a problem with the address is shown in place of a message left by an action. */
    Views.Chrome chrome(Context ctx, String title, String section, Views.Flash problem) {
        ConsoleSessions.Session session = sessions.ensure(ctx);
        boolean needToken = settings.writesNeedToken();
        Views.Flash flash = ctx.header("HX-Request") != null ? null : Flashes.take(ctx);
        String query = ctx.queryString();
        return new Views.Chrome(title, section, sessions.csrfToken(session), !needToken || session.authenticated(),
                needToken && !session.authenticated(), session.authenticated(), problem != null ? problem : flash,
                ready.getAsBoolean(), read.clock().instant(), ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** The query parameters that hold a value (a form sends its empty fields too). */
    private static Map<String, List<String>> given(Context ctx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((name, values) -> {
            List<String> kept = values.stream().filter(v -> v != null && !v.isBlank()).toList();
            if (!kept.isEmpty()) {
                out.put(name, kept);
            }
        });
        return out;
    }

    private static Views.Pager pager(Context ctx, Map<String, List<String>> params, ServiceIndex.Page<?> page) {
        int from = page.items().isEmpty() ? 0 : page.offset() + 1;
        int to = page.offset() + page.items().size();
        String previous = page.offset() > 0 ? link(ctx, params, Math.max(0, page.offset() - page.limit())) : null;
        String next = to < page.total() ? link(ctx, params, to) : null;
        return new Views.Pager(from, to, page.total(), previous, next);
    }

    private static String link(Context ctx, Map<String, List<String>> params, int offset) {
        StringBuilder b = new StringBuilder(ctx.path()).append('?');
        params.forEach((name, values) -> {
            if (!name.equals("offset")) {
                values.forEach(v -> b.append(Fmt.url(name)).append('=').append(Fmt.url(v)).append('&'));
            }
        });
        return b.append("offset=").append(offset).toString();
    }

    private static Views.FilterField text(String name, String label, Map<String, List<String>> params, String hint) {
        return new Views.FilterField(name, label, "text", params.containsKey(name) ? params.get(name).getFirst() : "", List.of(), hint);
    }

    private static Views.FilterField checkboxes(String name, String label, Map<String, List<String>> params, List<String> values) {
        Set<String> chosen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        params.getOrDefault(name, List.of()).forEach(v -> chosen.addAll(Arrays.asList(v.split(","))));
        return new Views.FilterField(name, label, "checkboxes", "", values.stream()
                .map(v -> new Views.Option(v, v.toLowerCase(Locale.ROOT), chosen.contains(v))).toList(), null);
    }

    private static Views.FilterField select(String name, String label, Map<String, List<String>> params, List<Views.Option> options) {
        String chosen = params.containsKey(name) ? params.get(name).getFirst() : "";
        return new Views.FilterField(name, label, "select", chosen, options.stream()
                .map(o -> new Views.Option(o.value(), o.label(), o.value().equals(chosen))).toList(), null);
    }

    static Views.ServiceRow row(ServiceIndex.Row r, Instant now) {
        return new Views.ServiceRow(r.service(), r.owner(), r.status().name(), r.notAfter(), ApiJson.daysLeft(r.notAfter(), now),
                r.endpoints(), r.problems(), r.labels(), r.accepted());
    }

    /** An alert of {@code GET /api/alerts} as the pages show it. */
    static Views.Alert alert(JsonNode a) {
        JsonNode ack = a.path("acknowledgement");
        return new Views.Alert(a.path("alertId").asText(), a.path("state").asText(), a.path("severity").asText(),
                a.path("condition").asText(), a.path("level").asText(), a.path("service").asText(), text(a, "owner"),
                text(a.path("certificate"), "subject"), strings(a.path("endpoints")), a.path("message").asText(),
                instant(a, "since"), instant(a, "firstFiredAt"), instant(a, "heldUntil"), instant(a, "nextReminderAt"),
                instant(a, "lastNotifiedAt"), strings(a.path("silences")), text(ack, "by"), instant(ack, "at"), text(ack, "comment"));
    }

    static Views.Silence silence(JsonNode s) {
        return new Views.Silence(s.path("id").asText(), matchers(s.path("matchers")), text(s, "createdBy"), text(s, "comment"),
                instant(s, "startsAt"), instant(s, "endsAt"), s.path("status").asText());
    }

    static Views.Exception exception(JsonNode e) {
        return new Views.Exception(e.path("id").asText(), matchers(e.path("matchers")), strings(e.path("conditions")),
                text(e, "reason"), text(e, "createdBy"), instant(e, "createdAt"), instant(e, "until"), e.path("active").asBoolean());
    }

    /** Matchers as the command line writes them: {@code service=shop} or {@code label.env=~pr.*}. */
    private static List<String> matchers(JsonNode matchers) {
        List<String> out = new ArrayList<>();
        matchers.forEach(m -> out.add(Matchers.format(new Matcher(m.path("name").asText(), m.path("value").asText(),
                m.path("regex").asBoolean()))));
        return out;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    static Instant instant(JsonNode n, String field) {
        String t = text(n, field);
        return t == null ? null : Instant.parse(t);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
