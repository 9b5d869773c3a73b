package io.eddy.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A fixed, repeating sequence of key indexes in {@code [0, keys)}, drawn once from a seeded random
 * generator so that every run and every fork sees the same keys. Drawing is done up front: the
 * benchmarks pay one array read per key, not a random number generator.
 *
 * <p>Two distributions: {@code uniform}, and {@code zipf}, where the key of popularity rank
 * {@code r} is drawn with probability proportional to {@code 1 / r} (the skew of many real key
 * spaces: a few hot customers or products). Ranks are scattered over the key space by a fixed
 * permutation, so hot keys are not neighbours in key order. Not thread-safe.
 */
final class KeySequence {
    private final int[] indexes;
    private final int mask;
    private int position;

    private KeySequence(int[] indexes) {
        this.indexes = indexes;
        this.mask = indexes.length - 1;
    }

    /**
     * Draws a sequence.
     *
     * @param distribution {@code uniform} or {@code zipf}
     * @param keys         the number of distinct keys; positive
     * @param length       the sequence length; a power of two
     * @param seed         the random seed
     * @throws IllegalArgumentException for an unknown distribution or a length that is not a power of two
     */
    static KeySequence draw(String distribution, int keys, int length, long seed) {
        if (Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("length must be a power of two, was " + length);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] indexes = new int[length];
        switch (distribution.toLowerCase(Locale.ROOT)) {
            case "uniform" -> {
                for (int i = 0; i < length; i++) {
                    indexes[i] = random.nextInt(keys);
                }
            }
            case "zipf" -> {
                double[] cumulative = new double[keys];
                double sum = 0;
                for (int r = 0; r < keys; r++) {
                    sum += 1.0 / (r + 1);
                    cumulative[r] = sum;
                }
                int[] keyOfRank = permutation(keys, random);
                for (int i = 0; i < length; i++) {
                    int rank = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
                    indexes[i] = keyOfRank[Math.min(rank < 0 ? -rank - 1 : rank, keys - 1)];
                }
            }
            default -> throw new IllegalArgumentException("unknown key distribution '" + distribution
                    + "'; known: uniform, zipf");
        }
        return new KeySequence(indexes);
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The next key index; after the last one the sequence starts again. */
    int next() {
        return indexes[position++ & mask];
    }

    /** The key of index {@code i}: {@code key-000042}, as in the end-to-end harness's input. */
    static String key(int i) {
        return String.format(Locale.ROOT, "key-%06d", i);
    }

    /** {@link #key(int)} as UTF-8 bytes. */
    static byte[] keyBytes(int i) {
        return key(i).getBytes(StandardCharsets.UTF_8);
    }
}
