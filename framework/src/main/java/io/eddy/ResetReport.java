package io.eddy;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@link EddyApp#reset(ResetOptions)} did: the offset each input partition now starts from,
 * the internal topics it deleted and the local state directory it wiped.
 *
 * <p>An immutable value; {@code toString} lists everything. Later versions may add accessors. The
 * runtime creates instances with {@link #of}; so can a test of code that consumes reports.
 */
public final class ResetReport {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final String applicationId;
    private final Map<TopicPartition, Long> inputOffsets;
    private final List<String> deletedTopics;
    private final Path wipedStateDirectory;

    private ResetReport(String applicationId, Map<TopicPartition, Long> inputOffsets, List<String> deletedTopics,
                        Path wipedStateDirectory) {
        this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
        Map<TopicPartition, Long> sorted = new TreeMap<>(ORDER);
        sorted.putAll(inputOffsets);
        this.inputOffsets = Collections.unmodifiableMap(sorted);
        this.deletedTopics = deletedTopics.stream().sorted().toList();
        this.wipedStateDirectory = wipedStateDirectory;
    }

    /**
     * A report.
     *
     * @param applicationId the application reset; not null
     * @param inputOffsets the committed offset now held for each input partition; copied; not null
     * @param deletedTopics the internal topics deleted; copied; not null
     * @param wipedStateDirectory the local state directory emptied, or null if there was none
     */
    public static ResetReport of(String applicationId, Map<TopicPartition, Long> inputOffsets,
                                 List<String> deletedTopics, Path wipedStateDirectory) {
        return new ResetReport(applicationId, inputOffsets, deletedTopics, wipedStateDirectory);
    }

    /** The application (consumer group) that was reset. */
    public String applicationId() {
        return applicationId;
    }

    /** The offset the next run starts from, per input partition, sorted by topic and partition; unmodifiable. */
    public Map<TopicPartition, Long> inputOffsets() {
        return inputOffsets;
    }

    /** The internal topics (changelogs, repartition topics, the store registry) deleted, sorted; unmodifiable. */
    public List<String> deletedTopics() {
        return deletedTopics;
    }

    /** The local state directory ({@code <stateDir>/<application id>}) whose stores were deleted, if there was one. */
    public Optional<Path> wipedStateDirectory() {
        return Optional.ofNullable(wipedStateDirectory);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResetReport r && applicationId.equals(r.applicationId)
                && inputOffsets.equals(r.inputOffsets) && deletedTopics.equals(r.deletedTopics)
                && Objects.equals(wipedStateDirectory, r.wipedStateDirectory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(applicationId, inputOffsets, deletedTopics, wipedStateDirectory);
    }

    @Override
    public String toString() {
        return "ResetReport[" + applicationId + ": input offsets " + inputOffsets + ", deleted topics " + deletedTopics
                + ", wiped state directory " + (wipedStateDirectory == null ? "none" : wipedStateDirectory) + "]";
    }
}
