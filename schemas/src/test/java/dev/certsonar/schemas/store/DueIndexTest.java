package dev.certsonar.schemas.store;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The index on the RocksDB stores the applications use, so that the order tested is the order RocksDB keeps. */
class DueIndexTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path stateDir;

    KeyValueStore<Bytes, String> byTime;
    KeyValueStore<String, Long> byName;
    DueIndex index;

    @BeforeEach
    void open() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "due-index-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        byTime = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("due-by-time"), Serdes.Bytes(), Serdes.String())
                .withLoggingDisabled().build();
        byName = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("due-by-name"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        init(context, byTime);
        init(context, byName);
        index = new DueIndex(byTime, byName);
    }

    private static void init(MockProcessorContext<Void, Void> context, StateStore store) {
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        byTime.close();
        byName.close();
    }

    static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void namesComeInDueOrderUpToNowAndNoFurther() {
        index.schedule("c", at(3));
        index.schedule("a", at(1));
        index.schedule("b", at(2));

        assertThat(index.due(at(0))).isEmpty();
        assertThat(index.due(at(2))).containsExactly("a", "b");
        assertThat(index.due(at(3))).containsExactly("a", "b", "c");
    }

    @Test
    void aNameIsDueAtItsInstantAndNotAMillisecondBefore() {
        index.schedule("a", at(5));

        assertThat(index.due(at(5).minusMillis(1))).isEmpty();
        assertThat(index.due(at(5))).containsExactly("a");
    }

    @Test
    void namesDueAtOneInstantComeInTheOrderOfTheirBytesAndTheLimitCountsThem() {
        index.schedule("zulu", at(1));
        index.schedule("alpha", at(1));
        index.schedule("mike", at(1));
        index.schedule("early", at(0));

        assertThat(index.due(at(1))).containsExactly("early", "alpha", "mike", "zulu");
        assertThat(index.due(at(1), 2)).containsExactly("early", "alpha");
        assertThat(index.due(at(1), 0)).isEmpty();
    }

    @Test
    void reschedulingMovesTheOneEntryOfTheName() {
        index.schedule("a", at(5));
        index.schedule("a", at(1));

        assertThat(index.dueAt("a")).contains(at(1));
        assertThat(index.due(at(10))).containsExactly("a");
        assertThat(entries()).hasSize(1);

        index.schedule("a", at(7));
        assertThat(index.due(at(5))).isEmpty();
        assertThat(index.due(at(7))).containsExactly("a");

        index.schedule("a", at(7));
        assertThat(entries()).hasSize(1);
    }

    @Test
    void aCancelledNameIsNoLongerDueAndCancellingAnUnknownNameDoesNothing() {
        index.schedule("a", at(1));
        index.schedule("b", at(1));

        index.cancel("a");
        index.cancel("never-scheduled");

        assertThat(index.dueAt("a")).isEmpty();
        assertThat(index.due(at(10))).containsExactly("b");
        assertThat(entries()).hasSize(1);
    }

    @Test
    void namesWithSeparatorsAndNamesThatBeginOthersAreEachTheirOwn() {
        List<String> names = List.of("a", "a|b", "a|", "a\\", "a\\|b", "ab", "shop|tls://shop:443", "é", "a b");
        for (String name : names) {
            index.schedule(name, at(1));
        }
        index.schedule("a|b|c", at(2));

        List<String> due = index.due(at(1));
        assertThat(due).containsExactlyInAnyOrderElementsOf(names);
        assertThat(due).startsWith("a", "a b").doesNotHaveDuplicates();

        index.cancel("a");
        index.schedule("a|b", at(3));
        assertThat(index.due(at(2))).contains("a|", "a\\", "a|b|c").doesNotContain("a", "a|b");
        assertThat(index.dueAt("a|b")).contains(at(3));
        assertThat(index.dueAt("a|b|c")).contains(at(2));
    }

    @Test
    void timesBeforeTheEpochCountAsTheEpoch() {
        index.schedule("old", Instant.ofEpochMilli(-5));

        assertThat(index.due(Instant.EPOCH)).containsExactly("old");
        assertThat(index.dueAt("old")).contains(Instant.EPOCH);
    }

    @Test
    void theByTimeKeyIsTheBigEndianMillisAndThenTheNameInUtf8() {
        index.schedule("shop|x", at(1));

        byte[] name = "shop|x".getBytes(StandardCharsets.UTF_8);
        byte[] expected = ByteBuffer.allocate(8 + name.length).putLong(at(1).toEpochMilli()).put(name).array();
        assertThat(entries()).singleElement().satisfies(kv -> {
            assertThat(kv.key.get()).isEqualTo(expected);
            assertThat(kv.value).isEqualTo("shop|x");
        });
        assertThat(byName.get("shop|x")).isEqualTo(at(1).toEpochMilli());
        assertThat(DueIndex.timeKey(at(1).toEpochMilli(), "shop|x").get()).isEqualTo(expected);
    }

    @Test
    void entriesWrittenInThisLayoutBeforeAreReadAndMoved() {
        byTime.put(DueIndex.timeKey(at(4).toEpochMilli(), "written-before"), "written-before");
        byName.put("written-before", at(4).toEpochMilli());

        assertThat(index.due(at(4))).containsExactly("written-before");
        index.schedule("written-before", at(9));
        assertThat(index.due(at(8))).isEmpty();
        assertThat(entries()).hasSize(1);
    }

    private List<KeyValue<Bytes, String>> entries() {
        List<KeyValue<Bytes, String>> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it = byTime.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
