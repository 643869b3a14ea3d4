package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.net.Addresses;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, before any handler runs, whether a request may be answered, and who makes a write:
 * <ol>
 * <li>the {@code Host} header must name this server: its bound address, a loopback name when it listens on loopback
 *     (or everywhere), a host of {@code http.allowedHosts}, the address other instances reach it on, or, when it listens
 *     everywhere, any IP address (a page that rebinds its own DNS name to this server still sends its name, so DNS
 *     rebinding is refused);</li>
 * <li>an {@code Origin} header must be this server's own origin or one of an allowed host (a page of another site
 *     cannot read or write here; {@code Origin: null} is another site);</li>
 * <li>a write (any method but GET, HEAD and OPTIONS) presents {@code Authorization: Bearer TOKEN}, checked against
 *     {@code http.token}; or it comes from a browser session ({@link ConsoleSessions}) and carries the session's CSRF
 *     token, and when a token is configured the session logged in with it; or, only when no token is configured (a
 *     loopback server), it comes from a program that is not a browser: no {@code Origin}, no {@code Sec-Fetch-Site}
 *     and no cookie. Bodies of API writes must be JSON, which a form of another site cannot send.</li>
 * </ol>
 * A refusal is 400 (bad Host), 403 (another site, a missing or wrong CSRF token) or 401 (no or a wrong credential),
 * with a JSON error that says what to do. The writer is stored in the request as {@link #WRITER}.
 */
public final class RequestGuard {

    /** Where a console session logs in with the token: a write its handler checks itself. */
    public static final String LOGIN_PATH = "/api/session";
    /** Where the console's login form logs in: a write its handler checks itself (the CSRF token, then the token). */
    public static final String CONSOLE_LOGIN_PATH = "/login";
    /** Request attribute: who writes ({@link Writer}). */
    public static final String WRITER = "certsonar.writer";

    /** Who makes a write: by the bearer token, a console session, or a program on a loopback server without a token. */
    public enum Writer {
        TOKEN("token"), CONSOLE("console"), LOCAL("local");

        private final String name;

        Writer(String name) {
            this.name = name;
        }

        /** The name recorded as createdBy or by when the request names no one. */
        public String recordedAs() {
            return name;
        }
    }

    /** A request refused, with its status and a message for the client. */
    public static final class Refused extends RuntimeException {
        private final HttpStatus status;

        Refused(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public HttpStatus status() {
            return status;
        }
    }

    private final HttpSettings settings;
    private final ConsoleSessions sessions;
    private final Set<String> hosts = new HashSet<>();
    private final boolean anyAddress;

    /** @param peers host names other instances reach this one on (application.server) */
    public RequestGuard(HttpSettings settings, ConsoleSessions sessions, List<String> peers) {
        this.settings = settings;
        this.sessions = sessions;
        String bind = bare(settings.bind().toLowerCase(Locale.ROOT));
        this.anyAddress = HttpSettings.wildcard(settings.bind());
        if (!anyAddress) {
            hosts.add(bind);
        }
        if (anyAddress || HttpSettings.loopback(settings.bind())) {
            hosts.addAll(List.of("localhost", "127.0.0.1", "::1"));
        }
        hosts.addAll(settings.allowedHosts());
        peers.forEach(p -> hosts.add(bare(p.toLowerCase(Locale.ROOT))));
    }

    /** Checks the request; throws {@link Refused} when it may not be answered. */
    public void check(Context ctx) {
        String host = hostName(ctx.header("Host"));
        if (host == null || !allowedHost(host)) {
            throw new Refused(HttpStatus.BAD_REQUEST, "this server does not answer to the host " + quoted(ctx.header("Host"))
                    + "; add it to http.allowedHosts if it is this server's name");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !sameSiteOrigin(origin, ctx.header("Host"))) {
            throw new Refused(HttpStatus.FORBIDDEN, "requests from pages of another site (" + quoted(origin) + ") are refused");
        }
        if (!isWrite(ctx.method()) || ctx.path().equals(LOGIN_PATH) || ctx.path().equals(CONSOLE_LOGIN_PATH)) {
            return;
        }
        ctx.attribute(WRITER, writer(ctx));
    }

    private Writer writer(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new Refused(HttpStatus.UNAUTHORIZED, "the Authorization header must be 'Bearer TOKEN'");
            }
            if (!settings.writesNeedToken()) {
                throw new Refused(HttpStatus.UNAUTHORIZED, "no http.token is configured, so no bearer token is accepted");
            }
            if (!sessions.tokenMatches(authorization.substring(7).strip())) {
                throw new Refused(HttpStatus.UNAUTHORIZED, "the bearer token is not http.token");
            }
            return Writer.TOKEN;
        }
        Optional<ConsoleSessions.Session> session = sessions.read(ctx);
        boolean browser = ctx.header("Origin") != null || ctx.header("Sec-Fetch-Site") != null || ctx.header("Cookie") != null;
        if (session.isPresent() || browser) {
            if (session.isEmpty()) {
                throw new Refused(HttpStatus.FORBIDDEN, "a write from a browser needs its session: load a page of the console first");
            }
            if (!sessions.csrfMatches(ctx, session.get())) {
                throw new Refused(HttpStatus.FORBIDDEN, "a write from a browser needs the page's CSRF token (header "
                        + ConsoleSessions.CSRF_HEADER + " or form field " + ConsoleSessions.CSRF_FIELD + ")");
            }
            if (settings.writesNeedToken() && !session.get().authenticated()) {
                throw new Refused(HttpStatus.UNAUTHORIZED, "log in with the token first (POST /api/session)");
            }
            return Writer.CONSOLE;
        }
        if (settings.writesNeedToken()) {
            throw new Refused(HttpStatus.UNAUTHORIZED, "writes need 'Authorization: Bearer TOKEN' with http.token");
        }
        return Writer.LOCAL;
    }

    static boolean isWrite(HandlerType method) {
        return method != HandlerType.GET && method != HandlerType.HEAD && method != HandlerType.OPTIONS;
    }

    private boolean allowedHost(String name) {
        return hosts.contains(name) || (anyAddress && Addresses.literal(name).isPresent());
    }

    /** Whether the Origin is this server's own (same scheme-less host and port as the Host header) or an allowed host's. */
    private boolean sameSiteOrigin(String origin, String hostHeader) {
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return false;
        }
        String originHost = bare(uri.getHost().toLowerCase(Locale.ROOT));
        if (settings.allowedHosts().contains(originHost)) {
            return true;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        String host = hostName(hostHeader);
        return originHost.equals(host) && port == hostPort(hostHeader, uri.getScheme());
    }

    /** The name in a Host header, lower-case, without port or IPv6 brackets; null when there is none. */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
    }

    private static int hostPort(String header, String scheme) {
        String h = header.strip();
        int close = h.lastIndexOf(']');
        int colon = h.lastIndexOf(':');
        if (colon > close && (h.startsWith("[") || h.indexOf(':') == colon)) {
            try {
                return Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return "https".equals(scheme) ? 443 : 80;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String quoted(String value) {
        return value == null ? "(none)" : "'" + value.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
