package io.eddy.internal.runtime;

import io.eddy.TopicCheckException;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.kafka.ClientRole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;

/**
 * Remembers, in the compacted topic {@code <application id>-eddy-stores}, which stores an
 * application's pipeline had, so that starting a changed pipeline cannot silently lose or
 * misread state. At start, the plan's stores are compared with the recorded ones:
 * <ul>
 *   <li>a store whose kind or shape changed under the same name is refused (its changelog holds
 *       data of the old shape);</li>
 *   <li>a store with a derived name ({@code count-1}) that disappeared while another derived name
 *       appeared is refused: an unnamed stateful operator was added or removed before it and the
 *       numbering moved, so state would silently go to the wrong operator;</li>
 *   <li>otherwise the plan's stores are recorded and the start goes on.</li>
 * </ul>
 */
final class StoreRegistry {
    private static final Pattern DERIVED = Pattern.compile("(count|reduce|aggregate|toTable)-\\d+");

    private StoreRegistry() {
    }

    static String topic(String applicationId) {
        return applicationId + "-eddy-stores";
    }

    /**
     * Checks {@code plan}'s stores against those recorded and records them.
     *
     * <p>Several instances of a new application may start at once, each finding the registry empty
     * and recording its stores. The registry's order settles it: for each store the first
     * descriptor in the topic counts ({@link #read}). After writing, an instance reads the registry
     * again; if another instance recorded a different descriptor for one of its stores first, it
     * writes that descriptor back (so that compaction, which keeps the last record of a key, keeps
     * the first one) and refuses to start like any changed pipeline. Instances recording the same
     * stores at once all start.
     *
     * @throws IllegalStateException naming the store and why, if the pipeline's state no longer matches
     * @throws TopicCheckException if the registry cannot be read or written within the start timeout
     */
    static void checkAndRecord(Plan plan, AppOptions options) {
        String topic = topic(plan.applicationId());
        Map<String, String> current = new TreeMap<>();
        plan.stores().forEach(s -> current.put(s.name(), s.descriptor()));
        try {
            Map<String, String> recorded = AccessErrors.during(options, AclOperation.READ, () -> read(topic, options));
            check(plan, current, recorded);
            Map<String, String> changes = new TreeMap<>();
            current.forEach((name, descriptor) -> {
                if (!descriptor.equals(recorded.get(name))) {
                    changes.put(name, descriptor);
                }
            });
            if (changes.isEmpty()) {
                return;
            }
            AccessErrors.during(options, AclOperation.WRITE, () -> write(topic, options, changes));
            Map<String, String> settled = read(topic, options);
            Map<String, String> repairs = new TreeMap<>();
            changes.keySet().forEach(name -> {
                String first = settled.get(name);
                if (first != null && !first.equals(current.get(name))) {
                    repairs.put(name, first);
                }
            });
            if (!repairs.isEmpty()) {
                AccessErrors.during(options, AclOperation.WRITE, () -> write(topic, options, repairs));
                check(plan, current, settled);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TopicCheckException(TopicCheckException.Problem.NO_ANSWER, List.of(topic), "could not read or "
                    + "write the store registry '" + topic + "' within " + options.startTimeout() + ": "
                    + e.getMessage(), e);
        } catch (KafkaException e) {
            throw new TopicCheckException(TopicCheckException.Problem.REQUEST_FAILED, List.of(topic), "could not read "
                    + "or write the store registry '" + topic + "': " + e, e);
        }
    }

    private static void check(Plan plan, Map<String, String> current, Map<String, String> recorded) {
        List<String> problems = new ArrayList<>();
        current.forEach((name, descriptor) -> {
            String before = recorded.get(name);
            if (before != null && !before.equals(descriptor)) {
                problems.add("store '" + name + "' was a " + before + " and is now a " + descriptor);
            }
        });
        List<String> goneDerived = recorded.keySet().stream()
                .filter(n -> !current.containsKey(n) && DERIVED.matcher(n).matches()).toList();
        List<String> newDerived = current.keySet().stream()
                .filter(n -> !recorded.containsKey(n) && DERIVED.matcher(n).matches()).toList();
        if (!recorded.isEmpty() && !goneDerived.isEmpty() && !newDerived.isEmpty()) {
            problems.add("stores " + goneDerived + " of the previous pipeline are gone and " + newDerived
                    + " are new: an unnamed stateful operator was added or removed, so derived store names moved");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the pipeline of '" + plan.applicationId() + "' no longer matches its "
                    + "state: " + String.join("; ", problems) + ". Give stateful operators stable names with "
                    + "Named.as(...), or reset the application (EddyApp.reset: it deletes its internal topics and "
                    + "local state directory and resets its input offsets) to start from scratch");
        }
    }

    /**
     * The recorded stores: for each name, the first descriptor in the topic since its last
     * tombstone. A store's descriptor never legitimately changes (a change is refused), so a later,
     * different one can only come from an instance that lost a race to record it first.
     */
    private static Map<String, String> read(String topic, AppOptions options) {
        Duration timeout = options.startTimeout();
        Map<String, String> stores = new HashMap<>();
        try (Consumer<byte[], byte[]> consumer = KafkaClients.consumer(options, ClientRole.STORE_REGISTRY_CONSUMER,
                ClientConfigs.storeRegistryConsumer(options))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("read " + topic + " up to offset " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String name = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        stores.remove(name);
                    } else {
                        stores.putIfAbsent(name, new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return stores;
    }

    private static void write(String topic, AppOptions options, Map<String, String> stores) {
        try (Producer<byte[], byte[]> producer = KafkaClients.producer(options, ClientRole.STORE_REGISTRY_PRODUCER,
                ClientConfigs.storeRegistryProducer(options))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            stores.forEach((name, descriptor) -> sent.add(producer.send(new ProducerRecord<>(topic, 0,
                    name.getBytes(StandardCharsets.UTF_8), descriptor.getBytes(StandardCharsets.UTF_8)))));
            producer.flush();
            // flush() does not report failed sends; a record that did not reach the registry must fail the start
            for (java.util.concurrent.Future<?> f : sent) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof KafkaException k ? k
                            : new KafkaException("writing the store registry failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while writing the store registry", e);
                }
            }
        }
    }
}
