package dev.certsonar.aggregator.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.javalin.http.Context;

import java.util.Map;

/**
 * The console's templates (jte, HTML content type: every value is escaped for where it is written), compiled with the
 * aggregator by jte's Maven plugin, so each is checked against its model when the aggregator compiles.
 */
final class Templates {

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Templates.class.getClassLoader(), "dev.certsonar.aggregator.console.templates");

    /**
     * The page's policy: scripts, styles, images and connections from this server only, no frames, forms posted here
     * only. No inline script or style is ever needed, so a value that escaped escaping still could not run.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "object-src 'none'";

    private Templates() {
    }

    /** Renders a page template with its frame and model as the response. */
    static void page(Context ctx, String template, Views.Chrome chrome, Object page) {
        Utf8ByteOutput out = new Utf8ByteOutput();
        ENGINE.render(template, Map.of("chrome", chrome, "page", page), out);
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.contentType("text/html; charset=utf-8").result(out.toByteArray());
    }

    /** Renders a template with one model, as a string (for tests of one template). */
    static String render(String template, Map<String, Object> params) {
        Utf8ByteOutput out = new Utf8ByteOutput();
        ENGINE.render(template, params, out);
        return new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

}
