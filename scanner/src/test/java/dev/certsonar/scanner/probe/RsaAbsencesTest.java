package dev.certsonar.scanner.probe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RsaAbsencesTest {

    private static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();

    private Instant now = Instant.parse("2026-06-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void anEndpointFoundWithoutAnRsaCertificateIsKnownUntilTheRecheck() {
        RsaAbsences absences = new RsaAbsences(clock, Duration.ofHours(6), 10);
        assertThat(absences.known(ADDRESS, 443, "shop.test", "leaf-1")).isFalse();

        absences.remember(ADDRESS, 443, "shop.test", "leaf-1");
        now = now.plus(Duration.ofHours(5));
        assertThat(absences.known(ADDRESS, 443, "shop.test", "leaf-1")).isTrue();

        now = now.plus(Duration.ofHours(1));
        assertThat(absences.known(ADDRESS, 443, "shop.test", "leaf-1")).as("asked again after 6 hours").isFalse();
        assertThat(absences.size()).isZero();
    }

    @Test
    void anotherLeafNameOrPortIsAskedAtOnce() {
        RsaAbsences absences = new RsaAbsences(clock, Duration.ofHours(6), 10);
        absences.remember(ADDRESS, 443, "shop.test", "leaf-1");

        assertThat(absences.known(ADDRESS, 443, "shop.test", "leaf-2")).as("a renewed leaf").isFalse();
        assertThat(absences.known(ADDRESS, 443, "api.test", "leaf-1")).as("another name").isFalse();
        assertThat(absences.known(ADDRESS, 8443, "shop.test", "leaf-1")).as("another port").isFalse();
    }

    @Test
    void holdsAtMostItsSize() {
        RsaAbsences absences = new RsaAbsences(clock, Duration.ofHours(6), 3);
        for (int i = 0; i < 10; i++) {
            absences.remember(ADDRESS, 443, "t" + i + ".test", "leaf");
        }
        assertThat(absences.size()).isEqualTo(3);
        assertThat(absences.known(ADDRESS, 443, "t9.test", "leaf")).isTrue();
        assertThat(absences.known(ADDRESS, 443, "t0.test", "leaf")).isFalse();
    }
}
