import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The records a topic holds, as the sum of its partitions' end offsets, printed ("records N") for every line read on
 * standard input, so that bench/watch-cost asks at the moment it reads the CPU, without starting a JVM then. For a
 * topic written by idempotent, non-transactional producers only, such as the observations, that is the number of
 * records written.
 *
 *   java -cp 'APP/lib/*' bench/TopicEnd.java BOOTSTRAP TOPIC
 */
public final class TopicEnd {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: TopicEnd BOOTSTRAP TOPIC");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(java.util.List.of(args[1])).allTopicNames().get(60, TimeUnit.SECONDS).get(args[1])
                    .partitions().forEach(p -> latest.put(new TopicPartition(args[1], p.partition()), OffsetSpec.latest()));
            while (in.readLine() != null) {
                long sum = 0;
                for (var info : admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values()) {
                    sum += info.offset();
                }
                System.out.println("records " + sum);
                System.out.flush();
            }
        }
    }
}
