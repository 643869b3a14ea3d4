package dev.certsonar.aggregator;

import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final Duration SIX_HOURS = Duration.ofHours(6);

    @TempDir
    Path stateDir;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(T0, stateDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aNewTargetIsScannedAtOnceKeyedByItsHost() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(t);

        List<TestRecord<String, ScanRequest>> requests = h.scanRequests.readRecordsToList();
        assertThat(requests).hasSize(1);
        TestRecord<String, ScanRequest> r = requests.get(0);
        assertThat(r.key()).isEqualTo("shop.example.com");
        assertThat(r.value().getTarget()).isEqualTo(t);
        assertThat(r.value().getRequestedAt()).isEqualTo(T0);
        assertThat(r.value().getScanId()).isEqualTo("tls://shop.example.com:443@" + T0.toEpochMilli());
        Duration untilNext = Duration.between(T0, r.value().getNotAfterDeadline());
        assertThat(untilNext).isLessThanOrEqualTo(SIX_HOURS).isGreaterThan(SIX_HOURS.multipliedBy(9).dividedBy(10));
    }

    @Test
    void aTargetIsRescannedEveryIntervalAndNotBefore() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(t);
        Instant due = h.scanRequests.readValue().getNotAfterDeadline();

        h.advanceTo(due.minusMillis(1));
        assertThat(h.scanRequests.isEmpty()).as("nothing before the due time").isTrue();

        h.advanceTo(due);
        ScanRequest second = h.scanRequests.readValue();
        assertThat(second.getRequestedAt()).isEqualTo(due);
        assertThat(second.getNotAfterDeadline()).as("then exactly one interval later").isEqualTo(due.plus(SIX_HOURS));
        assertThat(h.scanRequests.isEmpty()).isTrue();

        h.advanceTo(due.plus(SIX_HOURS));
        assertThat(h.scanRequests.readValue().getRequestedAt()).isEqualTo(due.plus(SIX_HOURS));
    }

    @Test
    void theTargetsIntervalOverrideWins() {
        Target t = Target.newBuilder(Obs.target("tls://a:443", "a", null, "a")).setIntervalMillis(Duration.ofMinutes(10).toMillis()).build();
        h.target(t);
        Instant due = h.scanRequests.readValue().getNotAfterDeadline();
        assertThat(Duration.between(T0, due)).isLessThanOrEqualTo(Duration.ofMinutes(10)).isGreaterThan(Duration.ofMinutes(9));
        h.advanceTo(due);
        assertThat(h.scanRequests.readValuesToList()).hasSize(1);
    }

    @Test
    void jitterSpreadsTargetsAddedTogetherWithinTenPercentOfTheInterval() {
        for (int i = 0; i < 50; i++) {
            h.target(Obs.target("tls://host-" + i + ":443", "s" + i, null, "host-" + i));
        }
        List<Instant> deadlines = h.scanRequests.readValuesToList().stream().map(ScanRequest::getNotAfterDeadline).toList();
        assertThat(deadlines).hasSize(50);
        assertThat(deadlines.stream().distinct().count()).as("not in lock-step").isGreaterThan(40);
        assertThat(deadlines).allSatisfy(d -> assertThat(Duration.between(T0, d))
                .isLessThanOrEqualTo(SIX_HOURS).isGreaterThanOrEqualTo(SIX_HOURS.minus(SIX_HOURS.dividedBy(10))));
    }

    @Test
    void anUnchangedTargetIsNotScannedAgainButAChangedOneIs() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(t);
        h.advance(Duration.ofMinutes(1));
        h.target(t);
        assertThat(h.scanRequests.readValuesToList()).hasSize(1);

        h.target(Target.newBuilder(t).setOwner("team-shop").build());
        List<ScanRequest> again = h.scanRequests.readValuesToList();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).getTarget().getOwner()).isEqualTo("team-shop");
    }

    @Test
    void aTombstoneCancelsTheScans() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(t);
        h.scanRequests.readValuesToList();
        h.removeTarget(t.getId());
        h.advance(SIX_HOURS.multipliedBy(3));
        assertThat(h.scanRequests.isEmpty()).isTrue();
        assertThat(h.driver.<String, Target>getKeyValueStore(StoreNames.SCHEDULER_TARGETS).get(t.getId())).isNull();
    }

    @Test
    void anUnreadableTargetGoesToDeadLettersWithItsReasonAndProcessingGoesOn() {
        byte[] garbage = "not a target at all".getBytes(StandardCharsets.UTF_8);
        h.rawTargets.pipeInput("bad", garbage, T0);
        Target blankHost = Target.newBuilder(Obs.target("tls://x:443", "x", null, "x")).setHost(" ").build();
        h.target(blankHost);
        Target good = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(good);

        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("bad");
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        Header error = dead.get(0).headers().lastHeader("certsonar.error");
        assertThat(error).isNotNull();
        assertThat(new String(dead.get(1).headers().lastHeader("certsonar.error").value(), StandardCharsets.UTF_8)).contains("host");
        assertThat(h.scanRequests.readValuesToList()).extracting(r -> r.getTarget().getId()).containsExactly(good.getId());
    }

    @Test
    void afterALongPauseScansAreSpreadFromNowNotRepeatedForEachMissedInterval() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(t);
        h.scanRequests.readValuesToList();
        h.advance(Duration.ofDays(2));
        List<ScanRequest> requests = h.scanRequests.readValuesToList();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getNotAfterDeadline()).isAfter(h.now());
    }

    @Test
    void aRangeTargetIsRequestedBlockByBlockAtABoundedRate() {
        h.close();
        h = new Harness(T0, stateDir.resolve("ranges"), AggregatorConfig.DEFAULT.withMaxScansPerTick(2).withRangeBlockSize(256));
        Target range = Obs.target("tls://10.0.0.0/22:443", "net", null, "10.0.0.0/22");
        h.target(range);
        List<TestRecord<String, ScanRequest>> first = h.scanRequests.readRecordsToList();
        assertThat(first).extracting(TestRecord::key).containsExactly("10.0.0.0/24", "10.0.1.0/24");
        assertThat(first).allSatisfy(r -> {
            assertThat(r.value().getTarget().getId()).isEqualTo(range.getId());
            assertThat(r.value().getTarget().getHost()).isEqualTo(r.key());
        });

        h.advance(Duration.ofSeconds(1));
        assertThat(h.scanRequests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("10.0.2.0/24", "10.0.3.0/24");
        h.advance(Duration.ofSeconds(1));
        assertThat(h.scanRequests.isEmpty()).as("the whole range was requested once").isTrue();
        assertThat(h.driver.<String, Long>getKeyValueStore(StoreNames.SCHEDULER_EXPANSIONS).get(range.getId())).isNull();

        h.advance(SIX_HOURS);
        assertThat(h.scanRequests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("10.0.0.0/24", "10.0.1.0/24");
    }

    @Test
    void aSmallRangeOrASingleAddressGoesWhole() {
        h.target(Obs.target("tls://10.0.0.0/28:443", "net", null, "10.0.0.0/28"));
        h.target(Obs.target("tls://[2001:db8::1]:443", "v6", null, "2001:db8::1"));
        assertThat(h.scanRequests.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("10.0.0.0/28", "2001:db8::1");
    }

    @Test
    void aTargetReplayedLaterIsRequestedAsWhenItWasFirstRead() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        h.target(t);
        List<ScanRequest> first = h.scanRequests.readValuesToList();

        try (Harness later = new Harness(T0.plus(Duration.ofDays(30)), stateDir.resolve("replay"))) {
            later.targets.pipeInput(t.getId(), t, T0);
            assertThat(later.scanRequests.readValuesToList()).as("the record's time, not the time it is read at")
                    .isEqualTo(first);
        }
    }

    @Test
    void aScanScheduledInTheStoresAsThePreviousVersionWroteThemIsRequestedOnceWhenDue() {
        Target t = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
        Instant due = T0.plus(Duration.ofHours(2));
        // the layout written before the index was shared: big-endian due millis + target id → id, and id → millis
        byte[] id = t.getId().getBytes(StandardCharsets.UTF_8);
        h.driver.<String, Target>getKeyValueStore(StoreNames.SCHEDULER_TARGETS).put(t.getId(), t);
        h.driver.<String, Long>getKeyValueStore(StoreNames.SCHEDULER_DUE).put(t.getId(), due.toEpochMilli());
        h.driver.<Bytes, String>getKeyValueStore(StoreNames.SCHEDULER_INDEX)
                .put(Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(due.toEpochMilli()).put(id).array()), t.getId());

        h.target(t);
        h.advanceTo(due.minusMillis(1));
        assertThat(h.scanRequests.isEmpty()).as("the same target again, and nothing before its time").isTrue();

        h.advanceTo(due);
        assertThat(h.scanRequests.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getRequestedAt()).isEqualTo(due);
            assertThat(r.getNotAfterDeadline()).isEqualTo(due.plus(SIX_HOURS));
        });
        h.advance(Duration.ofHours(1));
        assertThat(h.scanRequests.isEmpty()).as("once").isTrue();
        assertThat(indexEntries()).singleElement().satisfies(kv -> assertThat(kv.value).isEqualTo(t.getId()));
    }

    private List<KeyValue<Bytes, String>> indexEntries() {
        KeyValueStore<Bytes, String> index = h.driver.getKeyValueStore(StoreNames.SCHEDULER_INDEX);
        List<KeyValue<Bytes, String>> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it = index.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
