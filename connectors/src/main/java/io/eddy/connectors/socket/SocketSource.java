package io.eddy.connectors.socket;

import io.eddy.InvalidConfigException;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.source.SourceBatch;
import io.eddy.source.SourceContext;
import io.eddy.source.SourceReader;
import io.eddy.source.StreamSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads UTF-8 text lines from a TCP server ({@code host:port}), one record per line (a null key,
 * the line as value, the commit time as timestamp), for demos: {@code nc -lk 9999} and type.
 *
 * <p><b>At most once.</b> A socket cannot be read again: lines received but not yet committed
 * when the process dies are lost, and nothing is re-read after a restart. The source is
 * therefore not {@linkplain StreamSource#replayable() replayable}, and {@code EddyApp.build()}
 * refuses it under {@link io.eddy.Guarantee#EXACTLY_ONCE} unless
 * {@link Builder#acceptAtMostOnce()} was called; under {@code AT_LEAST_ONCE} it needs no opt-in
 * (and still delivers at most once).
 *
 * <p>The owner connects when it takes the source over (a refused connection stops the
 * application with an error naming host and port); a background thread reads lines into a buffer
 * of {@link Builder#bufferLines(int)} lines (when it is full, reading pauses, and TCP pushes back
 * on the sender); each batch takes what the buffer holds, at most {@code maxRecordsPerBatch}.
 * When the server closes the connection or it fails, the thread reconnects every second until the
 * source is closed. Immutable and thread-safe.
 *
 * <pre>{@code
 * p.source("typed", SocketSource.builder("localhost", 9999).acceptAtMostOnce().build())
 *  .toKafka("lines", Produced.with(Serdes.string(), Serdes.string()));
 * }</pre>
 */
public final class SocketSource implements StreamSource<String, String> {
    private static final Logger log = LoggerFactory.getLogger(SocketSource.class);

    private final String host;
    private final int port;
    private final boolean atMostOnceAccepted;
    private final int bufferLines;
    private final Duration connectTimeout;

    private SocketSource(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.atMostOnceAccepted = b.atMostOnceAccepted;
        this.bufferLines = b.bufferLines;
        this.connectTimeout = b.connectTimeout;
    }

    /** A builder for the server at {@code host:port}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    @Override
    public Serde<String> keySerde() {
        return Serdes.string();
    }

    @Override
    public Serde<String> valueSerde() {
        return Serdes.string();
    }

    /** False: what was read and not committed is lost. */
    @Override
    public boolean replayable() {
        return false;
    }

    @Override
    public boolean atMostOnceAccepted() {
        return atMostOnceAccepted;
    }

    @Override
    public SourceReader<String, String> open(SourceContext context) throws IOException {
        Socket socket = connect();
        return new Reader(context, socket);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SocketSource[" + host + ":" + port + (atMostOnceAccepted ? ", at most once accepted" : "") + "]";
    }

    /** Reads lines on a daemon thread into a bounded buffer that batches drain. */
    private final class Reader implements SourceReader<String, String> {
        private final SourceContext context;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(bufferLines);
        private final Thread thread;
        private volatile boolean closed;
        private volatile Socket socket;

        Reader(SourceContext context, Socket socket) {
            this.context = context;
            this.socket = socket;
            this.thread = new Thread(this::receive, "eddy-socket-" + context.sourceName());
            thread.setDaemon(true);
            thread.start();
        }

        private void receive() {
            while (!closed) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while (!closed && (line = in.readLine()) != null) {
                        lines.put(line);
                    }
                    if (!closed) {
                        log.warn("{}: socket source '{}': {}:{} closed the connection; reconnecting",
                                context.applicationId(), context.sourceName(), host, port);
                    }
                } catch (IOException e) {
                    if (!closed) {
                        log.warn("{}: socket source '{}': reading {}:{} failed ({}); reconnecting",
                                context.applicationId(), context.sourceName(), host, port, e.toString());
                    }
                } catch (InterruptedException e) {
                    return;
                }
                while (!closed) {
                    try {
                        TimeUnit.SECONDS.sleep(1);   // backoff before reconnecting, not a wait for an outcome
                        socket = connect();
                        break;
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        log.debug("reconnecting failed", e);
                    }
                }
            }
        }

        @Override
        public void read(SourceBatch<String, String> batch) {
            String line;
            while (batch.emitted() < context.maxRecordsPerBatch() && (line = lines.poll()) != null) {
                batch.emit(null, line, -1);
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            thread.interrupt();
            socket.close();
        }
    }

    /** Sets the options of a {@link SocketSource}; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final String host;
        private final int port;
        private boolean atMostOnceAccepted;
        private int bufferLines = 100_000;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /**
         * Accepts that this source delivers at most once (see the class comment), which lets it run
         * under {@link io.eddy.Guarantee#EXACTLY_ONCE} (the rest of the pipeline keeps its exactly-once).
         */
        public Builder acceptAtMostOnce() {
            this.atMostOnceAccepted = true;
            return this;
        }

        /** How many received lines wait for a batch before reading pauses; default 100,000. */
        public Builder bufferLines(int lines) {
            this.bufferLines = lines;
            return this;
        }

        /** How long a connection attempt may take; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The source.
         *
         * @throws InvalidConfigException naming a blank host, a port outside 1..65535, a buffer
         *         below 1 or a timeout that is not positive
         */
        public SocketSource build() {
            if (host == null || host.isBlank()) {
                throw new InvalidConfigException("SocketSource.host", host, "required");
            }
            if (port < 1 || port > 65535) {
                throw new InvalidConfigException("SocketSource.port", port, "must be between 1 and 65535");
            }
            if (bufferLines < 1) {
                throw new InvalidConfigException("SocketSource.bufferLines", bufferLines, "must be at least 1");
            }
            if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()
                    || connectTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new InvalidConfigException("SocketSource.connectTimeout", connectTimeout, "must be positive");
            }
            return new SocketSource(this);
        }
    }
}
