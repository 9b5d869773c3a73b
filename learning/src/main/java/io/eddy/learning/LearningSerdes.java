package io.eddy.learning;

import io.eddy.serde.Serde;
import java.util.ArrayList;
import java.util.List;

/** Serdes for the values of the learning operators: features, examples and predictions. */
public final class LearningSerdes {
    private LearningSerdes() {
    }

    /** Dense numeric features. */
    public static Serde<double[]> doubles() {
        return new BinarySerde<>("double[]", 0x61, BinarySerde::writeDoubles, BinarySerde::readDoubles);
    }

    /** A list of tokens (text features for {@link MultinomialNaiveBayes}). */
    public static Serde<List<String>> tokens() {
        return new BinarySerde<>("token list", 0x62, (out, tokens) -> {
            out.writeInt(tokens.size());
            for (String t : tokens) {
                out.writeUTF(t);
            }
        }, in -> {
            int n = in.readInt();
            List<String> tokens = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tokens.add(in.readUTF());
            }
            return tokens;
        });
    }

    /** Labelled examples whose features use {@code features}. */
    public static <F> Serde<Example<F>> examples(Serde<F> features) {
        return new BinarySerde<>("example", 0x63, (out, e) -> {
            BinarySerde.writeString(out, e.label());
            byte[] f = features.serialize("", e.features());
            out.writeInt(f.length);
            out.write(f);
        }, in -> {
            String label = BinarySerde.readString(in);
            byte[] f = new byte[in.readInt()];
            in.readFully(f);
            return new Example<>(features.deserialize("", f), label);
        });
    }

    /** Predictions. */
    public static Serde<Prediction> predictions() {
        return new BinarySerde<>("prediction", 0x64, (out, p) -> {
            BinarySerde.writeString(out, p.label());
            out.writeDouble(p.score());
            out.writeLong(p.modelVersion());
            BinarySerde.writeString(out, p.actual());
            out.writeDouble(p.accuracy());
        }, in -> new Prediction(BinarySerde.readString(in), in.readDouble(), in.readLong(),
                BinarySerde.readString(in), in.readDouble()));
    }
}
