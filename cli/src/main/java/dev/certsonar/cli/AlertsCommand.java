package dev.certsonar.cli;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.notifier.AlertJson;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.ConditionType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code certsonar alerts tail}: follow the alerts topic. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Read the alerts topic.", subcommands = AlertsCommand.Tail.class)
public final class AlertsCommand extends GroupCommand {

    @Command(name = "tail", mixinStandardHelpOptions = true, description = {
            "Follow the alerts topic until stopped (Ctrl-C).",
            "One line an alert event: time, state (FIRING* is a reminder), severity, condition/level, service,",
            "days left, certificate subject, the start of the alert id."})
    static final class Tail extends KafkaCommand {

        @Option(names = "--from-beginning", description = "Start with the oldest alert still on the topic, not with the next one.")
        boolean fromBeginning;

        @Option(names = "--json", description = "One JSON object a line: the alert as webhooks carry it.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CertsonarConfig loaded = config.loadWithKafka();
            Topic<String, Alert> topic = loaded.topics().alerts();
            Map<String, Object> props = loaded.kafkaProperties();
            props.putIfAbsent("client.id", "certsonar-alerts-tail");
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "certsonar-alerts-tail-" + UUID.randomUUID());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
            props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            Deserializer<Alert> values = topic.valueSerde().deserializer();
            PrintWriter out = out();
            PrintWriter err = err();
            if (!new ClusterTopic<>(loaded, topic).exists()) {
                err.println("waiting for " + topic.name() + " to be created (the notifier creates it)");
                err.flush();
            }

            CountDownLatch finished = new CountDownLatch(1);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            Thread stopper = new Thread(() -> {
                consumer.wakeup();
                awaitQuietly(finished);
            }, "certsonar-alerts-tail-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                consumer.subscribe(List.of(topic.name()), new ConsumerRebalanceListener() {
                    private boolean announced;
                    /** Where each partition was when taken away: a later rebalance resumes there, skipping nothing. */
                    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();

                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        partitions.forEach(partition -> resumeAt.put(partition, consumer.position(partition)));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        List<TopicPartition> fresh = new ArrayList<>();
                        for (TopicPartition partition : partitions) {
                            Long position = resumeAt.get(partition);
                            if (position == null) {
                                fresh.add(partition);
                            } else {
                                consumer.seek(partition, position);
                            }
                        }
                        if (fromBeginning) {
                            consumer.seekToBeginning(fresh);
                        } else {
                            consumer.seekToEnd(fresh);
                        }
                        partitions.forEach(consumer::position);
                        if (!announced && !partitions.isEmpty()) {
                            announced = true;
                            err.println("following " + topic.name() + (fromBeginning ? " from the beginning" : "")
                                    + " (Ctrl-C stops)");
                            err.flush();
                        }
                    }
                });
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() == null) {
                            continue;
                        }
                        try {
                            Alert alert = values.deserialize(record.topic(), record.value());
                            out.println(json ? AlertJson.toJsonString(alert) : line(alert));
                        } catch (Exception unreadable) {
                            err.println("skipped " + record.topic() + "-" + record.partition() + "@" + record.offset()
                                    + ": " + unreadable.getMessage());
                        }
                    }
                    out.flush();
                    err.flush();
                }
            } catch (WakeupException | InterruptException stopped) {
                // Ctrl-C or the thread was interrupted: a normal end
            } finally {
                boolean interrupted = Thread.interrupted();
                consumer.close(Duration.ofSeconds(5));
                finished.countDown();
                removeHook(stopper);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            out.flush();
            return 0;
        }
    }

    /**
     * One readable line: {@code 2026-11-27T17:20:05Z FIRING CRITICAL EXPIRING/CRITICAL payments-api 6.2 days
     * CN=pay.example.com alert 1a2b3c4d}, and {@code silenced} at the end when a silence keeps it from the channels.
     */
    static String line(Alert alert) {
        String condition = alert.getCondition() == ConditionType.EXPIRING || alert.getLevel() != alert.getSeverity()
                ? alert.getCondition() + "/" + alert.getLevel() : alert.getCondition().name();
        String days = alert.getDaysLeft() == null ? "-" : String.format(Locale.ROOT, "%.1f days", alert.getDaysLeft());
        String subject = alert.getCertificate() == null ? "-" : alert.getCertificate().getSubject();
        String state = alert.getState().name() + (alert.getReminder() ? "*" : "");
        String id = alert.getAlertId().length() > 8 ? alert.getAlertId().substring(0, 8) : alert.getAlertId();
        return String.format(Locale.ROOT, "%s  %-9s %-8s  %-26s %s  %s  %s  alert %s%s",
                alert.getAt().truncatedTo(ChronoUnit.SECONDS), state, alert.getSeverity(), condition,
                alert.getService(), days, subject, id, alert.getSilenced() ? "  silenced" : "");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is stopping and runs the hook itself
        }
    }
}
