package dev.certsonar.aggregator.scheduler;

import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.ScanRequest;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a scan request goes: its target's zone's topic ({@link Topics#scanRequests(String)}). The topic of a zone
 * other than the default is made the first time a request of that zone is sent (and each time the aggregator starts
 * and meets the zone again, which finds it there).
 */
public final class ZoneTopics implements TopicNameExtractor<String, ScanRequest> {

    /** Makes a zone's topic when it is missing. */
    @FunctionalInterface
    public interface Creator {
        /** A creator for a world where topics need not be made (the topology test driver). */
        Creator NONE = topic -> { };

        /** Makes {@code topic} if it is missing; returns once it takes writes. */
        void ensure(String topic);
    }

    private final Topics topics;
    private final Creator creator;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public ZoneTopics(Topics topics, Creator creator) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.creator = Objects.requireNonNull(creator, "creator");
        known.add(topics.scanRequests().name());
    }

    @Override
    public String extract(String key, ScanRequest request, RecordContext recordContext) {
        return topicOf(Zones.of(request.getTarget()));
    }

    /** The zone's topic, made first when it is not known to exist. */
    public String topicOf(String zone) {
        String name = topics.scanRequests(zone).name();
        if (!known.contains(name)) {
            creator.ensure(name);
            known.add(name);
        }
        return name;
    }
}
