package io.eddy.testkit.driver.eventtime;

/**
 * One output record, from the driver or from the reference model, with the batch that
 * committed it and the task (partition number) whose key it carries.
 *
 * @param batch index of the {@code runBatch()} call that committed it
 * @param task the task that owns the record's key
 * @param topic output topic
 * @param key the key rendered as text (windowed keys as {@code key[start,end)} relative to
 *        {@link Scenario#T0}; sessions as {@code key[first,last]})
 * @param value the value rendered as text, or null
 * @param timestamp record timestamp (epoch ms)
 * @param optional reference only: the spec allows this record to be absent (see
 *        {@link EventTimeReference}); if present it must be exactly this
 */
record Emitted(int batch, int task, String topic, String key, String value, long timestamp, boolean optional) {

    /** Without batch, task and optional flag: what is compared inside one (batch, task, topic) group. */
    String content() {
        return key + "=" + value + "@" + (timestamp - Scenario.T0);
    }

    @Override
    public String toString() {
        return "b" + batch + "/t" + task + " " + topic + " " + content() + (optional ? " (optional)" : "");
    }
}
