package io.eddy.bench.jmh;

import org.apache.avro.reflect.Nullable;

/**
 * An order event as a plain Java class, for the reflect serde in {@link AvroSerdeBenchmark}. Its
 * fields match {@link AvroSerdeBenchmark#SCHEMA}, so the generic and reflect serdes encode the
 * same data.
 */
final class Order {
    long id;
    String customer;
    String region;
    double amount;
    int quantity;
    long createdAt;
    @Nullable
    String note;

    private Order() {
    }

    Order(long id, String customer, String region, double amount, int quantity, long createdAt, String note) {
        this.id = id;
        this.customer = customer;
        this.region = region;
        this.amount = amount;
        this.quantity = quantity;
        this.createdAt = createdAt;
        this.note = note;
    }
}
