package dev.certsonar.schemas.store;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the memory of every RocksDB state store of a process: one block cache, shared by all the stores of every
 * Kafka Streams application in the JVM configured with the same bound, holds their data blocks, their index and filter
 * blocks, and their memtables (charged to it through one write buffer manager), as the Kafka Streams documentation
 * describes for bounded memory. Without it each store has its own block cache and memtables, which grow with the
 * number of stores and partitions: the aggregator and the notifier together open dozens.
 *
 * <p>The bound is {@value #CONFIG} in the Streams properties, in bytes ({@link #DEFAULT_BYTES} when absent); half
 * of it may hold memtables. The cache is strict about the bound only for what it can evict: pinned index blocks of
 * open files and the memtable a store writes to may exceed it briefly.
 */
public final class StoreMemory implements RocksDBConfigSetter {

    /** The Streams property of the bound, in bytes. */
    public static final String CONFIG = "certsonar.stores.memory.bytes";
    /** The bound when none is given: 64 MiB for all the stores of a process. */
    public static final long DEFAULT_BYTES = 64L << 20;
    /** The smallest bound accepted: a few blocks and one memtable per store must fit. */
    public static final long MIN_BYTES = 8L << 20;

    private static final double INDEX_FILTER_RATIO = 0.1;
    private static final long BLOCK_SIZE = 16L << 10;
    private static final int MEMTABLES = 2;
    private static final long MEMTABLE_BYTES = 4L << 20;
    /**
     * A memtable takes memory an arena block at a time (by default an eighth of its size): with dozens of stores, one
     * block each would already fill the write buffers' share and flush every store at once, again and again.
     */
    private static final long ARENA_BLOCK_BYTES = 64L << 10;

    /** One cache and write buffer manager per bound, shared by every store of the JVM configured with it. */
    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
        static Shared of(long bytes) {
            Cache cache = new LRUCache(bytes, -1, false, INDEX_FILTER_RATIO);
            return new Shared(cache, new WriteBufferManager(bytes / 2, cache));
        }
    }

    /** The Streams properties that bound the stores to {@code bytes}. */
    public static Map<String, Object> properties(long bytes) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, StoreMemory.class.getName());
        props.put(CONFIG, checked(bytes));
        return props;
    }

    /**
     * Adds the bound to Streams properties that name no config setter of their own: {@value #CONFIG} as given there,
     * else {@link #DEFAULT_BYTES}.
     */
    public static void addTo(Map<Object, Object> streamsProps) {
        if (streamsProps.containsKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)) {
            return;
        }
        streamsProps.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, StoreMemory.class.getName());
        streamsProps.putIfAbsent(CONFIG, DEFAULT_BYTES);
    }

    /** The bound in bytes, refused when below {@link #MIN_BYTES}. */
    public static long checked(long bytes) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("the state stores' memory must be at least " + (MIN_BYTES >> 20)
                    + " MiB, got " + bytes + " bytes");
        }
        return bytes;
    }

    static long boundOf(Map<String, Object> configs) {
        Object value = configs.get(CONFIG);
        if (value == null) {
            return DEFAULT_BYTES;
        }
        try {
            return checked(value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CONFIG + " must be a number of bytes, got \"" + value + '"', e);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = SHARED.computeIfAbsent(boundOf(configs), Shared::of);
        // Kafka Streams hands in options with its block-based table config; other options may have none yet
        BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig given
                ? given : new BlockBasedTableConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setMaxWriteBufferNumber(MEMTABLES);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store of the process and live as long as it
    }
}
