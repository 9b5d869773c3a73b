package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Merges key-ordered sources into one key-ordered stream. When several sources hold the same key,
 * the source that comes first in the list wins and the others' entries for that key are skipped;
 * this is how the dirty buffer shadows committed data. Entries whose winning value is null
 * (deletes) and entries rejected by the visibility filter are not returned.
 */
final class MergingIterator extends AbstractStoreIterator<Map.Entry<byte[], byte[]>> {

    private static final class Head {
        final int rank;
        final StoreIterator<Map.Entry<byte[], byte[]>> source;
        Map.Entry<byte[], byte[]> entry;

        Head(int rank, StoreIterator<Map.Entry<byte[], byte[]>> source) {
            this.rank = rank;
            this.source = source;
        }

        boolean advance() {
            entry = source.hasNext() ? source.next() : null;
            return entry != null;
        }
    }

    private final List<Head> all = new ArrayList<>();
    private final PriorityQueue<Head> queue = new PriorityQueue<>((a, b) -> {
        int c = ByteArrays.ORDER.compare(a.entry.getKey(), b.entry.getKey());
        return c != 0 ? c : Integer.compare(a.rank, b.rank);
    });
    private final Predicate<byte[]> visible;

    /**
     * @param sources ordered by priority, highest first; ownership passes to this iterator
     * @param visible keys to return (window/session expiry); null for all
     */
    MergingIterator(List<StoreIterator<Map.Entry<byte[], byte[]>>> sources, Predicate<byte[]> visible) {
        this.visible = visible;
        for (int i = 0; i < sources.size(); i++) {
            Head h = new Head(i, sources.get(i));
            all.add(h);
            if (h.advance()) {
                queue.add(h);
            }
        }
    }

    @Override
    protected Map.Entry<byte[], byte[]> computeNext() {
        while (!queue.isEmpty()) {
            Head winner = queue.poll();
            Map.Entry<byte[], byte[]> out = winner.entry;
            byte[] key = out.getKey();
            while (!queue.isEmpty() && ByteArrays.ORDER.compare(queue.peek().entry.getKey(), key) == 0) {
                Head shadowed = queue.poll();
                if (shadowed.advance()) {
                    queue.add(shadowed);
                }
            }
            if (winner.advance()) {
                queue.add(winner);
            }
            if (out.getValue() != null && (visible == null || visible.test(key))) {
                return out;
            }
        }
        return null;
    }

    @Override
    protected void release() {
        RuntimeException failure = null;
        for (Head h : all) {
            try {
                h.source.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        queue.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
