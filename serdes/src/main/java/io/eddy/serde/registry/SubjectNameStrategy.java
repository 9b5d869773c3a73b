package io.eddy.serde.registry;

/**
 * Chooses the registry subject a serde registers and looks up schemas under. The three
 * strategies of Confluent's serializers are provided as constants; implementations must be
 * stateless and thread-safe.
 *
 * <pre>{@code
 * AvroSerdeOptions.defaults().withSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME)
 * }</pre>
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    /** {@code <topic>-key} or {@code <topic>-value}; the default. */
    SubjectNameStrategy TOPIC_NAME = new SubjectNameStrategy() {
        @Override
        public String subject(String topic, boolean isKey, String recordName) {
            return topic + (isKey ? "-key" : "-value");
        }

        @Override
        public String toString() {
            return "TOPIC_NAME";
        }
    };

    /** The record's full name, whatever the topic; lets one topic carry several record types. */
    SubjectNameStrategy RECORD_NAME = new SubjectNameStrategy() {
        @Override
        public String subject(String topic, boolean isKey, String recordName) {
            return requireRecordName(recordName, "RECORD_NAME");
        }

        @Override
        public String toString() {
            return "RECORD_NAME";
        }
    };

    /** {@code <topic>-<record full name>}. */
    SubjectNameStrategy TOPIC_RECORD_NAME = new SubjectNameStrategy() {
        @Override
        public String subject(String topic, boolean isKey, String recordName) {
            return topic + "-" + requireRecordName(recordName, "TOPIC_RECORD_NAME");
        }

        @Override
        public String toString() {
            return "TOPIC_RECORD_NAME";
        }
    };

    /**
     * The subject for a record of {@code topic}.
     *
     * @param topic the topic; never null
     * @param isKey true for the record key, false for its value
     * @param recordName the full name of the schema's record type, or null if the schema is not
     *     a named type
     * @return the subject; never null
     * @throws IllegalArgumentException if the strategy needs a record name and there is none
     */
    String subject(String topic, boolean isKey, String recordName);

    private static String requireRecordName(String recordName, String strategy) {
        if (recordName == null) {
            throw new IllegalArgumentException("subject name strategy " + strategy
                    + " needs a named schema (record, enum or fixed), got an unnamed one");
        }
        return recordName;
    }
}
