package dev.certsonar.schemas;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics of certsonar that do not exist yet: targets and service-status compacted, the others deleted by age.
 *
 * <p>A topic counts as created only once every partition has a leader that serves it. A broker announces a new topic in
 * its metadata a moment before its partitions take writes; an idempotent producer that writes in that moment can have
 * its first batch refused (NOT_LEADER_OR_FOLLOWER) while a later batch of the same partition is accepted, and the first
 * batch can then never be written (KAFKA-15591: OutOfOrderSequenceException until delivery.timeout.ms). So
 * {@link #ensureTopics} returns only when each new partition answers a list-offsets request, which its leader serves
 * only once it holds the partition.</p>
 */
public final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicAdmin() {
    }

    /**
     * Creates every topic of {@code topics} that is missing; existing topics are left as they are.
     *
     * @return the names of the topics created (empty when all existed)
     * @throws IllegalStateException naming the topic when the broker refuses one, or when the broker does not answer
     *                               within a minute
     */
    public static Set<String> ensureTopics(Admin admin, Topics topics, int partitions, short replication) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication must be at least 1, was " + replication);
        }
        Set<String> existing = get(admin.listTopics().names(), "list topics");
        List<NewTopic> missing = new ArrayList<>();
        for (String name : topics.names()) {
            if (!existing.contains(name)) {
                missing.add(newTopic(topics, name, partitions, replication));
            }
        }
        Set<String> created = new LinkedHashSet<>();
        if (missing.isEmpty()) {
            return created;
        }
        Set<String> settling = new LinkedHashSet<>();
        CreateTopicsResult result = admin.createTopics(missing);
        for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
            try {
                get(e.getValue(), "create topic " + e.getKey());
                created.add(e.getKey());
                settling.add(e.getKey());
                log.info("Created topic {} ({} partitions, replication {}{})", e.getKey(), partitions, replication,
                        topics.compacted().contains(e.getKey()) ? ", compacted" : "");
            } catch (IllegalStateException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
                log.debug("Topic {} was created by someone else meanwhile", e.getKey());
                settling.add(e.getKey());
            }
        }
        awaitLeaders(admin, settling);
        return created;
    }

    /**
     * Waits until every partition of {@code names} takes writes: the broker describes the topic and the leader of each
     * partition answers a list-offsets request. Both are asked again, a little later each time, while the broker
     * answers that it does not know the topic or partition yet, or is not its leader yet.
     *
     * @throws IllegalStateException naming the topics when a partition has no serving leader within a minute
     */
    public static void awaitLeaders(Admin admin, Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        String what = "wait for the partition leaders of " + new TreeSet<>(names);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long pauseMillis = 10;
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (TopicDescription description : described.values()) {
                    for (TopicPartitionInfo partition : description.partitions()) {
                        latest.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
                    }
                }
                admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs((int) TIMEOUT.toMillis())).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (!(cause instanceof RetriableException) || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("cannot " + what + ": " + cause.getMessage(), cause);
                }
                log.debug("Partitions not ready yet ({}), asking again in {} ms", cause.getMessage(), pauseMillis);
            } catch (TimeoutException e) {
                throw new IllegalStateException("cannot " + what + ": no answer from the broker within " + TIMEOUT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while trying to " + what, e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while trying to " + what, e);
            }
            pauseMillis = Math.min(500, pauseMillis * 2);
        }
    }

    /**
     * Creates the topic {@code name} when it is missing, with the partition count and replication of the existing
     * topic {@code like} (a zone's scan-request topic is made like {@code scan-requests}), and waits for its leaders.
     *
     * @return whether it was created here
     * @throws IllegalStateException naming the topic when {@code like} cannot be described or the broker refuses it
     */
    public static boolean ensureTopicLike(Admin admin, String name, String like) {
        Set<String> existing = get(admin.listTopics().names(), "list topics");
        if (existing.contains(name)) {
            return false;
        }
        TopicDescription model = get(admin.describeTopics(List.of(like)).allTopicNames(), "describe topic " + like).get(like);
        int partitions = model.partitions().size();
        short replication = (short) model.partitions().getFirst().replicas().size();
        boolean created;
        try {
            get(admin.createTopics(List.of(new NewTopic(name, partitions, replication))).all(), "create topic " + name);
            log.info("Created topic {} ({} partitions, replication {}, as {})", name, partitions, replication, like);
            created = true;
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            created = false;
        }
        awaitLeaders(admin, Set.of(name));
        return created;
    }

    /** The definition of one topic: compacted for targets and service-status. */
    static NewTopic newTopic(Topics topics, String name, int partitions, short replication) {
        NewTopic topic = new NewTopic(name, partitions, replication);
        if (topics.compacted().contains(name)) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return topic;
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": no answer from the broker within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }
}
