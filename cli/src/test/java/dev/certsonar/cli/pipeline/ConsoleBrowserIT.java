package dev.certsonar.cli.pipeline;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigLoader;
import dev.certsonar.cli.run.DemoWorld;
import dev.certsonar.cli.run.Delivery;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.LocalTlsWorld;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser (Debian's chromium, driven through its chromedriver; Selenium Manager never runs),
 * against a whole pipeline in this JVM: the local TLS servers, the embedded broker, and a webhook channel to a real
 * HTTP receiver. A person finds a service by text and opens its chain; silences a service whose alert then fires (the
 * alerts topic carries it, the receiver stays quiet) and ends the silence (the receiver gets it once); acknowledges a
 * CRITICAL alert and its reminders stop; accepts a self-signed certificate and sees the service turn OK and its alert
 * resolve. Markup in a service's name is shown, never run. Screenshots go to {@code target/screenshots}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    private static final Logger log = LoggerFactory.getLogger(ConsoleBrowserIT.class);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(120);
    static final Duration REMINDER = Duration.ofSeconds(4);
    static final String EVIL = "<script>alert('pwned')</script>";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Path dir;

    private final WebhookPipelineIT.Receiver hook = new WebhookPipelineIT.Receiver();
    private final List<TlsServer> fleet = new ArrayList<>();
    private Map<String, Object> kafka;
    private Topics topics;
    private LocalTlsWorld world;
    private Pipeline pipeline;
    private ChromeDriver browser;
    private String base;
    private boolean notifierKeepsStates;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path tempDir) throws Exception {
        this.dir = tempDir;
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no browser: " + CHROMIUM + " is missing (apt-get install chromium)");
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER),
                "no browser driver: " + CHROMEDRIVER + " is missing (apt-get install chromium-driver)");
        hook.start();
        String run = UUID.randomUUID().toString().substring(0, 8);
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        topics = Topics.withPrefix("browser-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, 2, (short) 1);
        world = LocalTlsWorld.start(dir.resolve("tls"), Clock.systemUTC());
        Path fleetCa = startFleet();

        CertsonarConfig config = new ConfigLoader(Map.of()).parse("""
                channels:
                  - {name: hook, type: webhook, url: "%s", secret: browser-s3cret}
                routes:
                  - {channels: [hook]}
                """.formatted(hook.url()), "certsonar.yaml", null, null);
        Pipeline.Settings demo = DemoWorld.settings(kafka, topics, dir, world.caFile(), 0);
        Pipeline.Settings settings = new Pipeline.Settings(kafka, topics,
                demo.scanner().withCaFiles(List.of(world.caFile(), fleetCa)), demo.worker().withGroupId("scanner-" + run),
                demo.aggregator().withApplicationId("aggregator-" + run),
                demo.notifier().withApplicationId("notifier-" + run)
                        .withReminders(Map.of("CRITICAL", REMINDER, "EXPIRED", Duration.ofHours(1))),
                Delivery.from(config, Clock.systemUTC()));
        List<Target> targets = new ArrayList<>(DemoWorld.targets(world));
        targets.add(target("tls://evil#" + LocalTlsWorld.HOST, EVIL, "<b>team</b>", world.server(LocalTlsWorld.VALID).port()));
        targets.addAll(fleetTargets());
        TargetPublisher.publish(kafka, topics, targets);
        pipeline = Pipeline.start(settings, Clock.systemUTC(), new SimpleMeterRegistry(), a -> { });
        base = "http://127.0.0.1:" + pipeline.aggregator().httpPort();

        browser = startBrowser();
        await("every broken demo server alerts").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> firing(a -> a.getService().equals("demo-expired")) && firing(a -> a.getService().equals("demo-expiring"))
                        && firing(a -> a.getService().equals("demo-selfsigned")));
        notifierKeepsStates = !read(topics.alertStates().name()).isEmpty();
    }

    @AfterAll
    void stop() throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        started.add(browser == null ? null : browser::quit);
        started.add(pipeline);
        started.addAll(fleet);
        started.add(world);
        for (AutoCloseable c : started) {
            if (c != null) {
                c.close();
            }
        }
        hook.stop();
        Path cache = Path.of("target", "selenium-manager-cache");
        assertThat(Files.exists(cache) && Files.list(cache).findAny().isPresent())
                .as("Selenium Manager never ran (its cache %s stays empty)", cache.toAbsolutePath()).isFalse();
    }

    @Test
    void findAServiceByTextAndOpenItsChain() throws Exception {
        open("/services");
        WebElement search = browser.findElement(By.id("f-q"));
        search.sendKeys("expiring");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#results")).contains("demo-expiring").doesNotContain("demo-valid"));
        assertThat(browser.getCurrentUrl()).as("the search is in the address, so it can be shared").contains("q=expiring");
        click(By.linkText("demo-expiring"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("demo-expiring"));
        assertThat(text("#live-detail")).contains("Served chains", "Chain 1", "certsonar sandbox issuing CA", LocalTlsWorld.HOST,
                "Names (SANs)");
        click(By.linkText("chain 1"));
        screenshot("service-chain");
    }

    @Test
    void markupInAServiceNameIsShownNotRun() throws Exception {
        await().atMost(WAIT).until(() -> {
            open("/services?q=" + java.net.URLEncoder.encode("script", java.nio.charset.StandardCharsets.UTF_8));
            return text("#results").contains(EVIL);
        });
        assertNoDialog();
        click(By.linkText(EVIL));
        await().atMost(WAIT).untilAsserted(() -> assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(EVIL));
        assertThat(text(".facts")).contains("<b>team</b>");
        assertNoDialog();
        open("/");
        assertNoDialog();
        screenshot("escaped-name");
    }

    @Test
    void aSilenceMutesTheReceiverWhileTheAlertsTopicCarriesTheAlertAndItsEndDeliversItOnce() throws Exception {
        assumeNotifierKeepsStates();
        open("/alerts");
        browser.findElement(By.id("ns-service")).sendKeys("demo-late");
        browser.findElement(By.id("ns-comment")).sendKeys("planned migration");
        browser.findElement(By.id("ns-by")).sendKeys("carol");
        new Select(browser.findElement(By.id("ns-for"))).selectByValue("1d");
        click(By.cssSelector("#new-silence button[type=submit]"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(text(".flash")).contains("Silenced demo-late"));
        assertThat(text("#live-alerts")).contains("service=demo-late", "planned migration", "carol");

        open("/targets");
        browser.findElement(By.id("t-target")).sendKeys(LocalTlsWorld.ADDRESS + ":" + world.server(LocalTlsWorld.EXPIRED).port());
        browser.findElement(By.id("t-service")).sendKeys("demo-late");
        browser.findElement(By.id("t-owner")).sendKeys("demo");
        browser.findElement(By.id("t-sni")).sendKeys(LocalTlsWorld.HOST);
        click(By.cssSelector("form[action='/targets'] button[type=submit]"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(text(".flash")).contains("Added target"));

        await("the late service's alert is on the alerts topic, silenced").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> firing(a -> a.getService().equals("demo-late") && a.getSilenced()));
        open("/alerts");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#live-alerts")).contains("demo-late").contains("SILENCED"));
        screenshot("alerts-silenced");
        assertThat(delivered("demo-late")).as("the receiver stays quiet while the silence holds").isZero();

        click(By.cssSelector("#live-alerts form[action='/silences/end'] button"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(text(".flash")).contains("has ended"));
        await("the receiver gets the alert when the silence ends").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> delivered("demo-late") >= 1);
        await("and only once").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(500))
                .until(() -> delivered("demo-late") == 1);
    }

    @Test
    void anAcknowledgementStopsTheRemindersOfACriticalAlert() throws Exception {
        assumeNotifierKeepsStates();
        await("reminders of the CRITICAL alert reach the receiver").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> reminders("demo-expiring") >= 1);
        open("/alerts");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#live-alerts")).contains("demo-expiring"));
        WebElement row = browser.findElement(By.xpath("//tr[.//a[text()='demo-expiring']][.//strong[text()='EXPIRING']]"));
        row.findElement(By.name("comment")).sendKeys("renewing now");
        row.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(text(".flash")).contains("Acknowledged by console"));
        await().atMost(WAIT).untilAsserted(() -> {
            open("/alerts");
            assertThat(text("#live-alerts")).contains("ACKNOWLEDGED").contains("renewing now");
        });
        screenshot("alerts-acknowledged");
        int after = reminders("demo-expiring");
        await("no reminder after the acknowledgement, for three reminder intervals").during(REMINDER.multipliedBy(3))
                .atMost(REMINDER.multipliedBy(4)).pollInterval(Duration.ofMillis(500)).until(() -> reminders("demo-expiring") == after);
    }

    @Test
    void acceptingASelfSignedCertificateTurnsTheServiceOkAndResolvesItsAlert() throws Exception {
        open("/service?name=demo-selfsigned");
        assertThat(text("#live-summary")).contains("INVALID", "UNTRUSTED");
        new Select(browser.findElement(By.id("accept-condition"))).selectByValue("UNTRUSTED");
        browser.findElement(By.id("accept-reason")).sendKeys("internal service, self-signed by design");
        browser.findElement(By.id("accept-by")).sendKeys("erin");
        click(By.cssSelector("#accept button[type=submit]"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(text(".flash")).contains("UNTRUSTED of demo-selfsigned is accepted"));
        await("the page turns OK by itself").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(text("#live-summary")).contains("OK").contains("Accepted conditions")
                        .contains("internal service, self-signed by design").contains("erin"));
        screenshot("service-accepted");
        await("its alert resolves: the receiver gets RESOLVED").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> hook.received().stream().anyMatch(d -> d.service().equals("demo-selfsigned") && d.state().equals("RESOLVED")));
        open("/alerts?state=all");
        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#live-alerts")).contains("internal service, self-signed by design"));
    }

    @Test
    void theOverviewAndAServiceReadOnALaptopAndOnAPhone() throws Exception {
        await("the fleet is scanned").atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            open("/");
            return text(".counts").contains("in all") && pipeline.aggregator().serviceIndex().size() >= FLEET.size() + 5;
        });
        browser.manage().window().setSize(new Dimension(1280, 1000));
        open("/");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(".chart canvas")).isEmpty());
        screenshot("console-overview");
        browser.manage().window().setSize(new Dimension(1280, 2000));
        open("/service?name=payments-api");
        screenshot("console-service");
        browser.manage().window().setSize(new Dimension(390, 844));
        open("/");
        assertThat(browser.executeScript("return document.documentElement.scrollWidth <= window.innerWidth + 1"))
                .as("no sideways scrolling of the page on a phone").isEqualTo(true);
        screenshot("phone-overview");
        open("/service?name=payments-api");
        screenshot("phone-service");
        browser.manage().window().setSize(new Dimension(1280, 1000));
        open("/services");
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement().getText()).as("the first tab stop is the skip link").isEqualTo("Skip to content");
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        assertThat(browser.switchTo().activeElement().getAttribute("id")).as("the skip link moves focus to the content").isEqualTo("main");
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement().getAttribute("id")).as("then the search field, labelled").isEqualTo("f-q");
        assertThat(browser.findElement(By.cssSelector("label[for=f-q]")).getText()).isEqualTo("Search");
    }

    // ---- the fleet for the pictures: services of several owners, certificates expiring over the next months -------

    record FleetService(String name, String owner, int daysLeft, int lifetime) {
    }

    static final List<FleetService> FLEET = List.of(
            new FleetService("payments-api", "team-payments", 5, 90), new FleetService("checkout", "team-payments", 12, 90),
            new FleetService("ledger", "team-payments", 40, 90), new FleetService("shop-web", "team-web", 20, 90),
            new FleetService("shop-cdn", "team-web", 55, 90), new FleetService("search", "team-web", 75, 90),
            new FleetService("sso", "team-identity", 9, 397), new FleetService("directory", "team-identity", 100, 397),
            new FleetService("mail-gateway", "team-infra", 25, 365), new FleetService("vpn", "team-infra", 140, 365),
            new FleetService("metrics", "team-infra", 160, 365), new FleetService("wiki", "team-docs", 33, 90),
            new FleetService("status-page", "team-docs", 88, 90), new FleetService("partner-api", "team-partners", 18, 90));

    private Path startFleet() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority root = Pki.root("Example Corp Root CA", Clock.systemUTC());
        CertificateAuthority issuing = root.intermediate("Example Corp Issuing CA R3");
        for (FleetService s : FLEET) {
            IssuedCertificate cert = issuing.leaf().dnsNames(s.name() + ".example.com", LocalTlsWorld.HOST).ipAddresses(LocalTlsWorld.ADDRESS)
                    .key(s.lifetime() > 300 ? KeySpec.RSA_2048 : KeySpec.EC_256)
                    .notBefore(now.minus(Duration.ofDays(s.lifetime() - s.daysLeft()))).notAfter(now.plus(Duration.ofDays(s.daysLeft())))
                    .issue();
            fleet.add(TlsServer.builder().bind(InetAddress.getByName(LocalTlsWorld.ADDRESS)).port(0).chain(cert).start());
        }
        return Pem.write(dir.resolve("fleet-ca.pem"), root.certificate());
    }

    private List<Target> fleetTargets() {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < FLEET.size(); i++) {
            FleetService s = FLEET.get(i);
            Target t = target("tls://" + s.name() + "#" + LocalTlsWorld.HOST, s.name(), s.owner(), fleet.get(i).port());
            out.add(Target.newBuilder(t).setLabels(Map.of("env", i % 4 == 3 ? "staging" : "prod")).build());
        }
        return out;
    }

    private static Target target(String id, String service, String owner, int port) {
        return Target.newBuilder().setId(id).setService(service).setOwner(owner).setHost(LocalTlsWorld.ADDRESS)
                .setPorts(List.of(port)).setSni(LocalTlsWorld.HOST).setProtocol(Protocol.TLS).setLabels(Map.of("env", "demo")).build();
    }

    // ---- the browser ---------------------------------------------------------------------------------------------

    private ChromeDriver startBrowser() throws IOException {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        log.info("Browser: {} {}", driver.getCapabilities().getBrowserName(), driver.getCapabilities().getBrowserVersion());
        return driver;
    }

    private void open(String path) {
        browser.get(base + path);
    }

    /** Clicks what the locator finds, finding it again when a live update replaced it meanwhile. */
    private void click(By locator) {
        await().atMost(WAIT).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> browser.findElement(locator).click());
    }

    private String text(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.getFirst().getText();
    }

    private void assertNoDialog() {
        try {
            String shown = browser.switchTo().alert().getText();
            throw new AssertionError("a script ran and opened a dialog: " + shown);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        log.info("Screenshot {}", file.toAbsolutePath());
    }

    private void assumeNotifierKeepsStates() {
        Assumptions.assumeTrue(notifierKeepsStates, "the notifier of this build publishes no alert states (alert-states is empty "
                + "after alerts fired), so it applies no silence or acknowledgement to test here");
    }

    // ---- what the receiver and the topics saw ---------------------------------------------------------------------

    private long delivered(String service) throws IOException {
        return hook.received().stream().filter(d -> d.service().equals(service) && d.state().equals("FIRING")).count();
    }

    private int reminders(String service) throws IOException {
        return (int) hook.received().stream().filter(d -> d.service().equals(service) && d.reminder()).count();
    }

    private boolean firing(Predicate<Alert> test) {
        return read(topics.alerts().name()).stream().map(r -> topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .anyMatch(a -> a.getState() == AlertState.FIRING && test.test(a));
    }

    private List<ConsumerRecord<String, byte[]>> read(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
