package io.eddy.dsl;

/**
 * Chooses the output topic of each record for {@link RecordStream#toKafka(TopicChooser, Produced)}.
 * Called on the worker thread for every record; must be quick and must return an existing topic.
 */
@FunctionalInterface
public interface TopicChooser<K, V> {

    /** The topic {@code key}/{@code value} goes to; never null. */
    String topicFor(K key, V value);
}
