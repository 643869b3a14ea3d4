package dev.certsonar.scanner.probe;

import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * 500 endpoints that accept and never speak, probed at once: every probe waits on its own virtual thread, so the
 * platform threads stay few, the heap grows by little per probe, and every probe ends in TIMEOUT at its deadline.
 */
class ManySilentEndpointsTest {

    private static final Logger log = LoggerFactory.getLogger(ManySilentEndpointsTest.class);
    static final int ENDPOINTS = 500;

    @Test
    void fiveHundredSilentEndpointsAtOnceNeitherExhaustThreadsNorMemory() throws Exception {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
            assumeTrue(free > 4 * ENDPOINTS, () -> "this test needs about " + 3 * ENDPOINTS
                    + " file descriptors; only " + free + " are left (ulimit -n)");
        }
        List<ServerSocket> servers = new ArrayList<>();
        ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
        AtomicInteger accepted = new AtomicInteger();
        List<Target> targets = new ArrayList<>();
        try {
            for (int i = 0; i < ENDPOINTS; i++) {
                InetAddress address = InetAddress.getByName("127.1." + (i / 250) + "." + (i % 250 + 1));
                ServerSocket server = new ServerSocket(0, 10, address);
                servers.add(server);
                Thread.ofVirtual().start(() -> {
                    while (!server.isClosed()) {
                        try {
                            held.add(server.accept());
                            accepted.incrementAndGet();
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                targets.add(TargetSpecs.parse(address.getHostAddress() + ":" + server.getLocalPort(), Map.of(), false));
            }

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            Duration timeout = Duration.ofSeconds(8);
            try (ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(timeout), Clock.systemUTC(),
                    TrustAnchors.of(List.of()))) {
                System.gc();
                long heapBefore = memory.getHeapMemoryUsage().getUsed();
                int threadsBefore = threads.getThreadCount();
                ConcurrentLinkedQueue<Observation> observations = new ConcurrentLinkedQueue<>();
                long t0 = System.nanoTime();
                Thread scan = Thread.ofPlatform().name("scan-all").start(() -> engine.scanAll(targets, observations::add));

                // every probe has connected and now waits for an answer that never comes
                await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(accepted).hasValue(ENDPOINTS));
                int threadsDuring = threads.getThreadCount();
                System.gc();
                long heapDuring = memory.getHeapMemoryUsage().getUsed();
                log.info("{} probes in flight: platform threads {} -> {}, heap {} -> {} MB", ENDPOINTS, threadsBefore, threadsDuring,
                        heapBefore >> 20, heapDuring >> 20);
                assertThat(observations).as("no probe ended early").isEmpty();
                assertThat(threadsDuring - threadsBefore).as("platform threads added while %d probes wait", ENDPOINTS).isLessThan(40);
                assertThat(heapDuring - heapBefore).as("heap added while %d probes wait", ENDPOINTS).isLessThan(200L << 20);

                await().atMost(timeout.plusSeconds(10)).until(() -> !scan.isAlive());
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(observations).hasSize(ENDPOINTS);
                assertThat(observations).allSatisfy(o -> assertThat(o.getOutcome()).isEqualTo(Outcome.TIMEOUT));
                assertThat(took).as("all probes end at about one deadline").isLessThan(timeout.plusSeconds(6));
            }
        } finally {
            for (ServerSocket s : servers) {
                s.close();
            }
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
