package io.eddy.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.serde.Serde;
import io.eddy.serde.registry.FakeRegistry;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;

/**
 * Round trips of generated Avro schemas and values through the generic serde and an in-process
 * registry. Schemas are records whose fields mix primitives, nullable unions, enums, arrays,
 * maps and nested records, up to three levels deep.
 */
class AvroRoundTripPropertyTest {

    private static FakeRegistry server;
    private static SchemaRegistryClient client;

    @BeforeContainer
    static void start() {
        server = FakeRegistry.start().globalCompatibility("NONE");
        client = SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());
    }

    @AfterContainer
    static void stop() {
        client.close();
        server.close();
    }

    /** A schema shape; names are assigned when it is turned into a schema. */
    sealed interface Shape permits Prim, Nullable, EnumShape, ArrayShape, MapShape, RecordShape { }

    record Prim(Schema.Type type) implements Shape { }

    record Nullable(Shape inner) implements Shape { }

    record EnumShape(int symbols) implements Shape { }

    record ArrayShape(Shape items) implements Shape { }

    record MapShape(Shape values) implements Shape { }

    record RecordShape(List<Shape> fields) implements Shape { }

    static Arbitrary<Shape> shape(int depth) {
        Arbitrary<Shape> prim = Arbitraries.of(Schema.Type.BOOLEAN, Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT,
                Schema.Type.DOUBLE, Schema.Type.BYTES, Schema.Type.STRING).map(Prim::new);
        Arbitrary<Shape> enums = Arbitraries.integers().between(1, 4).map(EnumShape::new);
        if (depth == 0) {
            return Arbitraries.oneOf(prim, enums, prim.map(Nullable::new));
        }
        Arbitrary<Shape> inner = shape(depth - 1);
        Arbitrary<Shape> record = inner.list().ofMinSize(1).ofMaxSize(3).map(RecordShape::new);
        return Arbitraries.frequencyOf(
                Tuple.of(4, prim),
                Tuple.of(2, Arbitraries.oneOf(prim, record).map(Nullable::new)),
                Tuple.of(1, enums),
                Tuple.of(1, inner.map(ArrayShape::new)),
                Tuple.of(1, inner.map(MapShape::new)),
                Tuple.of(1, record));
    }

    static Schema toSchema(Shape shape, AtomicInteger names) {
        if (shape instanceof Prim p) {
            return Schema.create(p.type());
        }
        if (shape instanceof Nullable n) {
            return Schema.createUnion(Schema.create(Schema.Type.NULL), toSchema(n.inner(), names));
        }
        if (shape instanceof EnumShape e) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < e.symbols(); i++) {
                symbols.add("S" + i);
            }
            return Schema.createEnum("E" + names.incrementAndGet(), null, "gen", symbols);
        }
        if (shape instanceof ArrayShape a) {
            return Schema.createArray(toSchema(a.items(), names));
        }
        if (shape instanceof MapShape m) {
            return Schema.createMap(toSchema(m.values(), names));
        }
        RecordShape r = (RecordShape) shape;
        String name = "R" + names.incrementAndGet();
        List<Schema.Field> fields = new ArrayList<>();
        for (int i = 0; i < r.fields().size(); i++) {
            fields.add(new Schema.Field("f" + i, toSchema(r.fields().get(i), names)));
        }
        return Schema.createRecord(name, null, "gen", false, fields);
    }

    static Arbitrary<Object> valueOf(Schema schema) {
        return switch (schema.getType()) {
            case BOOLEAN -> Arbitraries.of(true, false).map(b -> b);
            case INT -> Arbitraries.integers().map(i -> i);
            case LONG -> Arbitraries.longs().map(l -> l);
            case FLOAT -> Arbitraries.floats().map(f -> f);
            case DOUBLE -> Arbitraries.doubles().map(d -> d);
            case BYTES -> Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(ByteBuffer::wrap);
            case STRING -> Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMaxLength(8).map(s -> s);
            case ENUM -> Arbitraries.of(schema.getEnumSymbols()).map(s -> new GenericData.EnumSymbol(schema, s));
            case ARRAY -> valueOf(schema.getElementType()).list().ofMaxSize(3).map(l -> l);
            case MAP -> Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(4), valueOf(schema.getValueType()))
                    .ofMaxSize(3).map(m -> m);
            case UNION -> valueOf(schema.getTypes().get(1)).injectNull(0.3);
            case RECORD -> {
                List<Arbitrary<Object>> fields = new ArrayList<>();
                schema.getFields().forEach(f -> fields.add(valueOf(f.schema())));
                yield Combinators.combine(fields).as(values -> {
                    GenericRecord record = new GenericData.Record(schema);
                    for (int i = 0; i < values.size(); i++) {
                        record.put(i, values.get(i));
                    }
                    return record;
                });
            }
            default -> throw new IllegalArgumentException("not generated: " + schema.getType());
        };
    }

    @Provide
    Arbitrary<Tuple2<Schema, GenericRecord>> recordsWithValues() {
        return shape(2).list().ofMinSize(1).ofMaxSize(6)
                .map(fields -> toSchema(new RecordShape(fields), new AtomicInteger()))
                .flatMap(schema -> valueOf(schema).map(v -> Tuple.of(schema, (GenericRecord) v)));
    }

    /** Plain Java data for comparison: strings as String, maps sorted, bytes as hex, records as maps. */
    static Object plain(Object o) {
        if (o == null || o instanceof Number || o instanceof Boolean) {
            return o;
        }
        if (o instanceof CharSequence cs) {
            return cs.toString();
        }
        if (o instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            return "0x" + HexFormat.of().formatHex(bytes);
        }
        if (o instanceof GenericEnumSymbol<?> e) {
            return "enum:" + e;
        }
        if (o instanceof GenericRecord r) {
            Map<String, Object> m = new LinkedHashMap<>();
            r.getSchema().getFields().forEach(f -> m.put(f.name(), plain(r.get(f.pos()))));
            return m;
        }
        if (o instanceof Map<?, ?> map) {
            Map<String, Object> m = new TreeMap<>();
            map.forEach((k, v) -> m.put(k.toString(), plain(v)));
            return m;
        }
        if (o instanceof List<?> list) {
            return list.stream().map(AvroRoundTripPropertyTest::plain).toList();
        }
        throw new IllegalArgumentException("unexpected " + o.getClass());
    }

    static void kinds(Schema schema, java.util.Set<Schema.Type> out, boolean top) {
        if (!top || schema.getType() != Schema.Type.RECORD) {
            out.add(schema.getType());
        }
        switch (schema.getType()) {
            case RECORD -> schema.getFields().forEach(f -> kinds(f.schema(), out, false));
            case ARRAY -> kinds(schema.getElementType(), out, false);
            case MAP -> kinds(schema.getValueType(), out, false);
            case UNION -> schema.getTypes().forEach(t -> kinds(t, out, false));
            default -> { }
        }
    }

    @Property(tries = 200)
    void genericRecordsRoundTrip(@ForAll("recordsWithValues") Tuple2<Schema, GenericRecord> sample) {
        Schema schema = sample.get1();
        GenericRecord value = sample.get2();
        java.util.Set<Schema.Type> kinds = java.util.EnumSet.noneOf(Schema.Type.class);
        kinds(schema, kinds, true);
        for (Schema.Type t : List.of(Schema.Type.UNION, Schema.Type.ENUM, Schema.Type.ARRAY, Schema.Type.MAP, Schema.Type.RECORD)) {
            net.jqwik.api.statistics.Statistics.label(t.getName()).collect(kinds.contains(t));
        }
        Object expected = plain(value);
        Serde<GenericRecord> serde = AvroSerdes.generic(client);

        byte[] bytes = serde.serialize("gen", value);

        assertThat(bytes[0]).isZero();
        GenericRecord back = serde.deserialize("gen", bytes);
        assertThat(back.getSchema()).isEqualTo(schema);
        assertThat(plain(back)).isEqualTo(expected);
        // Writing what was read gives the same bytes, modulo map order: compare by re-reading.
        assertThat(plain(serde.deserialize("gen", serde.serialize("gen", back)))).isEqualTo(expected);
    }
}
