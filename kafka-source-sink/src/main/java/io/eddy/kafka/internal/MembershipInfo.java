package io.eddy.kafka.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What Eddy's members tell the {@link TaskAssignor} (subscription user data) and what it tells them
 * back (assignment user data), with their byte formats.
 *
 * <h2>Subscription user data, version 1</h2>
 * <pre>
 *   byte    version (1)
 *   string  process id      (the instance's persistent id: every worker of one process sends the same)
 *   string  endpoint        ("host:port" given with applicationServer, or "" for none)
 *   string  transactional id (the member's producer's, or "" without exactly-once)
 *   int     n               then n times:
 *     int   task            a task whose stores this process holds on local disk
 *     long  offset          the sum of the changelog offsets those stores hold, or -1 if unknown
 * </pre>
 * <h2>Assignment user data, version 1</h2>
 * <pre>
 *   byte    version (1)
 *   int     task count
 *   int     e               then e times (the active owner of every assigned task, by endpoint):
 *     string endpoint
 *     int    k              then k times: int task
 *   int     s               then s times: int task (the standby tasks of the receiving member)
 *   int     l               then l times: string (the transactional ids of every member of the group)
 * </pre>
 * A string is a 2-byte big-endian length and that many UTF-8 bytes. A reader refuses a version it
 * does not know with a clear message, and a member whose subscription carries no user data (an
 * older or foreign member) is treated as a process of its own with no endpoint and no state.
 */
public final class MembershipInfo {
    /** The version this code writes. */
    public static final byte VERSION = 1;

    private MembershipInfo() {
    }

    /**
     * A member's subscription: which process it belongs to, where it answers queries, and which
     * tasks' state its process holds with how far (sum of changelog offsets; -1 if unknown).
     */
    public record Subscription(String processId, String endpoint, String transactionalId, Map<Integer, Long> heldTasks) {
        public Subscription {
            heldTasks = Collections.unmodifiableMap(new TreeMap<>(heldTasks));
        }

        /** Encodes this subscription (version {@value MembershipInfo#VERSION}). */
        public ByteBuffer encode() {
            byte[] p = processId.getBytes(StandardCharsets.UTF_8);
            byte[] e = endpoint.getBytes(StandardCharsets.UTF_8);
            byte[] x = transactionalId.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(1 + 2 + p.length + 2 + e.length + 2 + x.length + 4 + heldTasks.size() * 12);
            b.put(VERSION);
            putString(b, p);
            putString(b, e);
            putString(b, x);
            b.putInt(heldTasks.size());
            heldTasks.forEach((t, o) -> b.putInt(t).putLong(o));
            return b.flip();
        }

        /**
         * Decodes a subscription; null or empty data (a member that sent none) gives a process of its
         * own, named {@code memberId}, with no endpoint and no state.
         */
        public static Subscription decode(ByteBuffer data, String memberId) {
            if (data == null || !data.hasRemaining()) {
                return new Subscription(memberId, "", "", Map.of());
            }
            ByteBuffer b = data.duplicate();
            checkVersion(b.get(), "subscription");
            String process = getString(b);
            String endpoint = getString(b);
            String transactionalId = getString(b);
            int n = b.getInt();
            Map<Integer, Long> held = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                held.put(b.getInt(), b.getLong());
            }
            return new Subscription(process, endpoint, transactionalId, held);
        }
    }

    /**
     * What one member is told: the task count, the endpoint of every active task's owner (for
     * locating keys), and its own standby tasks.
     */
    public record Assignment(int taskCount, Map<Integer, String> activeEndpoints, Set<Integer> standbyTasks,
                             Set<String> liveTransactionalIds) {
        /** No information: what a member assumes before its first assignment. */
        public static final Assignment NONE = new Assignment(0, Map.of(), Set.of(), Set.of());

        public Assignment {
            activeEndpoints = Collections.unmodifiableMap(new TreeMap<>(activeEndpoints));
            standbyTasks = Collections.unmodifiableSet(new TreeSet<>(standbyTasks));
            liveTransactionalIds = Collections.unmodifiableSet(new TreeSet<>(liveTransactionalIds));
        }

        /** Encodes this assignment (version {@value MembershipInfo#VERSION}). */
        public ByteBuffer encode() {
            Map<String, Set<Integer>> byEndpoint = new TreeMap<>();
            activeEndpoints.forEach((t, e) -> byEndpoint.computeIfAbsent(e, k -> new TreeSet<>()).add(t));
            int size = 1 + 4 + 4 + 4 + standbyTasks.size() * 4 + 4;
            for (String id : liveTransactionalIds) {
                size += 2 + id.getBytes(StandardCharsets.UTF_8).length;
            }
            for (Map.Entry<String, Set<Integer>> e : byEndpoint.entrySet()) {
                size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().size() * 4;
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            b.put(VERSION);
            b.putInt(taskCount);
            b.putInt(byEndpoint.size());
            byEndpoint.forEach((e, tasks) -> {
                putString(b, e.getBytes(StandardCharsets.UTF_8));
                b.putInt(tasks.size());
                tasks.forEach(b::putInt);
            });
            b.putInt(standbyTasks.size());
            standbyTasks.forEach(b::putInt);
            b.putInt(liveTransactionalIds.size());
            liveTransactionalIds.forEach(id -> putString(b, id.getBytes(StandardCharsets.UTF_8)));
            return b.flip();
        }

        /** Decodes an assignment; null or empty data gives {@link #NONE}. */
        public static Assignment decode(ByteBuffer data) {
            if (data == null || !data.hasRemaining()) {
                return NONE;
            }
            ByteBuffer b = data.duplicate();
            checkVersion(b.get(), "assignment");
            int taskCount = b.getInt();
            Map<Integer, String> endpoints = new TreeMap<>();
            int e = b.getInt();
            for (int i = 0; i < e; i++) {
                String endpoint = getString(b);
                int k = b.getInt();
                for (int j = 0; j < k; j++) {
                    endpoints.put(b.getInt(), endpoint);
                }
            }
            Set<Integer> standbys = new TreeSet<>();
            int s = b.getInt();
            for (int i = 0; i < s; i++) {
                standbys.add(b.getInt());
            }
            Set<String> live = new TreeSet<>();
            int l = b.getInt();
            for (int i = 0; i < l; i++) {
                live.add(getString(b));
            }
            return new Assignment(taskCount, endpoints, standbys, live);
        }
    }

    private static void checkVersion(byte version, String what) {
        if (version != VERSION) {
            throw new IllegalArgumentException("Eddy " + what + " user data has version " + version + "; this member "
                    + "reads version " + VERSION + " only: are instances of different Eddy versions in one group?");
        }
    }

    private static void putString(ByteBuffer b, byte[] utf8) {
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + utf8.length + " bytes is too long for the user data");
        }
        b.putShort((short) utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer b) {
        byte[] bytes = new byte[b.getShort()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
