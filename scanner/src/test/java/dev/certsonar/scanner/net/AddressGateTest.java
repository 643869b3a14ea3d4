package dev.certsonar.scanner.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AddressGateTest {

    @Test
    void anAddressIsForgottenOnceIdleAndItsSpacingElapsed() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        AddressGate gate = new AddressGate(4, Duration.ofMillis(50), now::get);
        for (int i = 1; i <= 200; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[]{10, 0, (byte) (i >> 8), (byte) i});
            gate.acquire(a);
            gate.release(a);
        }
        // released before their spacing elapsed: kept so the next probe of each still waits its turn
        assertThat(gate.addresses()).isEqualTo(200);

        now.addAndGet(Duration.ofMillis(50).toNanos());
        gate.sweep();
        assertThat(gate.addresses()).isZero();
    }

    @Test
    void aFurtherConnectionOfAProbeTakesTheNextStartOnlyWhenItComesInTime() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        AddressGate gate = new AddressGate(4, Duration.ofMillis(50), now::get);
        InetAddress a = InetAddress.getByName("10.9.8.7");
        gate.acquire(a);
        // the next start is 50 ms away: too late for a probe with 10 ms left, and not taken
        assertThat(gate.nextStart(a, Duration.ofMillis(10))).isFalse();
        now.addAndGet(Duration.ofMillis(50).toNanos());
        assertThat(gate.nextStart(a, Duration.ofMillis(10))).isTrue();
        // taken: the next one is again 50 ms away
        assertThat(gate.nextStart(a, Duration.ofMillis(10))).isFalse();
        gate.release(a);
    }

    @Test
    void withoutSpacingAnAddressIsForgottenWhenItsLastProbeEnds() throws Exception {
        AddressGate gate = new AddressGate(2, Duration.ZERO);
        InetAddress a = InetAddress.getByName("10.1.2.3");
        gate.acquire(a);
        gate.acquire(a);
        assertThat(gate.addresses()).isEqualTo(1);
        gate.release(a);
        gate.release(a);
        assertThat(gate.addresses()).isZero();
    }

    @Test
    void probesOfOneAddressAreCapped() throws Exception {
        AddressGate gate = new AddressGate(1, Duration.ZERO);
        InetAddress a = InetAddress.getByName("127.0.0.9");
        InetAddress other = InetAddress.getByName("127.0.0.10");
        gate.acquire(a);
        AtomicBoolean second = new AtomicBoolean();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                gate.acquire(a);
                second.set(true);
                gate.release(a);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        gate.acquire(other);
        assertThat(second).as("another address is not held up").isFalse();
        gate.release(a);
        await().atMost(Duration.ofSeconds(5)).untilTrue(second);
        t.join();
        gate.release(other);
        assertThat(gate.addresses()).isZero();
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new AddressGate(0, Duration.ZERO)).hasMessageContaining("permits per address");
        assertThatThrownBy(() -> new AddressGate(1, Duration.ofMillis(-1))).hasMessageContaining("spacing");
    }
}
