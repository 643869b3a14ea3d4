package dev.certsonar.aggregator.console;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates escape every value for where it is written: in text, in attributes (a hidden field, a link, a data
 * attribute), in a chart's numbers; a value is never markup.
 */
class ConsoleTemplatesTest {

    static final String EVIL = "\"><script>alert(1)</script><a href='";
    static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

    @Test
    void aServicePageEscapesEveryValue() {
        Views.ServiceRow summary = new Views.ServiceRow(EVIL, EVIL, "CRITICAL", NOW, 3.0, 1, List.of(EVIL), Map.of(EVIL, EVIL), 1);
        Views.Cert cert = new Views.Cert("ab".repeat(32), "CN=" + EVIL, EVIL, "01", NOW, NOW, 3.0, "EC", 256, "SHA256withECDSA",
                List.of(EVIL));
        Views.Alert alert = new Views.Alert("a1", "FIRING", "CRITICAL", "EXPIRING", "CRITICAL", EVIL, EVIL, EVIL, List.of(EVIL),
                EVIL, NOW, NOW, null, null, NOW, List.of(), EVIL, NOW, EVIL);
        Views.ServicePage page = new Views.ServicePage(summary, NOW,
                List.of(new Views.Endpoint("10.0.0.1", 443, EVIL, "tls", EVIL, "CRITICAL", "OK", "TLSv1.3", EVIL, NOW, 3.0, NOW, EVIL,
                        List.of(EVIL), 1, EVIL, EVIL, EVIL)),
                List.of(new Views.Chain(1, List.of(EVIL), List.of(cert))), new Views.Rollout(EVIL, List.of(EVIL), List.of(EVIL), NOW),
                List.of(new Views.Condition("EXPIRING", "CRITICAL", EVIL, NOW, 1, List.of(EVIL), EVIL)),
                List.of(new Views.Accepted("UNTRUSTED", "CRITICAL", EVIL, EVIL, EVIL, EVIL, NOW)), List.of(alert),
                List.of(new Views.HistoryEvent(NOW, "a1", "FIRING", false, true, "CRITICAL", "EXPIRING", "CRITICAL", EVIL)),
                List.of(new Views.Option(EVIL, EVIL, true)), List.of(new Views.Option(EVIL, EVIL, true)),
                List.of(new Views.Option("4h", "4h", true)), EVIL);
        String html = Templates.render("service.jte", Map.of("chrome", chrome(EVIL), "page", page));
        assertThat(html).doesNotContain("<script>alert(1)").doesNotContain("\"><script").doesNotContain("<a href='");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("<input type=\"hidden\" name=\"service\" value=\"&#34;>&lt;script>");
        assertThat(html).contains("href=\"/service?name=%22%3E%3Cscript%3E");
    }

    @Test
    void aServicePageListsAnEndpointsOtherChainEscaped() throws Exception {
        String json = """
                {"service":"shop","status":"CRITICAL","endpoints":[{"address":"10.0.0.1","port":443,"sni":"shop.test",
                 "status":"CRITICAL","outcome":"OK","chain":[{"sha256":"aa","subject":"CN=ecdsa"}],
                 "alternateChains":[{"offered":"RSA <b>only</b>","chain":[{"sha256":"bb","subject":"CN=<i>rsa</i>"}]}]}]}
                """;
        Views.ServicePage page = ServiceDetail.of(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), NOW,
                List.of(), List.of());
        assertThat(page.chains()).hasSize(2);
        assertThat(page.chains().get(1).endpoints()).containsExactly("10.0.0.1:443 sni=shop.test (RSA <b>only</b>)");
        assertThat(page.chains().get(1).certificates().get(0).sha256()).isEqualTo("bb");
        String html = Templates.render("service.jte", Map.of("chrome", chrome("/service?name=shop"), "page", page));
        assertThat(html).contains("CN=&lt;i&gt;rsa&lt;/i&gt;").contains("(RSA &lt;b&gt;only&lt;/b&gt;)").doesNotContain("<i>rsa");
    }

    @Test
    void theOverviewsChartDataIsAnEscapedAttribute() {
        Views.Chart chart = new Views.Chart(List.of("2 Dec"), List.of(new Views.Series(EVIL, List.of(1))),
                "{\"weeks\":[\"2 Dec\"],\"series\":[{\"name\":\"" + EVIL.replace("\"", "\\\"") + "\",\"counts\":[1]}]}", 0, 1, "owner");
        Views.OverviewPage page = new Views.OverviewPage(List.of(new Views.Count("OK", 1)), 1, List.of(), chart, 0, 0, 0, 0);
        String html = Templates.render("overview.jte", Map.of("chrome", chrome("/"), "page", page));
        assertThat(html).doesNotContain("<script>alert(1)").contains("data-chart=\"{&#34;weeks&#34;");
    }

    private static Views.Chrome chrome(String self) {
        return new Views.Chrome(EVIL, "services", "csrf-token", true, false, false, new Views.Flash(true, EVIL), true, NOW, self);
    }
}
