package io.eddy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The operators on the test driver: sharded training and merging, prequential evaluation, applying published models. */
class OnlineLearningTest {
    private static final Serde<Example<List<String>>> TEXT_EXAMPLES = LearningSerdes.examples(LearningSerdes.tokens());
    private static final Serde<Example<double[]>> NUMERIC_EXAMPLES = LearningSerdes.examples(LearningSerdes.doubles());

    private static TestDriver driver(boolean restarts, Consumer<Pipeline> pipeline) {
        return TestDriver.builder().pipeline(pipeline).defaultPartitions(4).restartAfterEveryBatch(restarts).build();
    }

    /** Short texts of three topics with overlapping vocabularies. */
    static Example<List<String>> text(Random random) {
        String[] labels = {"sport", "weather", "food"};
        int c = random.nextInt(3);
        List<String> tokens = new ArrayList<>();
        int length = 2 + random.nextInt(5);
        for (int i = 0; i < length; i++) {
            int topic = random.nextDouble() < 0.7 ? c : random.nextInt(3);
            tokens.add(labels[topic].charAt(0) + Integer.toString(random.nextInt(20)));
        }
        return Example.of(tokens, labels[c]);
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void fourShardsPublishAMergedModelEqualToTheOneTaskModelExactly(boolean restarts) {
        Learner<List<String>, MultinomialNaiveBayes> learner = MultinomialNaiveBayes.learner(1.0);
        OnlineLearning<List<String>, MultinomialNaiveBayes> nb = OnlineLearning.builder(learner, LearningSerdes.tokens())
                .name("topics").shards(4).build();
        try (TestDriver d = driver(restarts, p -> nb.train(p.kafka("texts", Consumed.with(Serdes.string(), TEXT_EXAMPLES))))) {
            TestInputTopic<String, Example<List<String>>> in = d.input("texts", Serdes.string(), TEXT_EXAMPLES);
            MultinomialNaiveBayes oneTask = learner.newModel();
            Random random = new Random(1);
            for (int batch = 0; batch < 5; batch++) {
                for (int n = 0; n < 400; n++) {
                    Example<List<String>> e = text(random);
                    in.pipe("user-" + random.nextInt(50), e);
                    learner.learn(oneTask, e.features(), e.label());
                }
                d.runBatch();
            }
            // a fixed number of batches, not runUntilIdle: with a restart after every batch, the
            // restarted upstream tasks write watermark reports to the repartition topics in every
            // batch, so the driver never sees the repartition topics idle
            for (int i = 0; i < 4; i++) {
                d.runBatch();
            }
            List<MultinomialNaiveBayes> published = d.output("topics-model", Serdes.string(), learner.modelSerde())
                    .readValues();
            assertThat(published).isNotEmpty();
            MultinomialNaiveBayes latest = published.get(published.size() - 1);
            assertThat(latest.examples()).isEqualTo(2000);
            assertThat(latest).isEqualTo(oneTask);
            // versions only grow
            for (int i = 1; i < published.size(); i++) {
                assertThat(published.get(i).examples()).isGreaterThanOrEqualTo(published.get(i - 1).examples());
            }
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void predictThenTrainPredictsEachExampleBeforeLearningItAndReportsTheRunningAccuracy(boolean restarts) {
        Learner<double[], GaussianNaiveBayes> learner = GaussianNaiveBayes.learner(2);
        OnlineLearning<double[], GaussianNaiveBayes> nb = OnlineLearning.builder(learner, LearningSerdes.doubles())
                .name("gauss").build();
        try (TestDriver d = driver(restarts, p -> nb.predictThenTrain(
                        p.kafka("points", Consumed.with(Serdes.string(), NUMERIC_EXAMPLES)), Serdes.string())
                .toKafka("predictions", Produced.with(Serdes.string(), LearningSerdes.predictions())))) {
            TestInputTopic<String, Example<double[]>> in = d.input("points", Serdes.string(), NUMERIC_EXAMPLES);
            Random random = new Random(2);
            for (int batch = 0; batch < 6; batch++) {
                for (int n = 0; n < 500; n++) {
                    boolean a = random.nextBoolean();
                    double[] x = {random.nextGaussian() + (a ? 0 : 3), random.nextGaussian()};
                    in.pipe("k" + n % 7, Example.of(x, a ? "a" : "b"));
                }
                d.runBatch();
            }
            d.runBatch();   // the last examples, through the shard repartition
            var records = d.output("predictions", Serdes.string(), LearningSerdes.predictions()).readKeyValues();
            assertThat(records).hasSize(3000);
            List<Prediction> predictions = records.stream().map(io.eddy.dsl.KeyValue::value).toList();
            Prediction first = predictions.stream().filter(pr -> pr.modelVersion() == 0).findFirst().orElseThrow();
            assertThat(first.label()).as("an untrained model predicts nothing").isNull();
            long correct = predictions.stream().filter(Prediction::correct).count();
            long predicted = predictions.stream().filter(pr -> pr.label() != null).count();
            Prediction last = predictions.stream().max(java.util.Comparator.comparingLong(Prediction::modelVersion))
                    .orElseThrow();
            assertThat(last.modelVersion()).isEqualTo(2999);
            assertThat(last.accuracy()).isEqualTo((double) correct / predicted);
            assertThat(last.accuracy()).as("Bayes-optimal is about 0.93 for means 3 sd apart").isGreaterThan(0.9);
            assertThat(records.get(0).key()).startsWith("k");
            Map<String, Double> metrics = d.lastProgress().orElseThrow().operatorMetrics();
            assertThat(metrics).containsEntry("gauss.accuracy", last.accuracy()).containsEntry("gauss.examples", 3000.0);
            assertThat(d.lastProgress().orElseThrow().toJson()).contains("\"operatorMetrics\":{\"gauss.accuracy\":");
        }
    }

    @Test
    void predictThenTrainOfKMeansReportsItsRunningLossInTheProgress() {
        Learner<double[], StreamingKMeans> learner = StreamingKMeans.learner(StreamingKMeans.Config.of(2, 1));
        OnlineLearning<double[], StreamingKMeans> kmeans = OnlineLearning.builder(learner, LearningSerdes.doubles())
                .name("clusters").build();
        try (TestDriver d = driver(false, p -> kmeans.predictThenTrain(
                        p.kafka("points", Consumed.with(Serdes.string(), NUMERIC_EXAMPLES)), Serdes.string())
                .toKafka("predictions", Produced.with(Serdes.string(), LearningSerdes.predictions())))) {
            TestInputTopic<String, Example<double[]>> in = d.input("points", Serdes.string(), NUMERIC_EXAMPLES);
            Random random = new Random(3);
            double sum = 0;
            for (int batch = 0; batch < 4; batch++) {
                for (int n = 0; n < 500; n++) {
                    in.pipe("k" + n % 5, Example.of(new double[] {random.nextGaussian() + (random.nextBoolean() ? 0 : 20)}, null));
                }
                d.runBatch();
            }
            d.runBatch();   // the last examples, through the shard repartition
            List<Prediction> predictions = d.output("predictions", Serdes.string(), LearningSerdes.predictions())
                    .readValues();
            assertThat(predictions).hasSize(2000);
            long scored = 0;
            for (Prediction pr : predictions) {
                if (!Double.isNaN(pr.score())) {
                    sum += pr.score();
                    scored++;
                }
            }
            Map<String, Double> metrics = d.lastProgress().orElseThrow().operatorMetrics();
            assertThat(metrics.get("clusters.loss")).isCloseTo(sum / scored, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(metrics.get("clusters.loss")).as("two blobs of sd 1 found: mean squared distance near 1").isLessThan(2.0);
            assertThat(metrics).doesNotContainKey("clusters.accuracy").containsEntry("clusters.examples", 2000.0);
        }
    }

    @Test
    void predictAppliesAnOfflineModelAndSwapsToANewerOneWithoutARestart() {
        Learner<double[], StreamingKMeans> learner = StreamingKMeans.learner(StreamingKMeans.Config.of(2, 1));
        OnlineLearning<double[], StreamingKMeans> kmeans = OnlineLearning.builder(learner, LearningSerdes.doubles())
                .name("segments").modelTopic("segment-centres").build();
        try (TestDriver d = driver(false, p -> kmeans.predict(p, p.kafka("customers",
                        Consumed.with(Serdes.string(), LearningSerdes.doubles())))
                .toKafka("scored", Produced.with(Serdes.string(), LearningSerdes.predictions())))) {
            TestInputTopic<String, double[]> in = d.input("customers", Serdes.string(), LearningSerdes.doubles());
            TestInputTopic<String, StreamingKMeans> models = d.input("segment-centres", Serdes.string(), learner.modelSerde());
            var out = d.output("scored", Serdes.string(), LearningSerdes.predictions());
            in.pipe("c1", new double[] {1});
            d.runUntilIdle();
            assertThat(out.readValues()).extracting(Prediction::label, Prediction::modelVersion)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(null, 0L));

            models.pipe(kmeans.modelKey(), StreamingKMeans.fromCentres(new double[][] {{0}, {10}}, 5, 1e9, 0));
            in.pipe("c1", new double[] {1});
            in.pipe("c2", new double[] {9});
            d.runUntilIdle();
            assertThat(labelsByKey(out.readKeyValues())).containsExactlyInAnyOrderEntriesOf(Map.of("c1", "0", "c2", "1"));

            StreamingKMeans newer = StreamingKMeans.fromCentres(new double[][] {{20}, {0}}, 5, 1e9, 0);
            newer.learn(new double[] {1});
            models.pipe(kmeans.modelKey(), newer);
            in.pipe("c1", new double[] {1});
            in.pipe("c2", new double[] {19});
            d.runUntilIdle();
            var swapped = out.readKeyValues();
            assertThat(labelsByKey(swapped)).containsExactlyInAnyOrderEntriesOf(Map.of("c1", "1", "c2", "0"));
            assertThat(swapped).extracting(kv -> kv.value().modelVersion()).containsOnly(1L);
        }
    }

    @Test
    void trainAndPredictInOnePipelineApplyTheTrainedModelAFewBatchesLater() {
        Learner<List<String>, MultinomialNaiveBayes> learner = MultinomialNaiveBayes.learner(1.0);
        OnlineLearning<List<String>, MultinomialNaiveBayes> nb = OnlineLearning.builder(learner, LearningSerdes.tokens())
                .name("topics").shards(2).build();
        try (TestDriver d = driver(false, p -> {
            nb.train(p.kafka("labelled", Consumed.with(Serdes.string(), TEXT_EXAMPLES)));
            nb.predict(p, p.kafka("unlabelled", Consumed.with(Serdes.string(), LearningSerdes.tokens())))
                    .toKafka("labels", Produced.with(Serdes.string(), LearningSerdes.predictions()));
        })) {
            TestInputTopic<String, Example<List<String>>> labelled = d.input("labelled", Serdes.string(), TEXT_EXAMPLES);
            Random random = new Random(3);
            for (int n = 0; n < 1000; n++) {
                labelled.pipe("u" + n, text(random));
            }
            d.runUntilIdle();
            // the driver keeps what a pipeline writes apart from what its global tables read:
            // copy the published model to the topic, as the broker would
            List<MultinomialNaiveBayes> published = d.output(nb.modelTopic(), Serdes.string(), learner.modelSerde())
                    .readValues();
            d.input(nb.modelTopic(), Serdes.string(), learner.modelSerde())
                    .pipe(nb.modelKey(), published.get(published.size() - 1));
            d.input("unlabelled", Serdes.string(), LearningSerdes.tokens()).pipe("x", List.of("s1", "s2", "s3", "s4"));
            d.runUntilIdle();
            assertThat(d.output("labels", Serdes.string(), LearningSerdes.predictions()).readValues())
                    .singleElement().satisfies(pr -> {
                        assertThat(pr.label()).isEqualTo("sport");
                        assertThat(pr.modelVersion()).isEqualTo(1000);
                    });
        }
    }

    private static Map<String, String> labelsByKey(List<io.eddy.dsl.KeyValue<String, Prediction>> records) {
        Map<String, String> labels = new java.util.HashMap<>();
        records.forEach(kv -> labels.put(kv.key(), kv.value().label()));
        return labels;
    }

    @Test
    void aBatchAbortedMidwayIsLearnedOnceWhenRetried() {
        // the shard learner keeps its model in memory within a batch: an aborted attempt must not leak into the retry
        Learner<List<String>, MultinomialNaiveBayes> learner = MultinomialNaiveBayes.learner(1.0);
        OnlineLearning<List<String>, MultinomialNaiveBayes> nb = OnlineLearning.builder(learner, LearningSerdes.tokens())
                .name("nb").build();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        try (TestDriver d = TestDriver.builder().defaultPartitions(2)
                .errorHandler(ctx -> failures.getAndIncrement() == 0 ? io.eddy.ErrorAction.FAIL : io.eddy.ErrorAction.SKIP)
                .pipeline(p -> nb.predictThenTrain(p.kafka("in", Consumed.with(Serdes.string(), TEXT_EXAMPLES)),
                        Serdes.string()).toKafka("out", Produced.with(Serdes.string(), LearningSerdes.predictions())))
                .build()) {
            TestInputTopic<String, Example<List<String>>> in = d.input("in", Serdes.string(), TEXT_EXAMPLES);
            MultinomialNaiveBayes expected = learner.newModel();
            Random random = new Random(5);
            for (int n = 0; n < 10; n++) {
                Example<List<String>> e = text(random);
                in.pipe(0, "k", e, java.time.Instant.EPOCH, new org.apache.kafka.common.header.internals.RecordHeaders());
                learner.learn(expected, e.features(), e.label());
            }
            d.runBatch();
            d.runBatch();
            for (int n = 0; n < 11; n++) {
                Example<List<String>> e = n == 5 ? new Example<>(List.of("x"), null) : text(random);   // no label: learn throws
                in.pipe(0, "k", e, java.time.Instant.EPOCH, new org.apache.kafka.common.header.internals.RecordHeaders());
                if (e.label() != null) {
                    learner.learn(expected, e.features(), e.label());
                }
            }
            int aborted = 0;
            for (int i = 0; i < 6; i++) {
                try {
                    d.runBatch();
                } catch (io.eddy.ProcessingFailedException e) {
                    aborted++;
                }
            }
            assertThat(aborted).isEqualTo(1);
            List<MultinomialNaiveBayes> published = d.output(nb.modelTopic(), Serdes.string(), learner.modelSerde()).readValues();
            assertThat(published.get(published.size() - 1)).isEqualTo(expected);
        }
    }

    @Test
    void badOptionsFailAtBuildNamingTheOption() {
        var tree = HoeffdingTree.learner(HoeffdingTree.Config.of(List.of(HoeffdingTree.Attribute.numeric("x")),
                List.of("a", "b")));
        assertThatThrownBy(() -> OnlineLearning.builder(tree, LearningSerdes.doubles()).name("t").shards(4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shards=4");
        assertThatThrownBy(() -> OnlineLearning.builder(tree, LearningSerdes.doubles()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> OnlineLearning.builder(tree, LearningSerdes.doubles()).name("t").shards(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shards must be at least 1: 0");
    }
}
