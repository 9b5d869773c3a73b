package io.eddy.internal.runtime;

import io.eddy.processor.ListState;
import io.eddy.processor.ListStateSpec;
import io.eddy.processor.MapState;
import io.eddy.processor.MapStateSpec;
import io.eddy.processor.StateSpec;
import io.eddy.processor.TimeDomain;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.state.StoreIterator;
import io.eddy.state.internal.BytesStore;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The state variables and timers of one keyed processor in one task.
 *
 * <p>Design. Everything lives in two byte stores of the task, so it is changelogged, restored and
 * committed with the batch like any state: the <em>state store</em> holds the variables and an
 * index of each key's timers; the <em>timer store</em> ({@link Timers}) holds the timers in time
 * order. Layout of the state store's keys ({@code K} = {@code [key length: 4 bytes][serialized
 * key]}):
 * <ul>
 *   <li>a variable's entry: {@code [name length: 1 byte, 1..100][name, UTF-8][K][suffix]}, where
 *       the suffix is empty for a value state and for a list's header (which holds the next
 *       element number), the 8-byte element number for a list element, and the serialized map
 *       key for a map entry. Entries are addressed by name, not by declaration order, so
 *       variables can be added and reordered between versions;</li>
 *   <li>a timer's index entry: {@code [0][K][domain: 1 byte][time: 8 bytes]}.</li>
 * </ul>
 * Every variable entry's value is {@code [expiry: 8 bytes][serialized value]}, the expiry being
 * {@link Long#MAX_VALUE} without a time to live (so adding a TTL later reads old entries). An
 * entry whose expiry is at or before the clock reads as absent. Physical removal: each write with
 * a TTL also registers a processing-time <em>cleanup timer</em> (payload {@code [1][store key]})
 * at its expiry rounded up to a granule (a sixteenth of the TTL, at most a minute), so repeated
 * writes of one entry within a granule share a timer; when it fires, the entry is deleted if it
 * has expired (a later write has its own cleanup timer). User timers have payload
 * {@code [0][serialized key]}.
 *
 * <p>Not thread-safe: the task's worker thread owns it.
 */
final class ProcessorState {
    static final byte USER_TIMER = 0;
    static final byte CLEANUP_TIMER = 1;
    private static final byte TIMER_INDEX = 0;
    private static final byte[] PRESENT = {1};
    private static final int EXPIRY_BYTES = 8;

    private final BytesStore store;
    private final Timers timers;
    private final LongSupplier clock;
    private final Map<String, Object> handles = new HashMap<>();
    private final String operator;
    /** {@code [key length][key]} of the current key. */
    private byte[] keyPart;
    private byte[] keyBytes;

    ProcessorState(String operator, BytesStore store, Timers timers, LongSupplier clock, List<StateSpec> specs) {
        this.operator = operator;
        this.store = store;
        this.timers = timers;
        this.clock = clock;
        for (StateSpec spec : specs) {
            byte[] prefix = prefix(spec.name());
            Object handle;
            if (spec instanceof ValueStateSpec<?> v) {
                handle = new Value<>(v, prefix);
            } else if (spec instanceof ListStateSpec<?> l) {
                handle = new ListImpl<>(l, prefix);
            } else {
                handle = new MapImpl<>((MapStateSpec<?, ?>) spec, prefix);
            }
            handles.put(spec.name(), handle);
        }
    }

    /** Makes {@code serializedKey} the key every handle and timer call refers to. */
    void setKey(byte[] serializedKey) {
        keyBytes = serializedKey;
        keyPart = new byte[4 + serializedKey.length];
        putInt(keyPart, 0, serializedKey.length);
        System.arraycopy(serializedKey, 0, keyPart, 4, serializedKey.length);
    }

    /** The handle of {@code spec}, checked against the declaration. */
    @SuppressWarnings("unchecked")
    <H> H handle(StateSpec spec, Class<?> kind) {
        Object h = handles.get(Objects.requireNonNull(spec, "spec").name());
        if (h == null || !kind.isInstance(h)) {
            throw new IllegalArgumentException(spec + " was not declared to operator '" + operator
                    + "'; declare it in the states argument of process(...), declared: " + handles.keySet());
        }
        return (H) h;
    }

    // ---- timers of the current key

    void registerTimer(TimeDomain domain, long time) {
        requireKey();
        timers.register(domainOf(domain), time, userPayload());
        store.put(indexKey(domain, time), PRESENT);
    }

    void deleteTimer(TimeDomain domain, long time) {
        requireKey();
        timers.delete(domainOf(domain), time, userPayload());
        store.put(indexKey(domain, time), null);
    }

    /** The current key's timers, event time first, each domain in time order. */
    List<Timer> listTimers() {
        requireKey();
        byte[] prefix = concat(new byte[] {TIMER_INDEX}, keyPart);
        List<Timer> list = new ArrayList<>();
        scan(prefix, (k, v) -> {
            TimeDomain d = k[prefix.length] == 0 ? TimeDomain.EVENT_TIME : TimeDomain.PROCESSING_TIME;
            list.add(new Timer(d, getLong(k, prefix.length + 1) ^ Long.MIN_VALUE));
        });
        return list;
    }

    void deleteAllTimers() {
        for (Timer t : listTimers()) {
            deleteTimer(t.domain(), t.time());
        }
    }

    /** A user timer fired: drop its index entry (the timer store already removed the timer). */
    void userTimerFired(TimeDomain domain, long time) {
        store.put(indexKey(domain, time), null);
    }

    /** A cleanup timer fired: deletes {@code storeKey} if it expired by {@code now}. */
    void cleanup(byte[] storeKey, long now) {
        byte[] raw = store.get(storeKey);
        if (raw != null && getLong(raw, 0) <= now) {
            store.put(storeKey, null);
        }
    }

    private byte[] userPayload() {
        return concat(new byte[] {USER_TIMER}, keyBytes);
    }

    private byte[] indexKey(TimeDomain domain, long time) {
        byte[] k = new byte[1 + keyPart.length + 9];
        k[0] = TIMER_INDEX;
        System.arraycopy(keyPart, 0, k, 1, keyPart.length);
        k[1 + keyPart.length] = (byte) domain.ordinal();
        putLong(k, 2 + keyPart.length, time ^ Long.MIN_VALUE);   // sign flipped: index in time order
        return k;
    }

    static Timers.Domain domainOf(TimeDomain domain) {
        return domain == TimeDomain.EVENT_TIME ? Timers.Domain.EVENT_TIME : Timers.Domain.PROCESSING_TIME;
    }

    private void requireKey() {
        if (keyPart == null) {
            throw new IllegalStateException("operator '" + operator + "': state and timers are per key and there is no "
                    + "current key here (init has none)");
        }
    }

    // ---- entries

    private byte[] entryKey(byte[] prefix, byte[] suffix) {
        requireKey();
        byte[] k = new byte[prefix.length + keyPart.length + suffix.length];
        System.arraycopy(prefix, 0, k, 0, prefix.length);
        System.arraycopy(keyPart, 0, k, prefix.length, keyPart.length);
        System.arraycopy(suffix, 0, k, prefix.length + keyPart.length, suffix.length);
        return k;
    }

    /** The live payload of {@code raw} (expiry stripped), or null if absent or expired. */
    private byte[] live(byte[] raw, long now) {
        if (raw == null || getLong(raw, 0) <= now) {
            return null;
        }
        return Arrays.copyOfRange(raw, EXPIRY_BYTES, raw.length);
    }

    private void write(byte[] key, byte[] payload, long ttlMs) {
        long now = clock.getAsLong();
        long expiry = ttlMs >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ttlMs;
        byte[] raw = new byte[EXPIRY_BYTES + payload.length];
        putLong(raw, 0, expiry);
        System.arraycopy(payload, 0, raw, EXPIRY_BYTES, payload.length);
        store.put(key, raw);
        if (expiry != Long.MAX_VALUE) {
            long granule = Math.max(1, Math.min(60_000, ttlMs / 16));
            long at = Math.floorDiv(expiry + granule - 1, granule) * granule;
            timers.register(Timers.Domain.PROCESSING_TIME, at, concat(new byte[] {CLEANUP_TIMER}, key));
        }
    }

    private interface EntryVisitor {
        void visit(byte[] key, byte[] value);
    }

    /** Visits the entries whose key starts with {@code prefix}, in key order. */
    private void scan(byte[] prefix, EntryVisitor visitor) {
        try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(prefix, after(prefix))) {
            while (it.hasNext()) {
                Map.Entry<byte[], byte[]> e = it.next();
                if (!startsWith(e.getKey(), prefix)) {
                    break;
                }
                visitor.visit(e.getKey(), e.getValue());
            }
        }
    }

    private void deleteAll(byte[] prefix) {
        List<byte[]> keys = new ArrayList<>();
        scan(prefix, (k, v) -> keys.add(k));
        keys.forEach(k -> store.put(k, null));
    }

    // ---- handles

    private final class Value<T> implements ValueState<T> {
        private final ValueStateSpec<T> spec;
        private final byte[] prefix;

        Value(ValueStateSpec<T> spec, byte[] prefix) {
            this.spec = spec;
            this.prefix = prefix;
        }

        @Override
        public T get() {
            byte[] v = live(store.get(entryKey(prefix, new byte[0])), clock.getAsLong());
            return v == null ? null : spec.serde().deserialize(store.name(), v);
        }

        @Override
        public boolean exists() {
            return live(store.get(entryKey(prefix, new byte[0])), clock.getAsLong()) != null;
        }

        @Override
        public void update(T value) {
            Objects.requireNonNull(value, "value (use clear() to remove the state)");
            write(entryKey(prefix, new byte[0]), spec.serde().serialize(store.name(), value), ttlOf(spec));
        }

        @Override
        public void clear() {
            store.put(entryKey(prefix, new byte[0]), null);
        }
    }

    private final class ListImpl<T> implements ListState<T> {
        private final ListStateSpec<T> spec;
        private final byte[] prefix;

        ListImpl(ListStateSpec<T> spec, byte[] prefix) {
            this.spec = spec;
            this.prefix = prefix;
        }

        @Override
        public List<T> get() {
            long now = clock.getAsLong();
            byte[] header = entryKey(prefix, new byte[0]);
            List<T> list = new ArrayList<>();
            scan(header, (k, raw) -> {
                if (k.length == header.length + 8) {   // an element, not the header
                    byte[] v = live(raw, now);
                    if (v != null) {
                        list.add(spec.serde().deserialize(store.name(), v));
                    }
                }
            });
            return list;
        }

        @Override
        public boolean exists() {
            return !get().isEmpty();
        }

        @Override
        public void append(T value) {
            appendAll(List.of(Objects.requireNonNull(value, "value")));
        }

        @Override
        public void appendAll(List<? extends T> values) {
            byte[] header = entryKey(prefix, new byte[0]);
            byte[] h = store.get(header);   // even if expired: numbering continues until cleanup removes it
            long next = h == null ? 0 : getLong(h, EXPIRY_BYTES);
            for (T value : values) {
                Objects.requireNonNull(value, "a list element");
                byte[] seq = new byte[8];
                putLong(seq, 0, next++);
                write(entryKey(prefix, seq), spec.serde().serialize(store.name(), value), ttlOf(spec));
            }
            byte[] nextBytes = new byte[8];
            putLong(nextBytes, 0, next);
            // the header expires with the newest element, so a list whose elements all expired leaves nothing
            write(header, nextBytes, ttlOf(spec));
        }

        @Override
        public void update(List<? extends T> values) {
            values.forEach(v -> Objects.requireNonNull(v, "a list element"));
            clear();
            appendAll(values);
        }

        @Override
        public void clear() {
            deleteAll(entryKey(prefix, new byte[0]));
        }
    }

    private final class MapImpl<MK, MV> implements MapState<MK, MV> {
        private final MapStateSpec<MK, MV> spec;
        private final byte[] prefix;

        MapImpl(MapStateSpec<MK, MV> spec, byte[] prefix) {
            this.spec = spec;
            this.prefix = prefix;
        }

        private byte[] key(MK mapKey) {
            return entryKey(prefix, spec.keySerde().serialize(store.name(), Objects.requireNonNull(mapKey, "key")));
        }

        @Override
        public MV get(MK mapKey) {
            byte[] v = live(store.get(key(mapKey)), clock.getAsLong());
            return v == null ? null : spec.valueSerde().deserialize(store.name(), v);
        }

        @Override
        public boolean containsKey(MK mapKey) {
            return live(store.get(key(mapKey)), clock.getAsLong()) != null;
        }

        @Override
        public void put(MK mapKey, MV value) {
            Objects.requireNonNull(value, "value");
            write(key(mapKey), spec.valueSerde().serialize(store.name(), value), ttlOf(spec));
        }

        @Override
        public void remove(MK mapKey) {
            store.put(key(mapKey), null);
        }

        @Override
        public List<Map.Entry<MK, MV>> entries() {
            long now = clock.getAsLong();
            byte[] base = entryKey(prefix, new byte[0]);
            List<Map.Entry<MK, MV>> list = new ArrayList<>();
            scan(base, (k, raw) -> {
                byte[] v = live(raw, now);
                if (v != null && k.length > base.length) {
                    MK mk = spec.keySerde().deserialize(store.name(), Arrays.copyOfRange(k, base.length, k.length));
                    list.add(new AbstractMap.SimpleImmutableEntry<>(mk, spec.valueSerde().deserialize(store.name(), v)));
                }
            });
            return list;
        }

        @Override
        public boolean exists() {
            return !entries().isEmpty();
        }

        @Override
        public void clear() {
            deleteAll(entryKey(prefix, new byte[0]));
        }
    }

    private static long ttlOf(StateSpec spec) {
        return spec.ttl() == null ? Long.MAX_VALUE : spec.ttl().toMillis();
    }

    // ---- bytes

    private static byte[] prefix(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 255) {
            throw new IllegalArgumentException("state name too long in UTF-8: " + name);
        }
        byte[] p = new byte[1 + utf8.length];
        p[0] = (byte) utf8.length;
        System.arraycopy(utf8, 0, p, 1, utf8.length);
        return p;
    }

    /** The smallest key greater than every key starting with {@code prefix}; null if none. */
    private static byte[] after(byte[] prefix) {
        byte[] next = prefix.clone();
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xFF) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
