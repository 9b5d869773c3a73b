package io.eddy.serde.avro.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds Java {@code record}s from generic Avro records, through their canonical constructors.
 *
 * <p>Avro's reflection creates objects with a no-argument constructor and then sets their
 * fields, which a Java record allows neither. So a reflect serde for a record class writes
 * through reflection as usual (reading a record's fields is allowed) but reads a
 * {@link GenericRecord} with the class's reflect schema as reader schema (so schema resolution
 * still applies) and then calls the canonical constructor, converting each component:
 * strings from {@code Utf8}, enums from their symbols, {@code byte[]} from {@code ByteBuffer},
 * collections, arrays and string-keyed maps element by element, nested records recursively.
 *
 * <p>{@link #check} walks a record class's component types when the serde is created and
 * refuses any type this conversion does not handle, naming the component, so a serde never
 * fails at its first record for that reason. Thread-safe; constructors are cached per class.
 */
final class JavaRecords {

    private static final Map<Class<?>, Constructor<?>> CONSTRUCTORS = new ConcurrentHashMap<>();

    private JavaRecords() {
    }

    /**
     * Checks that every component of a record class, recursively, has a type this conversion
     * handles.
     *
     * @throws IllegalArgumentException naming the first component that does not
     */
    static void check(Class<?> recordClass) {
        check(recordClass, recordClass.getSimpleName(), new LinkedHashSet<>());
    }

    private static void check(Type type, String path, Set<Type> seen) {
        if (type instanceof Class<?> c) {
            if (c.isRecord()) {
                if (!seen.add(c)) {
                    return;
                }
                constructor(c);
                for (RecordComponent rc : c.getRecordComponents()) {
                    check(rc.getGenericType(), path + "." + rc.getName(), seen);
                }
                return;
            }
            if (c.isArray()) {
                if (c != byte[].class) {
                    check(c.getComponentType(), path + "[]", seen);
                }
                return;
            }
            if (c.isPrimitive() || c.isEnum() || c == String.class || c == CharSequence.class || c == ByteBuffer.class
                    || Number.class.isAssignableFrom(c) && c.getName().startsWith("java.lang.")
                    || c == Boolean.class || c == Character.class) {
                return;
            }
            throw new IllegalArgumentException("component " + path + " has type " + c.getName()
                    + ", which a reflect serde for a Java record cannot build; use records, enums, primitives, strings, "
                    + "byte[], arrays, collections and string-keyed maps of these");
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw) && (raw.isAssignableFrom(ArrayList.class) || raw.isAssignableFrom(LinkedHashSet.class))) {
                check(p.getActualTypeArguments()[0], path + "[]", seen);
                return;
            }
            if (Map.class.isAssignableFrom(raw) && raw.isAssignableFrom(LinkedHashMap.class)
                    && p.getActualTypeArguments()[0] == String.class) {
                check(p.getActualTypeArguments()[1], path + "{}", seen);
                return;
            }
        }
        if (type instanceof GenericArrayType g) {
            check(g.getGenericComponentType(), path + "[]", seen);
            return;
        }
        throw new IllegalArgumentException("component " + path + " has type " + type.getTypeName()
                + ", which a reflect serde for a Java record cannot build; use records, enums, primitives, strings, "
                + "byte[], arrays, List, Set and Map<String, …> of these");
    }

    /** Converts what a generic datum reader returned into a value of {@code type}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object toJava(Object avro, Type type) {
        if (avro == null) {
            return null;
        }
        if (type instanceof Class<?> c) {
            if (c.isRecord()) {
                return build(c, (GenericRecord) avro);
            }
            if (c == String.class || c == CharSequence.class) {
                return avro.toString();
            }
            if (c.isEnum()) {
                return Enum.valueOf((Class<Enum>) c, ((GenericEnumSymbol<?>) avro).toString());
            }
            if (c == byte[].class) {
                ByteBuffer b = ((ByteBuffer) avro).duplicate();
                byte[] out = new byte[b.remaining()];
                b.get(out);
                return out;
            }
            if (c.isArray()) {
                Collection<?> items = (Collection<?>) avro;
                Object array = Array.newInstance(c.getComponentType(), items.size());
                int i = 0;
                for (Object item : items) {
                    Array.set(array, i++, toJava(item, c.getComponentType()));
                }
                return array;
            }
            return number(avro, c);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Map.class.isAssignableFrom(raw)) {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) avro).forEach((k, v) -> out.put(k.toString(), toJava(v, p.getActualTypeArguments()[1])));
                return out;
            }
            Collection<Object> out = raw.isAssignableFrom(ArrayList.class) ? new ArrayList<>() : new LinkedHashSet<>();
            for (Object item : (Collection<?>) avro) {
                out.add(toJava(item, p.getActualTypeArguments()[0]));
            }
            return out;
        }
        if (type instanceof GenericArrayType g) {
            Class<?> element = (Class<?>) (g.getGenericComponentType() instanceof ParameterizedType pt ? pt.getRawType()
                    : g.getGenericComponentType());
            List<?> items = new ArrayList<>((Collection<?>) avro);
            Object array = Array.newInstance(element, items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, toJava(items.get(i), g.getGenericComponentType()));
            }
            return array;
        }
        return avro;
    }

    /** Avro reflection writes short, byte and char as int: narrow them back. */
    private static Object number(Object avro, Class<?> c) {
        if (avro instanceof Integer i) {
            if (c == short.class || c == Short.class) {
                return i.shortValue();
            }
            if (c == byte.class || c == Byte.class) {
                return i.byteValue();
            }
            if (c == char.class || c == Character.class) {
                return (char) i.intValue();
            }
        }
        return avro;
    }

    private static Object build(Class<?> c, GenericRecord avro) {
        RecordComponent[] components = c.getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            Object value = avro.getSchema().getField(rc.getName()) == null ? null : avro.get(rc.getName());
            args[i] = toJava(value, rc.getGenericType());
            if (args[i] == null && rc.getType().isPrimitive()) {
                throw new IllegalArgumentException("record component " + c.getSimpleName() + "." + rc.getName()
                        + " is a " + rc.getType() + " but the data holds no value for it");
            }
        }
        try {
            return constructor(c).newInstance(args);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("the canonical constructor of " + c.getName() + " threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the canonical constructor of " + c.getName()
                    + " (make it public, or open its package to io.eddy.serdes): " + e, e);
        }
    }

    private static Constructor<?> constructor(Class<?> c) {
        return CONSTRUCTORS.computeIfAbsent(c, k -> {
            Class<?>[] types = java.util.Arrays.stream(k.getRecordComponents()).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            try {
                Constructor<?> ctor = k.getDeclaredConstructor(types);
                ctor.trySetAccessible();   // a record not public, or in a package not exported, needs it
                return ctor;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + k.getName() + " has no canonical constructor", e);
            }
        });
    }
}
