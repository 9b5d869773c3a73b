package io.eddy.it;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.learning.LearningSerdes;
import io.eddy.learning.MultinomialNaiveBayes;
import io.eddy.learning.OnlineLearning;
import io.eddy.serde.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The pipeline {@link LearningCrashTest} runs in a child JVM and kills: multinomial naive Bayes
 * trained by 4 shards whose counts are merged and published to the model topic, under
 * exactly-once, with a static instance id and a state directory that survives the kills. Prints
 * {@code READY} after {@code start()} and runs until killed.
 *
 * <p>Arguments: bootstrap servers, input topic, model topic, application id, instance id, state
 * directory, max records per batch.
 */
final class LearningCrashMain {
    static final String READY = "READY";

    private LearningCrashMain() {
    }

    static OnlineLearning<List<String>, MultinomialNaiveBayes> operators(String modelTopic) {
        return OnlineLearning.builder(MultinomialNaiveBayes.learner(1.0), LearningSerdes.tokens())
                .name("nb").shards(4).modelTopic(modelTopic).build();
    }

    public static void main(String[] args) throws Exception {
        OnlineLearning<List<String>, MultinomialNaiveBayes> nb = operators(args[2]);
        EddyApp app = EddyApp.builder(args[3])
                .bootstrapServers(args[0])
                .guarantee(Guarantee.EXACTLY_ONCE)
                .instanceId(args[4])
                .stateDir(Path.of(args[5]))
                .threads(2)
                .maxRecordsPerBatch(Integer.parseInt(args[6]))
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> nb.train(p.kafka(args[1], Consumed.with(Serdes.string(),
                        LearningSerdes.examples(LearningSerdes.tokens())))))
                .build();
        app.start();
        System.out.println(READY + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        while (!app.awaitTermination(Duration.ofHours(1))) {
            // runs until killed
        }
        System.out.println("FAILED state=" + app.state() + app.failure().map(f -> " failure=" + f).orElse(""));
        System.out.flush();
        System.exit(1);
    }
}
