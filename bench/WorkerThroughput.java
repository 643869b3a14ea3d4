import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Scale-out benchmark of the Kafka scanner worker: one embedded broker; for each worker count K, K `certsonar scanner`
 * processes in one consumer group on a fresh topic prefix; once the group is stable with K members, one scan request per
 * target is published and the observations topic is read until every request has its observation. Reports
 * observations per second from the first request sent to the last observation read, and the workers' CPU seconds.
 *
 * <p>Run by bench/worker-throughput: java -cp "cli/target/certsonar-cli.jar:cli/target/lib/*" bench/WorkerThroughput.java
 * LAUNCHER TARGETS CA_FILE OUT_DIR WORKER_COUNTS(1,2,3) CONCURRENCY PARTITIONS
 */
public final class WorkerThroughput {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    public static void main(String[] args) throws Exception {
        if (args.length < 7 || args.length > 8) {
            System.err.println("usage: WorkerThroughput LAUNCHER TARGETS CA_FILE OUT_DIR WORKER_COUNTS CONCURRENCY PARTITIONS [PASSES]");
            System.exit(2);
        }
        Path launcher = Path.of(args[0]);
        Path targetsFile = Path.of(args[1]);
        Path caFile = Path.of(args[2]);
        Path out = Path.of(args[3]);
        List<Integer> counts = new ArrayList<>();
        for (String s : args[4].split(",")) {
            counts.add(Integer.parseInt(s.strip()));
        }
        int concurrency = Integer.parseInt(args[5]);
        int partitions = Integer.parseInt(args[6]);
        int passes = args.length > 7 ? Integer.parseInt(args[7]) : 1;
        Files.createDirectories(out);
        List<Target> targets = TargetSpecs.parseFile(targetsFile);
        long tick = 100; // USER_HZ on Linux

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().host("127.0.0.1").port(0)
                .dataDir(out.resolve("kafka")).start()) {
            String bootstrap = broker.bootstrapServers();
            System.out.printf("broker %s, %d targets, worker concurrency %d, %d partitions%n",
                    bootstrap, targets.size(), concurrency, partitions);
            System.out.println("workers  pass  observations  seconds  obs/s  worker-cpu-s  cpu-s/1000  load1-before  load1-after");
            for (int k : counts) {
                runOnce(launcher, bootstrap, targets, caFile, out, k, concurrency, partitions, passes, tick);
            }
        }
    }

    record Result(int observations, double seconds, double cpuSeconds, String loadBefore, String loadAfter) {
    }

    static void print(Path out, int k, int pass, Result r) throws IOException {
        String line = String.format(Locale.ROOT, "%7d  %4d  %12d  %7.2f  %5.0f  %12.2f  %10.2f  %12s  %11s",
                k, pass, r.observations, r.seconds, r.observations / r.seconds, r.cpuSeconds,
                1000 * r.cpuSeconds / r.observations, r.loadBefore, r.loadAfter);
        System.out.println(line);
        Files.writeString(out.resolve("results.txt"), line + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Starts k workers, then publishes every target `passes` times, one pass after the other, each measured alone. */
    static void runOnce(Path launcher, String bootstrap, List<Target> targets, Path caFile, Path out, int k,
                        int concurrency, int partitions, int passes, long tick) throws Exception {
        String prefix = "bench-" + k + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Topics topics = Topics.withPrefix(prefix);
        Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        String group = "certsonar-scanner";
        try (Admin a = Admin.create(admin)) {
            TopicAdmin.ensureTopics(a, topics, partitions, (short) 1);
        }
        Path config = out.resolve("scanner-" + k + ".yml");
        Files.writeString(config, "topics: {prefix: \"" + prefix + "\"}\n"
                + "scanner: {concurrency: " + concurrency + "}\n");

        // observations are read from the beginning of the fresh topic
        KafkaConsumer<String, Observation> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                topics.observations().keySerde().deserializer(), topics.observations().valueSerde().deserializer());
        List<TopicPartition> tps = consumer.partitionsFor(topics.observations().name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);

        List<Process> workers = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                int port = freePort();
                ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "scanner", "--bootstrap-server", bootstrap,
                        "--config", config.toString(), "--ca-file", caFile.toString(), "--http-port", Integer.toString(port),
                        "--data-dir", out.resolve("data-" + k + "-" + i).toString())
                        .redirectErrorStream(true)
                        .redirectOutput(out.resolve("scanner-" + k + "-" + i + ".log").toFile());
                pb.environment().put("CERTSONAR_JAVA_OPTS", System.getenv().getOrDefault("WORKER_JAVA_OPTS", ""));
                workers.add(pb.start());
                awaitReady(port, workers.get(i));
            }
            awaitStableGroup(admin, group, k, topics.scanRequests().name());
            for (int pass = 1; pass <= passes; pass++) {
                print(out, k, pass, onePass(bootstrap, targets, topics, consumer, workers, out, tick));
            }
        } finally {
            consumer.close();
            for (Process p : workers) {
                p.destroy(); // SIGTERM: the worker commits and leaves the group
            }
            for (Process p : workers) {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** One scan request per target, then the observations topic read until every request has its observation. */
    static Result onePass(String bootstrap, List<Target> targets, Topics topics, KafkaConsumer<String, Observation> consumer,
                          List<Process> workers, Path out, long tick) throws Exception {
        double cpu0 = cpuSeconds(workers, tick);
        String load0 = load1();

        Set<String> pending = new HashSet<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<String, ScanRequest> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all"),
                topics.scanRequests().keySerde().serializer(), topics.scanRequests().valueSerde().serializer())) {
            for (Target t : targets) {
                String scanId = UUID.randomUUID().toString();
                pending.add(scanId);
                producer.send(new ProducerRecord<>(topics.scanRequests().name(), t.getHost(),
                        ScanRequest.newBuilder().setScanId(scanId).setTarget(t).setRequestedAt(Instant.now())
                                .setNotAfterDeadline(null).build()));
            }
        }
        int seen = 0;
        long last = t0;
        long deadline = t0 + RUN_TIMEOUT.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, Observation> rec : consumer.poll(Duration.ofMillis(100))) {
                if (pending.remove(rec.value().getScanId().toString())) {
                    seen++;
                    last = System.nanoTime();
                }
            }
            for (Process p : workers) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a scanner worker exited with " + p.exitValue() + ", see " + out);
                }
            }
        }
        if (!pending.isEmpty()) {
            System.out.printf("warning: %d scan requests without an observation after %s%n", pending.size(), RUN_TIMEOUT);
        }
        double cpu1 = cpuSeconds(workers, tick);
        return new Result(seen, (last - t0) / 1e9, cpu1 - cpu0, load0, load1());
    }

    static void awaitReady(int port, Process p) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("a scanner worker exited at start with " + p.exitValue());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("a scanner worker was not ready within " + READY_TIMEOUT);
    }

    /** Waits until the group is stable with k members that together own every partition of the request topic. */
    static void awaitStableGroup(Map<String, Object> admin, String group, int k, String topic) throws Exception {
        long end = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin a = Admin.create(admin)) {
            while (System.nanoTime() < end) {
                ConsumerGroupDescription d = a.describeConsumerGroups(List.of(group)).all().get().get(group);
                long assigned = d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream())
                        .filter(tp -> tp.topic().equals(topic)).count();
                int partitions = a.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                if (d.groupState().toString().equalsIgnoreCase("STABLE") && d.members().size() == k && assigned == partitions) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the scanner group did not become stable with " + k + " members");
    }

    static double cpuSeconds(List<Process> processes, long tick) throws IOException {
        double total = 0;
        for (Process p : processes) {
            for (ProcessHandle h : withDescendants(p.toHandle())) {
                Path stat = Path.of("/proc/" + h.pid() + "/stat");
                if (Files.exists(stat)) {
                    String s = Files.readString(stat);
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) tick;
                }
            }
        }
        return total;
    }

    static List<ProcessHandle> withDescendants(ProcessHandle h) {
        List<ProcessHandle> all = new ArrayList<>(List.of(h));
        h.descendants().forEach(all::add);
        return all;
    }

    static String load1() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
