package dev.certsonar.aggregator.http;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The browser's side of writing: a session in a signed cookie, and the CSRF token that every write of that session
 * must carry. The cookie ({@value #COOKIE}; HttpOnly, SameSite=Strict, Secure over HTTPS) holds a random nonce, when
 * it was issued and whether it was logged in with the token, signed with HMAC-SHA-256; the server keeps nothing, so
 * every instance that shares the token accepts it. The CSRF token of a session is an HMAC of its nonce: a page
 * renders it ({@link #csrfToken}) and sends it back in the {@value #CSRF_HEADER} header or the {@value #CSRF_FIELD}
 * form field; a page of another site can neither read it nor the cookie. Without a configured token the signing key
 * is random per process and sessions are never logged in (none is needed on loopback).
 */
public final class ConsoleSessions {

    public static final String COOKIE = "certsonar_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";
    public static final Duration LIFETIME = Duration.ofHours(12);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** A browser's session: its nonce, when it was issued (epoch seconds) and whether it was logged in with the token. */
    public record Session(String nonce, long issuedAt, boolean authenticated) {
    }

    private final byte[] key;
    private final String token;
    private final Clock clock;

    public ConsoleSessions(String token, Clock clock) {
        this.token = token;
        this.clock = clock;
        if (token != null) {
            this.key = sha256("certsonar console session\0" + token);
        } else {
            this.key = new byte[32];
            RANDOM.nextBytes(this.key);
        }
    }

    /** The request's session, when its cookie is present, signed by this server and not older than {@link #LIFETIME}. */
    public Optional<Session> read(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        if (cookie == null) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.");
        if (parts.length != 4) {
            return Optional.empty();
        }
        String payload = parts[0] + "." + parts[1] + "." + parts[2];
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        long issuedAt;
        try {
            issuedAt = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        long now = clock.instant().getEpochSecond();
        if (issuedAt > now + 60 || now - issuedAt > LIFETIME.toSeconds()) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[0], issuedAt, parts[2].equals("1")));
    }

    /** The request's session, or a new one (not logged in) set as the response's cookie. */
    public Session ensure(Context ctx) {
        return read(ctx).orElseGet(() -> issue(ctx, false));
    }

    /** Whether the token is the configured one (compared in constant time); false when none is configured. */
    public boolean tokenMatches(String presented) {
        return token != null && presented != null
                && MessageDigest.isEqual(sha256(token), sha256(presented));
    }

    /** A new session logged in with the token, set as the response's cookie. */
    public Session login(Context ctx) {
        return issue(ctx, true);
    }

    /** Ends the session: the cookie is removed. */
    public void logout(Context ctx) {
        ctx.cookie(cookie(ctx, "", 0));
    }

    /** The CSRF token of the session, to render in pages and send back with every write. */
    public String csrfToken(Session session) {
        return sign("csrf." + session.nonce());
    }

    /** Whether the request carries the session's CSRF token, in the header or the form field (a form or a file upload). */
    public boolean csrfMatches(Context ctx, Session session) {
        String presented = ctx.header(CSRF_HEADER);
        if (presented == null && ctx.contentType() != null && (ctx.contentType().startsWith("application/x-www-form-urlencoded")
                || ctx.contentType().startsWith("multipart/form-data"))) {
            presented = ctx.formParam(CSRF_FIELD);
        }
        return presented != null && MessageDigest.isEqual(csrfToken(session).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private Session issue(Context ctx, boolean authenticated) {
        byte[] nonce = new byte[18];
        RANDOM.nextBytes(nonce);
        Session session = new Session(B64.encodeToString(nonce), clock.instant().getEpochSecond(), authenticated);
        String payload = session.nonce() + "." + session.issuedAt() + "." + (authenticated ? "1" : "0");
        ctx.cookie(cookie(ctx, payload + "." + sign(payload), (int) LIFETIME.toSeconds()));
        return session;
    }

    private static Cookie cookie(Context ctx, String value, int maxAge) {
        return new Cookie(COOKIE, value, "/", maxAge, "https".equalsIgnoreCase(ctx.scheme()), true, null, SameSite.STRICT);
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
