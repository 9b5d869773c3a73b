package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A stratified sample: one {@link Sample} of at most {@code perStratum} items for each stratum
 * (the value of a strata function), so rare strata are represented however skewed the stream is.
 * Each stratum's sample is uniform within the stratum (its generator seeded with the stratum's hash
 * code, so a stratum type's hash code should be stable across JVMs: text, numbers, enums' names
 * mapped to text); strata are kept in the order first seen.
 *
 * <p>The number of strata is not bounded by this class: pick a strata function with few values
 * (a country, a status class), or the state grows with it. At most {@link #MAX_STRATA} strata.
 *
 * <p>Not thread-safe; an instance read from a table is the caller's own copy.
 *
 * @param <S> stratum type
 * @param <T> item type
 */
public final class StratifiedSample<S, T> {

    /** The most strata one stratified sample holds; an item of one more stratum fails its record. */
    public static final int MAX_STRATA = 10_000;
    private static final byte FORMAT = 1;

    private final int perStratum;
    private final Map<S, Sample<T>> strata;

    private StratifiedSample(int perStratum, Map<S, Sample<T>> strata) {
        this.perStratum = perStratum;
        this.strata = strata;
    }

    /**
     * An empty stratified sample of at most {@code perStratum} items per stratum.
     *
     * @throws IllegalArgumentException unless {@code perStratum} is in [1, 2^20]
     */
    public static <S, T> StratifiedSample<S, T> empty(int perStratum) {
        Items.checkRange("perStratum", perStratum, 1, Sample.MAX_CAPACITY);
        return new StratifiedSample<>(perStratum, new LinkedHashMap<>());
    }

    /**
     * Offers {@code item} to the sample of {@code stratum}; a null item or stratum is ignored.
     *
     * @throws IllegalStateException if this would be stratum number {@link #MAX_STRATA} + 1
     */
    public StratifiedSample<S, T> add(S stratum, T item) {
        if (stratum == null || item == null) {
            return this;
        }
        Sample<T> sample = strata.get(stratum);
        if (sample == null) {
            if (strata.size() == MAX_STRATA) {
                throw new IllegalStateException("a stratified sample holds at most " + MAX_STRATA
                        + " strata; stratum " + stratum + " would be one more: use a coarser strata function");
            }
            sample = Sample.empty(perStratum, stratum.hashCode());
            strata.put(stratum, sample);
        }
        sample.add(item);
        return this;
    }

    /** The strata seen and their samples, in the order first seen; unmodifiable. */
    public Map<S, Sample<T>> strata() {
        return Collections.unmodifiableMap(strata);
    }

    /** The sample of {@code stratum}, or null if none of its items was seen. */
    public Sample<T> stratum(S stratum) {
        return strata.get(stratum);
    }

    /** The most items kept per stratum. */
    public int perStratum() {
        return perStratum;
    }

    /** Writes: format byte, per-stratum capacity, stratum count, then each stratum and its sample as length and bytes. */
    public byte[] toByteArray(Serde<S> stratumSerde, Serde<T> itemSerde) {
        List<byte[]> parts = new ArrayList<>();
        int size = 1 + 2 * Integer.BYTES;
        for (Map.Entry<S, Sample<T>> e : strata.entrySet()) {
            byte[] stratum = stratumSerde.serialize("stratum", e.getKey());
            byte[] sample = e.getValue().toByteArray(itemSerde);
            parts.add(stratum);
            parts.add(sample);
            size += 2 * Integer.BYTES + stratum.length + sample.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT).putInt(perStratum).putInt(strata.size());
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    /**
     * Reads {@link #toByteArray} bytes.
     *
     * @throws IllegalArgumentException if they are not a stratified sample of this format
     */
    public static <S, T> StratifiedSample<S, T> fromByteArray(byte[] bytes, Serde<S> stratumSerde, Serde<T> itemSerde) {
        ByteBuffer in = ByteBuffer.wrap(Objects.requireNonNull(bytes, "bytes"));
        if (bytes.length < 9 || in.get() != FORMAT) {
            throw new IllegalArgumentException("not a stratified sample of format " + FORMAT);
        }
        int perStratum = in.getInt();
        int count = in.getInt();
        if (count < 0 || count > MAX_STRATA) {
            throw new IllegalArgumentException("a stratified sample cannot hold " + count + " strata");
        }
        Function<ByteBuffer, byte[]> part = b -> {
            byte[] out = new byte[b.getInt()];
            b.get(out);
            return out;
        };
        Map<S, Sample<T>> strata = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            S stratum = stratumSerde.deserialize("stratum", part.apply(in));
            strata.put(stratum, Sample.fromByteArray(part.apply(in), itemSerde));
        }
        return new StratifiedSample<>(perStratum, strata);
    }

    /** Stores stratified samples with these serdes; null stays null. */
    public static <S, T> Serde<StratifiedSample<S, T>> serde(Serde<S> stratumSerde, Serde<T> itemSerde) {
        Objects.requireNonNull(stratumSerde, "stratumSerde");
        Objects.requireNonNull(itemSerde, "itemSerde");
        return SketchSerde.of("StratifiedSample", s -> s.toByteArray(stratumSerde, itemSerde),
                b -> fromByteArray(b, stratumSerde, itemSerde));
    }

    @Override
    public String toString() {
        return "StratifiedSample[" + strata.size() + " strata, perStratum=" + perStratum + "]";
    }
}
