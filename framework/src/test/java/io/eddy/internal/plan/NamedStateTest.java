package io.eddy.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.JoinWindows;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.StreamJoined;
import io.eddy.dsl.Table;
import io.eddy.dsl.TumblingWindows;
import io.eddy.serde.Serdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One naming idiom for stateful operators: a trailing {@link Named}; unnamed ones are warned about or refused. */
class NamedStateTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static final Grouped<String, String> GROUPED = Grouped.with(Serdes.string(), Serdes.string());
    private static final Produced<String, String> OUT = Produced.with(Serdes.string(), Serdes.string());
    private static final Produced<String, Long> COUNTS = Produced.with(Serdes.string(), Serdes.longs());
    private static final JoinWindows WINDOW = JoinWindows.of(Duration.ofSeconds(5));
    private static final StreamJoined<String, String, String> JOINED =
            StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string());

    /** Each stateful operator unnamed, with the operator and derived name the error must give. */
    static List<Arguments> unnamedOperators() {
        return List.of(
                Arguments.of("count", "count-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .groupByKey(GROUPED).count().toStream().toKafka("out", COUNTS)),
                Arguments.of("reduce", "reduce-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .groupByKey(GROUPED).reduce((a, b) -> a + b).toStream().toKafka("out", OUT)),
                Arguments.of("aggregate", "aggregate-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .groupByKey(GROUPED).aggregate(() -> "", (k, v, a) -> a + v, Serdes.string())
                        .toStream().toKafka("out", OUT)),
                Arguments.of("window-count", "window-count-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .groupByKey(GROUPED).window(TumblingWindows.of(Duration.ofMinutes(1))).count()
                        .toStream().foreach(() -> record -> { })),
                Arguments.of("table", "table-in", (Consumer<Pipeline>) p -> p.table("in", STRINGS)
                        .toStream().toKafka("out", OUT)),
                Arguments.of("toTable", "toTable-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .toTable(Serdes.string(), Serdes.string()).toStream().toKafka("out", OUT)),
                Arguments.of("join", "join-1", (Consumer<Pipeline>) p -> {
                    RecordStream<String, String> right = p.kafka("right", STRINGS);
                    p.kafka("in", STRINGS).join(right, (a, b) -> a + b, WINDOW, JOINED).toKafka("out", OUT);
                }),
                Arguments.of("dropDuplicates", "dropDuplicates-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .dropDuplicates((k, v) -> v, Serdes.string()).toKafka("out", OUT)),
                Arguments.of("groupBy", "groupBy-1", (Consumer<Pipeline>) p -> p.kafka("in", STRINGS)
                        .groupBy((k, v) -> v, GROUPED).count(Named.as("c")).toStream().toKafka("out", COUNTS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unnamedOperators")
    void anUnnamedStatefulOperatorIsListedWithItsDerivedName(String operator, String derived,
                                                            Consumer<Pipeline> pipeline) {
        Plan plan = PipelineBuilder.define("app", pipeline);
        assertThat(plan.unnamedState()).extracting(UnnamedState::operator, UnnamedState::derivedName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(operator, derived));
        assertThat(plan.describe().unnamedStatefulOperators()).containsExactly(derived);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unnamedOperators")
    void requiringNamedStateRefusesAnUnnamedStatefulOperator(String operator, String derived,
                                                            Consumer<Pipeline> pipeline) {
        assertThatThrownBy(() -> PipelineBuilder.define("app", pipeline, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the " + operator + " operator has no name")
                .hasMessageContaining("'" + derived + "'")
                .hasMessageContaining("Named.as(");
    }

    @Test
    void everyStatefulOperatorNamedWithTheTrailingNamedPassesTheStrictMode() {
        Plan plan = PipelineBuilder.define("app", p -> {
            Table<String, String> table = p.table("t", STRINGS, Named.as("t"));
            RecordStream<String, String> in = p.kafka("in", STRINGS);
            RecordStream<String, String> right = p.kafka("right", STRINGS);
            RecordStream<String, String> enriched = in.dropDuplicates((k, v) -> v, Serdes.string(), Named.as("dedup"))
                    .join(table, (v, t) -> v + t, Named.as("enrich"));
            enriched.join(right, (a, b) -> a + b, WINDOW, JOINED, Named.as("pairs")).toKafka("pairs", OUT);
            Table<String, String> latest = enriched.toTable(Serdes.string(), Serdes.string(), Named.as("latest"));
            latest.join(table, (a, b) -> a + b, Named.as("both")).toStream().toKafka("both", OUT);
            enriched.groupBy((k, v) -> v, GROUPED, Named.as("by-value"))
                    .count(Named.as("per-value")).toStream().toKafka("counts", COUNTS);
        }, true);
        assertThat(plan.unnamedState()).isEmpty();
        assertThat(plan.repartitionTopics()).containsExactly("app-by-value-repartition");
        assertThat(plan.stores()).extracting(StoreSpec::name).containsExactly("t", "dedup", "pairs-left",
                "pairs-right", "latest", "per-value");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theNamedArgumentWinsOverTheDeprecatedGroupedName() {
        Plan plan = PipelineBuilder.define("app", p -> p.kafka("in", STRINGS)
                .groupBy((k, v) -> v, GROUPED.named("old"), Named.as("new")).count(Named.as("c"))
                .toStream().toKafka("out", COUNTS), true);
        assertThat(plan.repartitionTopics()).containsExactly("app-new-repartition");
        Plan legacy = PipelineBuilder.define("app", p -> p.kafka("in", STRINGS)
                .groupBy((k, v) -> v, GROUPED.named("old")).count(Named.as("c"))
                .toStream().toKafka("out", COUNTS), true);
        assertThat(legacy.repartitionTopics()).containsExactly("app-old-repartition");
    }

    @Test
    void aStatelessJoinWithATableIsNotReportedUnnamed() {
        Plan plan = PipelineBuilder.define("app", p -> {
            Table<String, String> table = p.table("t", STRINGS, Named.as("t"));
            p.kafka("in", STRINGS).join(table, (v, t) -> v + t).toKafka("out", OUT);
        });
        assertThat(plan.unnamedState()).isEmpty();
    }

    @Test
    void namedIsRefusedOnAStatefulOperatorAndPointsToItsNamedArgument() {
        assertThatThrownBy(() -> PipelineBuilder.define("app", p -> p.kafka("in", STRINGS)
                .dropDuplicates((k, v) -> v, Serdes.string(), Named.as("dedup")).named("renamed")
                .toKafka("out", OUT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("named(\"renamed\") on 'dedup'")
                .hasMessageContaining("Named argument");
    }

    @Test
    void anUnnamedStatefulOperatorIsLoggedAtWarnWithItsNameAndHowToNameIt() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            PipelineBuilder.define("app", p -> p.kafka("in", STRINGS).groupByKey(GROUPED).count()
                    .toStream().toKafka("out", COUNTS));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("Unnamed stateful operator: count was given the derived name "
                + "'count-1'").contains("count(Named.as(\"...\"))");
    }
}
