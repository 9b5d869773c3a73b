package io.eddy.bench;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.dsl.StartingOffsets;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.Optional;

/** The workloads on Eddy: exactly-once, a time trigger of the commit interval, defaults otherwise. */
final class EddyEngine implements RunningEngine {
    private final EddyApp app;

    private EddyEngine(EddyApp app) {
        this.app = app;
    }

    static EddyEngine start(EngineSpec spec) {
        EddyApp.Builder builder = EddyApp.builder(spec.applicationId())
                .bootstrapServers(spec.bootstrapServers())
                .threads(spec.threads())
                .guarantee(Guarantee.EXACTLY_ONCE)
                .trigger(Trigger.every(Duration.ofMillis(spec.commitMillis())));
        switch (spec.workload()) {
            case W1 -> builder.pipeline(p -> p
                    .kafka(spec.inputTopic(), Consumed.with(Serdes.string(), Serdes.string())
                            .withStartingOffsets(StartingOffsets.earliest()))
                    .mapValues(Workload::w1Map)
                    .filter(Workload::w1Keep)
                    .toKafka(spec.outputTopic(), Produced.with(Serdes.string(), Serdes.string())));
        }
        EddyApp app = builder.build();
        app.start();
        return new EddyEngine(app);
    }

    @Override
    public Optional<Throwable> failure() {
        if (app.state() == AppState.ERROR) {
            return Optional.of(app.failure().orElse(new IllegalStateException("Eddy app in state ERROR")));
        }
        return Optional.empty();
    }

    @Override
    public void close(Duration timeout) {
        app.close(timeout);
    }
}
