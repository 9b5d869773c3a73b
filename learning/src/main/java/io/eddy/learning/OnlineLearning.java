package io.eddy.learning;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.GlobalTable;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.MapStateSpec;
import io.eddy.processor.ProcessedStream;
import io.eddy.processor.SideOutput;
import io.eddy.processor.StateSpec;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The operators that train a model on a stream, apply it, and publish it: {@link #train},
 * {@link #predictThenTrain} (prequential evaluation) and {@link #predict}.
 *
 * <pre>{@code
 * OnlineLearning<List<String>, MultinomialNaiveBayes> spam = OnlineLearning
 *         .builder(MultinomialNaiveBayes.learner(1.0), LearningSerdes.tokens())
 *         .name("spam").shards(4).modelTopic("spam-model").build();
 * spam.train(pipeline.kafka("labelled-mail", consumedExamples));           // publishes models
 * spam.predict(pipeline, pipeline.kafka("mail", consumedTokens))            // applies the latest
 *     .toKafka("mail-scored", Produced.with(Serdes.string(), LearningSerdes.predictions()));
 * }</pre>
 *
 * <p>Design. The examples are grouped by a <em>shard</em> ({@code hash(key) mod shards}, through a
 * repartition topic), and each shard's model is a value state of a {@link KeyedProcessor}: it is
 * changelogged and written in the batch's transaction, so under exactly-once a crash neither
 * loses nor repeats an example's effect on it. Once per batch (a processing-time timer that fires
 * at the batch's commit) every shard that learned publishes its model to a merge step, a second
 * keyed processor on a single key that keeps the latest model of each shard and, once per batch,
 * publishes their merge ({@link Learner#merge}) to the compacted model topic, keyed by the
 * operator's name. With one shard (the default) all training runs through one task and its model
 * is published as is: the only choice for models that do not merge (Hoeffding trees).
 *
 * <p>Consistency. The model topic holds one logical model; its version
 * ({@link Prediction#modelVersion()}) is the number of examples it has learned. A shard's model
 * learned in batch b is published at b's commit, merged in the batch after that (the merge reads
 * the repartition topic written by b), and reaches the model topic at that batch's commit:
 * {@link #predict} therefore applies a model that lags the examples by about two batches, plus the
 * time the global table takes to read the topic in the background (the join sees the latest model
 * read, not aligned with batches). {@link #predictThenTrain} predicts with its shard's own model,
 * which is never stale but, with several shards, has learned only that shard's examples.
 *
 * <p>Names: the operator's name {@code n} names the shard repartition ({@code n-shards}), the
 * shard processor and its stores ({@code n}), and with several shards the merge's repartition
 * ({@code n-merge-in}) and processor ({@code n-merge}). Create the model topic compacted
 * ({@code cleanup.policy=compact}) so it keeps the latest model.
 *
 * <p>Instances are immutable and thread-safe; each operator method adds operators to a pipeline
 * and may be called once per pipeline.
 *
 * @param <F> the feature type
 * @param <M> the model type
 */
public final class OnlineLearning<F, M> {
    private static final long AT_COMMIT = 0L;   // a processing-time timer due at once: fires at this batch's commit
    private static final Timer COMMIT_TIMER = new Timer(io.eddy.processor.TimeDomain.PROCESSING_TIME, AT_COMMIT);

    private final Learner<F, M> learner;
    private final Serde<F> featureSerde;
    private final String name;
    private final int shards;
    private final String modelTopic;
    private final Serde<M> modelSerde;

    private OnlineLearning(Builder<F, M> b) {
        this.learner = b.learner;
        this.featureSerde = b.featureSerde;
        this.name = b.name;
        this.shards = b.shards;
        this.modelTopic = b.modelTopic;
        this.modelSerde = learner.modelSerde();
    }

    /**
     * Starts the configuration of operators for {@code learner}.
     *
     * @param featureSerde the serde of the features (for the shard repartition)
     */
    public static <F, M> Builder<F, M> builder(Learner<F, M> learner, Serde<F> featureSerde) {
        return new Builder<>(Objects.requireNonNull(learner, "learner"), Objects.requireNonNull(featureSerde, "featureSerde"));
    }

    /** The options of {@link OnlineLearning}; each set once, checked by {@link #build()}. */
    public static final class Builder<F, M> {
        private final Learner<F, M> learner;
        private final Serde<F> featureSerde;
        private String name;
        private int shards = 1;
        private String modelTopic;
        private boolean shardsSet;

        private Builder(Learner<F, M> learner, Serde<F> featureSerde) {
            this.learner = learner;
            this.featureSerde = featureSerde;
        }

        /** Names the operators and their stores (required; letters, digits, '.', '_' and '-'). */
        public Builder<F, M> name(String operatorName) {
            if (name != null) {
                throw new IllegalStateException("name is already set: " + name);
            }
            Named.as(Objects.requireNonNull(operatorName, "name"));   // checks the characters
            this.name = operatorName;
            return this;
        }

        /**
         * How many model replicas learn in parallel (default 1: all training through one task, a
         * global model). More than one needs a learner whose models merge.
         */
        public Builder<F, M> shards(int count) {
            if (shardsSet) {
                throw new IllegalStateException("shards is already set: " + shards);
            }
            this.shards = count;
            this.shardsSet = true;
            return this;
        }

        /** The compacted topic the models are published to and read from (default {@code <name>-model}). */
        public Builder<F, M> modelTopic(String topic) {
            if (modelTopic != null) {
                throw new IllegalStateException("modelTopic is already set: " + modelTopic);
            }
            this.modelTopic = Objects.requireNonNull(topic, "modelTopic");
            return this;
        }

        /**
         * The operators.
         *
         * @throws IllegalArgumentException naming the bad option: no name, shards below 1, or
         *         shards above 1 with a learner whose models do not merge
         */
        public OnlineLearning<F, M> build() {
            if (name == null) {
                throw new IllegalArgumentException("name is required (it names the operators, their stores and the model)");
            }
            if (shards < 1) {
                throw new IllegalArgumentException("shards must be at least 1: " + shards);
            }
            if (shards > 1 && !learner.mergeable()) {
                throw new IllegalArgumentException("shards=" + shards + " needs a learner whose models merge; "
                        + learner + " does not: use shards(1)");
            }
            if (modelTopic == null) {
                modelTopic = name + "-model";
            }
            return new OnlineLearning<>(this);
        }
    }

    /** The topic the models are published to. */
    public String modelTopic() {
        return modelTopic;
    }

    /** The key of the model on the model topic: the operators' name. */
    public String modelKey() {
        return name;
    }

    /**
     * Trains on {@code examples} and publishes the models to the model topic (see the class
     * comment for when). Examples whose label is null train unsupervised learners only; for
     * classifiers they fail the record (the error handler decides).
     *
     * @return the published model versions, keyed by the model key (already written to the model
     *         topic; use it for more outputs or ignore it)
     */
    public <K> RecordStream<String, M> train(RecordStream<K, Example<F>> examples) {
        return publish(shardProcessor(examples, null, false));
    }

    /**
     * Prequential evaluation: predicts each example with its shard's model, then learns it, and
     * publishes the models like {@link #train}.
     *
     * <p>Each batch's progress ({@link io.eddy.BatchProgress#operatorMetrics()}) carries, for every
     * shard that learned in the batch, under {@code <name>.accuracy} (classifiers: correct over
     * labelled predictions so far) or {@code <name>.loss} (k-means: the mean squared distance of
     * each example to its nearest centre before learning it, so far), and {@code <name>.examples}
     * (the shard model's version); with several shards {@code <name>.shard-<s>.accuracy} and so on.
     *
     * @param keySerde the serde of the examples' keys (the predictions keep them)
     * @return one prediction per example, under the example's key, with the true label and the
     *         shard model's running accuracy
     */
    public <K> RecordStream<K, Prediction> predictThenTrain(RecordStream<K, Example<F>> examples, Serde<K> keySerde) {
        Objects.requireNonNull(keySerde, "keySerde");
        ProcessedStream<K, Prediction> shardOut = shardProcessor(examples, keySerde, true);
        publish(shardOut);
        return shardOut;
    }

    /**
     * Scores {@code features} with the latest model on the model topic, read in full by every
     * instance into a global table: models trained by {@link #train} or elsewhere, or trained
     * offline and written there (with {@link Learner#modelSerde()} under {@link #modelKey()}).
     * A newer model is used as soon as the table has read it, without a restart. Before any
     * model, predictions have a null label and version 0.
     */
    public <K> RecordStream<K, Prediction> predict(Pipeline pipeline, RecordStream<K, F> features) {
        GlobalTable<String, M> models = pipeline.globalTable(modelTopic,
                Consumed.with(Serdes.string(), new LastValueCachingSerde<>(modelSerde)));
        return features.leftJoin(models, (k, f) -> name, (f, model) -> model == null
                ? new Prediction(null, Double.NaN, 0, null, Double.NaN)
                : Prediction.of(learner.predict(model, f), learner.examples(model)));
    }

    /** The shard's key: stable across JVMs for keys whose hashCode is (strings, numbers, records of them). */
    private String shardOf(Object key) {
        return Integer.toString(Math.floorMod(Objects.hashCode(key), shards));
    }

    private <K> ProcessedStream<K, Prediction> shardProcessor(RecordStream<K, Example<F>> examples, Serde<K> keySerde,
                                                              boolean predictFirst) {
        Serde<Example<F>> exampleSerde = LearningSerdes.examples(featureSerde);
        Serde<Keyed<Example<F>>> keyedSerde = Keyed.serde(exampleSerde);
        ValueStateSpec<M> model = StateSpec.value("model", modelSerde);
        ValueStateSpec<Long> predicted = StateSpec.value("predicted", Serdes.longs());
        ValueStateSpec<Long> correct = StateSpec.value("correct", Serdes.longs());
        ValueStateSpec<Double> lossSum = StateSpec.value("loss-sum", Serdes.doubles());
        return examples
                .map((k, e) -> KeyValue.of(shardOf(k), new Keyed<>(keySerde == null ? null : keySerde.serialize(name, k), e)))
                .groupBy((shard, v) -> shard, Grouped.with(Serdes.string(), keyedSerde), Named.as(name + "-shards"))
                .process(() -> new ShardLearner<K>(model, predicted, correct, lossSum, keySerde, predictFirst),
                        List.of(model, predicted, correct, lossSum), Named.as(name));
    }

    private RecordStream<String, M> publish(ProcessedStream<?, Prediction> shardOut) {
        RecordStream<String, M> shardModels = shardOut.sideOutput(shardModels());
        RecordStream<String, M> published;
        if (shards == 1) {
            published = shardModels.map((shard, m) -> KeyValue.of(name, m));
        } else {
            Serde<Keyed<M>> taggedSerde = Keyed.serde(modelSerde);
            MapStateSpec<String, M> latest = StateSpec.map("shard-models", Serdes.string(), modelSerde);
            published = shardModels
                    .map((shard, m) -> KeyValue.of(name, new Keyed<>(shard.getBytes(java.nio.charset.StandardCharsets.UTF_8), m)))
                    .groupBy((k, v) -> k, Grouped.with(Serdes.string(), taggedSerde), Named.as(name + "-merge-in"))
                    .process(() -> new Merger(latest), List.of(latest), Named.as(name + "-merge"));
        }
        published.toKafka(modelTopic, Produced.with(Serdes.string(), modelSerde));
        return published;
    }

    @SuppressWarnings("unchecked")
    private SideOutput<String, M> shardModels() {
        return (SideOutput<String, M>) (SideOutput<?, ?>) SideOutput.named("models");
    }

    /** A value with the bytes of a key (the example's original key, or the shard that sent a model). */
    record Keyed<V>(byte[] key, V value) {
        static <V> Serde<Keyed<V>> serde(Serde<V> values) {
            return new BinarySerde<>("keyed learning value", 0x65, (out, kv) -> {
                out.writeInt(kv.key() == null ? -1 : kv.key().length);
                if (kv.key() != null) {
                    out.write(kv.key());
                }
                byte[] v = values.serialize("", kv.value());
                out.writeInt(v.length);
                out.write(v);
            }, in -> {
                int n = in.readInt();
                byte[] key = null;
                if (n >= 0) {
                    key = new byte[n];
                    in.readFully(key);
                }
                byte[] v = new byte[in.readInt()];
                in.readFully(v);
                return new Keyed<>(key, values.deserialize("", v));
            });
        }
    }

    /**
     * One shard's model: learns, optionally predicts first, and writes and publishes its model
     * once per batch.
     *
     * <p>Design. Decoding and encoding the model for every record would cost more than learning
     * from it, so the model lives in a field between records and reaches its state variable once
     * per batch, in the processing-time timer that fires at the batch's commit (the state write
     * is part of that commit). The field is trusted only within one attempt of one batch: the
     * first record of a shard in a batch finds no commit timer registered (the last one fired at
     * the previous commit, and an aborted batch's registration is rolled back with its state), so
     * it reloads the model from the state variable, which an abort has reset to the last commit.
     */
    private final class ShardLearner<K> implements KeyedProcessor<String, Keyed<Example<F>>, K, Prediction> {
        private final ValueStateSpec<M> modelSpec;
        private final ValueStateSpec<Long> predictedSpec;
        private final ValueStateSpec<Long> correctSpec;
        private final ValueStateSpec<Double> lossSumSpec;
        private final Serde<K> keySerde;
        private final boolean predictFirst;
        private final Map<String, Working<M>> working = new java.util.HashMap<>();

        ShardLearner(ValueStateSpec<M> model, ValueStateSpec<Long> predicted, ValueStateSpec<Long> correct,
                     ValueStateSpec<Double> lossSum, Serde<K> keySerde, boolean predictFirst) {
            this.modelSpec = model;
            this.predictedSpec = predicted;
            this.correctSpec = correct;
            this.lossSumSpec = lossSum;
            this.keySerde = keySerde;
            this.predictFirst = predictFirst;
        }

        @Override
        public void process(String shard, Keyed<Example<F>> value, KeyedContext<String, K, Prediction> ctx) {
            Working<M> w = working.get(shard);
            if (w == null || !ctx.timers().list().contains(COMMIT_TIMER)) {
                M stored = ctx.state(modelSpec).get();
                Double loss = ctx.state(lossSumSpec).get();
                w = new Working<>(stored == null ? learner.newModel() : stored,
                        orZero(ctx.state(predictedSpec).get()), orZero(ctx.state(correctSpec).get()),
                        loss == null ? 0 : loss);
                working.put(shard, w);
                ctx.timers().registerProcessingTime(AT_COMMIT);
            }
            Example<F> example = value.value();
            if (predictFirst) {
                Learner.Scored scored = learner.predict(w.model, example.features());
                double accuracy = Double.NaN;
                if (learner.unsupervised()) {
                    if (!Double.isNaN(scored.score())) {
                        w.predicted++;
                        w.lossSum += scored.score();
                        ctx.reportMetric(metricName(shard, "loss"), w.lossSum / w.predicted);
                    }
                } else {
                    if (example.label() != null && scored.label() != null) {
                        w.predicted++;
                        w.correct += scored.label().equals(example.label()) ? 1 : 0;
                    }
                    accuracy = w.predicted == 0 ? Double.NaN : (double) w.correct / w.predicted;
                    if (w.predicted > 0) {
                        ctx.reportMetric(metricName(shard, "accuracy"), accuracy);
                    }
                }
                K key = value.key() == null ? null : keySerde.deserialize(name, value.key());
                ctx.forward(key, new Prediction(scored.label(), scored.score(), learner.examples(w.model),
                        example.label(), accuracy));
            }
            learner.learn(w.model, example.features(), example.label());
            if (predictFirst) {
                ctx.reportMetric(metricName(shard, "examples"), learner.examples(w.model));
            }
        }

        @Override
        public void onTimer(String shard, Timer timer, KeyedContext<String, K, Prediction> ctx) {
            Working<M> w = working.get(shard);
            if (w == null) {
                return;   // registered before a restart; the state already holds the model
            }
            ctx.state(modelSpec).update(w.model);
            if (predictFirst) {
                ctx.state(predictedSpec).update(w.predicted);
                ctx.state(correctSpec).update(w.correct);
                ctx.state(lossSumSpec).update(w.lossSum);
            }
            ctx.forward(shardModels(), shard, w.model);
        }

        @Override
        public void close() {
            working.clear();
        }

        /** {@code accuracy}, or {@code shard-<s>.accuracy} with several shards (each has its own). */
        private String metricName(String shard, String metric) {
            return shards == 1 ? metric : "shard-" + shard + "." + metric;
        }

        private long orZero(Long value) {
            return value == null ? 0 : value;
        }
    }

    /** A shard's model and prequential counts between two commits. */
    private static final class Working<M> {
        final M model;
        long predicted;
        long correct;
        double lossSum;

        Working(M model, long predicted, long correct, double lossSum) {
            this.model = model;
            this.predicted = predicted;
            this.correct = correct;
            this.lossSum = lossSum;
        }
    }

    /** Keeps each shard's latest model and publishes their merge once per batch. */
    private final class Merger implements KeyedProcessor<String, Keyed<M>, String, M> {
        private final MapStateSpec<String, M> latestSpec;

        Merger(MapStateSpec<String, M> latest) {
            this.latestSpec = latest;
        }

        @Override
        public void process(String key, Keyed<M> shardModel, KeyedContext<String, String, M> ctx) {
            ctx.state(latestSpec).put(new String(shardModel.key(), java.nio.charset.StandardCharsets.UTF_8),
                    shardModel.value());
            ctx.timers().registerProcessingTime(AT_COMMIT);
        }

        @Override
        public void onTimer(String key, Timer timer, KeyedContext<String, String, M> ctx) {
            List<M> models = new ArrayList<>();
            List<Map.Entry<String, M>> entries = new ArrayList<>(ctx.state(latestSpec).entries());
            entries.sort(Map.Entry.comparingByKey());
            entries.forEach(e -> models.add(e.getValue()));
            if (!models.isEmpty()) {
                ctx.forward(key, learner.merge(models));
            }
        }
    }
}
