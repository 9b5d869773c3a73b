package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.learning.Example;
import io.eddy.learning.LearningSerdes;
import io.eddy.learning.MultinomialNaiveBayes;
import io.eddy.serde.Serde;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicRecord;
import io.eddy.testkit.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Online learning under exactly-once across process crashes: multinomial naive Bayes trained by 4
 * shards (merged and published to a model topic) runs in a child JVM that is SIGKILLed
 * {@value #KILLS} times at random points, each time restarted on the same state directory. The
 * last model published (read with read_committed) must equal, exactly, the model one learner
 * builds from all the examples: no example is lost or learned twice. The seed is printed; replay
 * with {@code -Deddy.crash.seed=<seed>}.
 */
class LearningCrashTest extends BrokerTest {
    private static final int PARTITIONS = 4;
    private static final int PER_CHUNK = 8_000;
    private static final int KILLS = 3;
    private static final String INPUT = "lcrash-in";
    private static final String MODELS = "lcrash-model";
    private static final String APP_ID = "lcrash";
    private static final Serde<Example<List<String>>> EXAMPLES = LearningSerdes.examples(LearningSerdes.tokens());

    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    @Test
    void theFinalModelEqualsAnUninterruptedRunExactly() throws Exception {
        long seed = Long.getLong("eddy.crash.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay with -Deddy.crash.seed=" + seed + ")";
        System.out.println("LearningCrashTest: " + replay);
        Random random = new Random(seed);
        Path childLog = Path.of("target", "LearningCrashTest-child.log").toAbsolutePath();
        Files.deleteIfExists(childLog);
        Path stateDir = tmp.resolve("state");
        kafka.createTopic(INPUT, PARTITIONS);
        kafka.createTopic(MODELS, 1);

        var learner = MultinomialNaiveBayes.learner(1.0);
        MultinomialNaiveBayes uninterrupted = learner.newModel();
        long produced = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            for (int run = 0; run <= KILLS; run++) {
                List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>();
                for (int i = 0; i < PER_CHUNK; i++) {
                    Example<List<String>> e = text(random);
                    uninterrupted.learn(e.features(), e.label());
                    chunk.add(new ProducerRecord<>(INPUT, ("user-" + random.nextInt(500)).getBytes(StandardCharsets.UTF_8),
                            EXAMPLES.serialize(INPUT, e)));
                }
                io.produce(chunk);
                produced += chunk.size();
                try (ChildJvm child = startChild(childLog, stateDir)) {
                    child.awaitLogLine(LearningCrashMain.READY, Duration.ofSeconds(60));
                    if (run == KILLS) {
                        long total = produced;
                        Await.until(Duration.ofSeconds(180), () -> latestModel().examples() >= total,
                                () -> "the published model never learned " + total + " examples; " + replay);
                        break;
                    }
                    long before = committedInput(admin);
                    long target = Math.min(produced, before + 1_000 + random.nextInt(PER_CHUNK / 2));
                    Await.until(Duration.ofSeconds(60), () -> !child.isAlive() || committedInput(admin) >= target,
                            () -> "committed input " + committedInput(admin) + ", waiting for " + target + "; " + replay);
                    assertThat(child.isAlive()).as("run %d exited by itself; %s; log %s", run, replay, childLog).isTrue();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
                    child.kill();
                    System.out.printf("run %d: killed; committed input %d -> %d of %d%n",
                            run, before, committedInput(admin), produced);
                }
            }
        }
        MultinomialNaiveBayes published = latestModel();
        System.out.printf("LearningCrashTest: %d examples, %d kills, published %s; %s%n", produced, KILLS, published, replay);
        assertThat(published.examples()).isEqualTo(produced);
        assertThat(published).as("the model after %d kills against an uninterrupted learner; %s; child log %s",
                KILLS, replay, childLog).isEqualTo(uninterrupted);
    }

    /** Short texts of three topics with overlapping vocabularies. */
    private static Example<List<String>> text(Random random) {
        String[] labels = {"sport", "weather", "food"};
        int c = random.nextInt(3);
        List<String> tokens = new ArrayList<>();
        int length = 2 + random.nextInt(5);
        for (int i = 0; i < length; i++) {
            int topic = random.nextDouble() < 0.7 ? c : random.nextInt(3);
            tokens.add(labels[topic].charAt(0) + Integer.toString(random.nextInt(40)));
        }
        return Example.of(tokens, labels[c]);
    }

    /** The committed model with the most examples (an empty model if none). */
    private static MultinomialNaiveBayes latestModel() {
        MultinomialNaiveBayes latest = new MultinomialNaiveBayes();
        for (TopicRecord r : io.readCommittedToEnd(MODELS, Duration.ofSeconds(30))) {
            MultinomialNaiveBayes m = MultinomialNaiveBayes.serde().deserialize(MODELS, r.value());
            if (m.examples() >= latest.examples()) {
                latest = m;
            }
        }
        return latest;
    }

    private static ChildJvm startChild(Path log, Path stateDir) {
        return ChildJvm.builder(LearningCrashMain.class)
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                .logFile(log)
                .args(kafka.bootstrapServers(), INPUT, MODELS, APP_ID, "lcrash-instance", stateDir.toString(), "1500")
                .start();
    }

    private static long committedInput(Admin admin) {
        return GroupOffsets.committed(admin, APP_ID, INPUT);
    }
}
