package dev.certsonar.scanner.net;

import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.scanner.probe.ProbeException;
import dev.certsonar.schemas.net.Addresses;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Name resolution against a DNS server the test starts on loopback. */
class ResolverTest {

    @Test
    void everyAAndAaaaAddressIsReturned() throws Exception {
        try (LoopbackDns dns = new LoopbackDns()) {
            dns.add("dual.test", InetAddress.getByName("192.0.2.7"), InetAddress.getByName("192.0.2.8"),
                    InetAddress.getByName("2001:db8::7"));
            dns.add("xn--bcher-kva.test", InetAddress.getByName("192.0.2.9"));
            Resolver r = new Resolver(List.of(dns.server()), Duration.ofSeconds(2));
            assertThat(r.resolve("dual.test", Deadline.in(Duration.ofSeconds(5)), Duration.ofSeconds(2)))
                    .extracting(Addresses::text).containsExactly("192.0.2.7", "192.0.2.8", "2001:db8::7");
            assertThat(r.resolve("bücher.test", Deadline.in(Duration.ofSeconds(5)), Duration.ofSeconds(2)))
                    .extracting(Addresses::text).containsExactly("192.0.2.9");
            assertThatThrownBy(() -> r.resolve("missing.test", Deadline.in(Duration.ofSeconds(5)), Duration.ofSeconds(2)))
                    .isInstanceOf(ProbeException.DnsFailed.class).hasMessageContaining("NXDOMAIN");
        }
    }

    @Test
    void aSilentDnsServerEndsWithinTheTimeout() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Resolver r = new Resolver(List.of("127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> r.resolve("slow.test", Deadline.in(Duration.ofMillis(600)), Duration.ofMillis(600)))
                    .isInstanceOf(ProbeException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
