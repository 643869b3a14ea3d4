package dev.certsonar.aggregator.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Where the pages find the scripts they use: WebJars from Maven Central on the aggregator's class path, served under
 * {@code /webjars/} at the versions found there (no CDN), and the console's own files under {@code /static/}.
 */
public final class Assets {

    public static final String HTMX = webjar("htmx.org") + "/dist/htmx.min.js";
    public static final String HTMX_SSE = webjar("htmx-ext-sse") + "/sse.js";
    public static final String ECHARTS = webjar("echarts") + "/dist/echarts.common.min.js";
    public static final String CSS = "/static/console.css";
    public static final String JS = "/static/console.js";

    private Assets() {
    }

    /** {@code /webjars/htmx.org/2.0.4}: the folder of a WebJar of npm packages at the version on the class path. */
    static String webjar(String artifact) {
        String resource = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("WebJar " + artifact + " is not on the class path (" + resource + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return "/webjars/" + artifact + "/" + p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
