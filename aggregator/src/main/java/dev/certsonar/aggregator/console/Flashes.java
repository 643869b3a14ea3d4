package dev.certsonar.aggregator.console;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The message an action leaves for the page it returns to: a cookie of this site, read once. */
final class Flashes {

    static final String COOKIE = "certsonar_flash";
    private static final int MAX = 500;

    private Flashes() {
    }

    static void set(Context ctx, boolean error, String text) {
        String t = text == null ? "" : text.length() > MAX ? text.substring(0, MAX) + "…" : text;
        String value = URLEncoder.encode((error ? "e:" : "o:") + t, StandardCharsets.UTF_8);
        ctx.cookie(new Cookie(COOKIE, value, "/", 60, "https".equalsIgnoreCase(ctx.scheme()), true, null, SameSite.STRICT));
    }

    /** The message, removed from the browser; null when there is none. */
    static Views.Flash take(Context ctx) {
        String value = ctx.cookie(COOKIE);
        if (value == null || value.isEmpty()) {
            return null;
        }
        ctx.removeCookie(COOKIE, "/");
        String text;
        try {
            text = URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (text.length() < 2) {
            return null;
        }
        return new Views.Flash(text.startsWith("e:"), text.substring(2));
    }
}
