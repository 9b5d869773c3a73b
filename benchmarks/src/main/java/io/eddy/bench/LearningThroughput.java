package io.eddy.bench;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.learning.Example;
import io.eddy.learning.GaussianNaiveBayes;
import io.eddy.learning.Learner;
import io.eddy.learning.LearningSerdes;
import io.eddy.learning.MultinomialNaiveBayes;
import io.eddy.learning.OnlineLearning;
import io.eddy.learning.StreamingKMeans;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of {@code predictThenTrain} (records/s), a timed main, not a test: naive Bayes
 * (multinomial on 8-token texts, Gaussian on 4 features) and k-means (k=5, 3 features), through
 * the test driver's in-memory batch loop (the engine's BatchLoop, state stores and changelog
 * writes, no broker), with 1 and 4 shards on 4 partitions; and the bare learners without the
 * engine, for reference. One warm-up round, then the best of three.
 *
 * <pre>
 *   mvn -B -q -o -pl benchmarks -am compile &amp;&amp; java -cp ... io.eddy.bench.LearningThroughput [records]
 * </pre>
 * (the class path is printed by {@code mvn -pl benchmarks dependency:build-classpath}).
 */
public final class LearningThroughput {
    private LearningThroughput() {
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.printf(Locale.ROOT, "predictThenTrain, %,d records, batches of 10,000, 4 partitions%n", records);
        Random random = new Random(1);
        List<Example<List<String>>> texts = new ArrayList<>();
        List<Example<double[]>> points = new ArrayList<>();
        for (int n = 0; n < records; n++) {
            int c = random.nextInt(3);
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tokens.add("w" + (random.nextDouble() < 0.6 ? c * 100 + random.nextInt(100) : random.nextInt(300)));
            }
            texts.add(Example.of(tokens, "c" + c));
            points.add(Example.of(new double[] {c * 5 + random.nextGaussian(), random.nextGaussian(),
                    c + random.nextGaussian(), random.nextGaussian()}, "c" + c));
        }
        List<Example<double[]>> points3 = points.stream()
                .map(e -> Example.of(new double[] {e.features()[0], e.features()[1], e.features()[2]}, e.label())).toList();
        for (int shards : new int[] {1, 4}) {
            report("multinomial NB", shards, records, () -> engine(MultinomialNaiveBayes.learner(1), LearningSerdes.tokens(), shards, texts));
            report("Gaussian NB", shards, records, () -> engine(GaussianNaiveBayes.learner(4), LearningSerdes.doubles(), shards, points));
            report("k-means k=5", shards, records, () -> engine(StreamingKMeans.learner(
                    StreamingKMeans.Config.of(5, 3).withHalfLife(10_000)), LearningSerdes.doubles(), shards, points3));
        }
        report("multinomial NB, bare learner", 0, records, () -> bare(MultinomialNaiveBayes.learner(1), texts));
        report("Gaussian NB, bare learner", 0, records, () -> bare(GaussianNaiveBayes.learner(4), points));
        report("k-means k=5, bare learner", 0, records, () -> bare(StreamingKMeans.learner(
                StreamingKMeans.Config.of(5, 3).withHalfLife(10_000)), points3));
    }

    private static void report(String what, int shards, int records, Runnable run) {
        run.run();   // warm-up
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf(Locale.ROOT, "%-30s %-9s %,12.0f records/s%n", what, shards == 0 ? "" : shards + " shard" + (shards > 1 ? "s" : ""),
                records / (best / 1e9));
    }

    private static <F, M> void bare(Learner<F, M> learner, List<Example<F>> examples) {
        M model = learner.newModel();
        long correct = 0;
        for (Example<F> e : examples) {
            String label = learner.predict(model, e.features()).label();
            correct += e.label().equals(label) ? 1 : 0;
            learner.learn(model, e.features(), e.label());
        }
        if (correct < 0) {
            throw new AssertionError();
        }
    }

    private static <F, M> void engine(Learner<F, M> learner, Serde<F> features, int shards, List<Example<F>> examples) {
        OnlineLearning<F, M> ops = OnlineLearning.builder(learner, features).name("bench").shards(shards).build();
        Serde<Example<F>> exampleSerde = LearningSerdes.examples(features);
        try (TestDriver d = TestDriver.builder().defaultPartitions(4).pipeline(p -> ops.predictThenTrain(
                        p.kafka("in", Consumed.with(Serdes.string(), exampleSerde)), Serdes.string())
                .toKafka("out", Produced.with(Serdes.string(), LearningSerdes.predictions()))).build()) {
            var in = d.input("in", Serdes.string(), exampleSerde);
            for (int n = 0; n < examples.size(); n++) {
                in.pipe("k" + (n % 64), examples.get(n));
                if ((n + 1) % 10_000 == 0) {
                    d.runBatch();
                }
            }
            d.runUntilIdle();
            if (d.output("out", Serdes.string(), Serdes.bytes()).readValues().size() != examples.size()) {
                throw new AssertionError("not every example was predicted");
            }
        }
    }

}
