package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.KeyValue;
import io.eddy.learning.MultinomialNaiveBayes;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The text classifier on the test driver, trained on the shipped texts. */
class TextClassifierTest {

    @Test
    void labelsNewTextsWithTheModelMergedFromTwoShards() {
        try (TestDriver d = TestDriver.builder().pipeline(TextClassifier::pipeline).defaultPartitions(4).build()) {
            var labelled = d.input(TextClassifier.LABELLED, Serdes.string(), Serdes.string());
            List<String> texts = TextClassifier.shippedTexts();
            assertThat(texts).hasSize(60);
            for (int i = 0; i < texts.size(); i++) {
                labelled.pipe("t" + i, texts.get(i));
            }
            d.runUntilIdle();
            var serde = MultinomialNaiveBayes.serde();
            List<MultinomialNaiveBayes> models = d.output(TextClassifier.TOPICS.modelTopic(), Serdes.string(), serde)
                    .readValues();
            MultinomialNaiveBayes latest = models.get(models.size() - 1);
            assertThat(latest.examples()).isEqualTo(60);
            // the test driver keeps a pipeline's output apart from what its global tables read:
            // copy the model to the topic as the broker would
            d.input(TextClassifier.TOPICS.modelTopic(), Serdes.string(), serde).pipe(TextClassifier.TOPICS.modelKey(), latest);

            var unlabelled = d.input(TextClassifier.TEXTS, Serdes.string(), Serdes.string());
            unlabelled.pipe("a", "Rain and wind tonight with snow on the hills");
            unlabelled.pipe("b", "The team scored a late goal to win the cup");
            unlabelled.pipe("c", "Bake the cake with butter sugar and eggs");
            d.runUntilIdle();
            Map<String, String> labels = d.output(TextClassifier.LABELS, Serdes.string(), Serdes.string())
                    .readKeyValues().stream().collect(Collectors.toMap(KeyValue::key, KeyValue::value));
            assertThat(labels.get("a")).startsWith("weather").endsWith("model=60");
            assertThat(labels.get("b")).startsWith("sport");
            assertThat(labels.get("c")).startsWith("cooking");
        }
    }

    @Test
    void wordsAreLowerCaseLettersOfThreeOrMore() {
        assertThat(TextClassifier.words("It's a GOAL, 2-1!")).containsExactly("goal");
    }
}
