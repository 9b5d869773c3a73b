package io.eddy.internal.plan;

import io.eddy.dsl.RecordStream;
import io.eddy.processor.ProcessedStream;
import io.eddy.processor.SideOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The main output of a processor node, and the way to its side outputs. The processor node's
 * first child is a pass-through for the main output (the stream this object is); each side
 * output read adds a pass-through child and its name to the operator's {@code sideOutputs}, so
 * child {@code i + 1} is side output {@code i}.
 */
final class ProcessedStreamImpl<K, V> extends StreamImpl<K, V> implements ProcessedStream<K, V> {
    private final PlanNode processor;

    ProcessedStreamImpl(PipelineBuilder builder, PlanNode processor, boolean keyChanged, Long eventTimeDelayMs) {
        this(builder, processor, main(builder, processor), keyChanged, eventTimeDelayMs);
    }

    private ProcessedStreamImpl(PipelineBuilder builder, PlanNode processor, PlanNode main, boolean keyChanged,
                                Long eventTimeDelayMs) {
        super(builder, main, keyChanged, eventTimeDelayMs);
        this.processor = processor;
    }

    private static PlanNode main(PipelineBuilder builder, PlanNode processor) {
        PlanNode main = builder.add(processor, "output", new OperatorSpec.PassThrough(), false);
        main.name = processor.name + "-out";
        return main;
    }

    @Override
    public <KS, VS> RecordStream<KS, VS> sideOutput(SideOutput<KS, VS> output) {
        Objects.requireNonNull(output, "output");
        List<String> sides = new ArrayList<>(sideOutputs());
        int at = sides.indexOf(output.name());
        PlanNode side;
        if (at >= 0) {
            side = processor.children.get(at + 1);
        } else {
            side = builder.add(processor, "sideOutput", new OperatorSpec.PassThrough(), false);
            side.name = processor.name + "-" + output.name();
            sides.add(output.name());
            processor.operator = withSideOutputs(sides);
        }
        // a side output may carry any key: a grouping after it repartitions
        return new StreamImpl<>(builder, side, true, eventTimeDelayMs);
    }

    private List<String> sideOutputs() {
        if (processor.operator instanceof OperatorSpec.KeyedProcess k) {
            return k.sideOutputs();
        }
        return ((OperatorSpec.RecordProcess) processor.operator).sideOutputs();
    }

    private OperatorSpec withSideOutputs(List<String> sides) {
        if (processor.operator instanceof OperatorSpec.KeyedProcess k) {
            return new OperatorSpec.KeyedProcess(k.state(), k.timers(), k.processor(), k.states(), k.keySerde(), sides);
        }
        OperatorSpec.RecordProcess r = (OperatorSpec.RecordProcess) processor.operator;
        return new OperatorSpec.RecordProcess(r.processor(), r.fixedKey(), sides);
    }
}
