package org.postcurate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A time bound that holds on a loaded machine: each hostile text is timed against a benign text of the same length,
 * scanned by the same function in the same test, rounds interleaved, the fastest round of each compared. Load slows
 * both alike; a pattern that backtracks does not: quadratic work on 20,000 characters costs thousands of times a
 * linear scan, exponential work never ends (a scan still running at ten times its bound fails, rather than hang).
 */
public final class LinearTime {
    /** Everyday text (words, a date, a time, a price, an at-word): what a linear scan costs per character. */
    public static final String BENIGN_UNIT = "Thanks everyone for coming to the lake on 12 May, back at 7pm! Tickets were 15 EUR, see you soon. ";

    /** How many rounds each text is timed; the fastest counts (the one the machine disturbed least). */
    private static final int ROUNDS = 5;
    /** Below this a text's time is noise (a timer tick, a pause): no ratio is read from it. */
    private static final long FLOOR_NANOS = 2_000_000L;

    private LinearTime() {
    }

    /** {@code unit} repeated to exactly {@code length} characters. */
    public static String repeated(String unit, int length) {
        return unit.repeat(length / unit.length() + 1).substring(0, length);
    }

    /**
     * Each of {@code hostile} costs {@code scan} at most {@code ratio} times what a benign text of the same length
     * costs it (and at most {@link #FLOOR_NANOS} counts as that floor, so a benign scan of a few microseconds does
     * not make any hostile one look slow). A hostile scan still running at ten times its bound fails at once: a
     * pattern that backtracks exponentially would never end.
     */
    public static void assertLinear(Consumer<String> scan, List<String> hostile, int ratio) {
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "linear-time");
            thread.setDaemon(true); // a runaway scan cannot be stopped; it must not keep the JVM alive
            return thread;
        });
        try {
            List<String> slow = new ArrayList<>();
            for (String text : hostile) {
                String benign = repeated(BENIGN_UNIT, text.length());
                long benignBest = Long.MAX_VALUE;
                for (int round = 0; round <= ROUNDS; round++) { // round 0 warms up
                    long took = timed(worker, scan, benign, Long.MAX_VALUE);
                    benignBest = round == 0 ? benignBest : Math.min(benignBest, took);
                }
                long allowed = ratio * Math.max(benignBest, FLOOR_NANOS);
                long hostileBest = Long.MAX_VALUE;
                for (int round = 0; round <= ROUNDS; round++) {
                    long took = timed(worker, scan, text, 10 * allowed);
                    if (took < 0) {
                        fail(String.format("still running after %.0f ms, ten times its bound (benign %.2f ms): %s",
                                10 * allowed / 1e6, benignBest / 1e6, printable(text)));
                    }
                    hostileBest = round == 0 ? hostileBest : Math.min(hostileBest, took);
                }
                if (hostileBest > allowed) {
                    slow.add(String.format("%.1f ms, benign %.2f ms (%.0fx): %s", hostileBest / 1e6, benignBest / 1e6,
                            (double) hostileBest / benignBest, printable(text)));
                }
            }
            assertTrue(slow.isEmpty(), "more than " + ratio + "x a benign text of the same length:\n" + String.join("\n", slow));
        } finally {
            worker.shutdownNow();
        }
    }

    /** Nanoseconds {@code scan} took on {@code text} in the worker, or -1 if it was still running after {@code limit}. */
    private static long timed(ExecutorService worker, Consumer<String> scan, String text, long limit) {
        Future<Long> run = worker.submit(() -> {
            long started = System.nanoTime();
            scan.accept(text);
            return System.nanoTime() - started;
        });
        try {
            return run.get(limit, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.substring(0, Math.min(40, s.length())).toCharArray()) {
            out.append(c >= ' ' && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
