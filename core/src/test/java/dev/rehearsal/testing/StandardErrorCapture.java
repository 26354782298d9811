package dev.rehearsal.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is written to {@code System.err} — where slf4j-simple, the tests' SLF4J binding, logs — until
 * closed, while still passing it through. slf4j-simple looks {@code System.err} up on every message unless
 * {@code org.slf4j.simpleLogger.cacheOutputStream} is set, so replacing the stream is enough.
 *
 * <pre>{@code
 * try (StandardErrorCapture log = StandardErrorCapture.start()) {
 *     rehearsal.run();
 *     assertThat(log.text()).contains("Branch");
 * }
 * }</pre>
 */
public final class StandardErrorCapture implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private StandardErrorCapture() {
        this.original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static StandardErrorCapture start() {
        return new StandardErrorCapture();
    }

    /** Everything written so far. */
    public String text() {
        System.err.flush();
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
