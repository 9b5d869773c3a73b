package io.eddy;

/**
 * The offsets of one input partition a batch consumed: from {@code first} to {@code last},
 * inclusive. The next batch of that partition starts after {@code last}.
 *
 * @param first offset of the batch's first record of the partition
 * @param last offset of the batch's last record of the partition
 */
public record OffsetRange(long first, long last) {
}
