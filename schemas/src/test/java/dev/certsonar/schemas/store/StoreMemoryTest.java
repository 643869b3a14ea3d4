package dev.certsonar.schemas.store;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreMemoryTest {

    @TempDir
    Path dir;

    @Test
    void streamsPropertiesWithoutASetterGetTheBoundAndKeepOneGivenThere() {
        Map<Object, Object> none = new HashMap<>();
        StoreMemory.addTo(none);
        assertThat(none).containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, StoreMemory.class.getName())
                .containsEntry(StoreMemory.CONFIG, StoreMemory.DEFAULT_BYTES);

        Map<Object, Object> given = new HashMap<>(Map.of(StoreMemory.CONFIG, 128L << 20));
        StoreMemory.addTo(given);
        assertThat(given).containsEntry(StoreMemory.CONFIG, 128L << 20);

        Map<Object, Object> ownSetter = new HashMap<>(Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Mine"));
        StoreMemory.addTo(ownSetter);
        assertThat(ownSetter).containsOnlyKeys(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
    }

    @Test
    void storesOfOneBoundShareOneWriteBufferManagerAndAnotherBoundHasItsOwn() {
        StoreMemory setter = new StoreMemory();
        try (Options a = new Options(); Options b = new Options(); Options c = new Options()) {
            setter.setConfig("a", a, Map.of(StoreMemory.CONFIG, 24L << 20));
            setter.setConfig("b", b, Map.of(StoreMemory.CONFIG, String.valueOf(24L << 20)));
            setter.setConfig("c", c, Map.of(StoreMemory.CONFIG, 40L << 20));

            assertThat(a.writeBufferManager()).isSameAs(b.writeBufferManager()).isNotSameAs(c.writeBufferManager());
            assertThat(a.maxWriteBufferNumber()).isEqualTo(2);
            assertThat(((BlockBasedTableConfig) a.tableFormatConfig()).cacheIndexAndFilterBlocks()).isTrue();
        }
    }

    @Test
    void aStoreOpenedWithTheBoundWritesAndReads() throws RocksDBException {
        try (Options options = new Options().setCreateIfMissing(true)) {
            new StoreMemory().setConfig("store", options, Map.of());
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                db.put("key".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(db.get("key".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo("value");
            }
        }
    }

    @Test
    void aBoundTooSmallOrNotANumberIsNamed() {
        StoreMemory setter = new StoreMemory();
        try (Options options = new Options()) {
            assertThatThrownBy(() -> setter.setConfig("s", options, Map.of(StoreMemory.CONFIG, 1024L)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the state stores' memory must be at least 8 MiB, got 1024 bytes");
            assertThatThrownBy(() -> setter.setConfig("s", options, Map.of(StoreMemory.CONFIG, "64MiB")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(StoreMemory.CONFIG + " must be a number of bytes, got \"64MiB\"");
        }
    }
}
