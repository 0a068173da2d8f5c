package io.netloop.conformance;

import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording made during one test and read back from its file, as a user's would be. A
 * recording is JVM-wide: it holds the events of every group alive meanwhile, so a test keeps only
 * those of its own loops ({@link #onLoops}, {@link #onThreadsOf}). The recording is closed after the
 * test whatever happens, so that none is left running into the suite's allocation tests.
 */
final class JfrCapture implements AutoCloseable {
    private final Recording recording;

    private JfrCapture(Recording recording) {
        this.recording = recording;
    }

    /** Starts a recording of {@code events}, each without a threshold, closed after {@code test}. */
    static JfrCapture start(ConformanceContext test, String... events) {
        Recording r = new Recording();
        for (String e : events) {
            r.enable(e).withoutThreshold();
        }
        return start(test, r);
    }

    /** Starts a recording with the settings of {@code configuration}, closed after {@code test}. */
    static JfrCapture start(ConformanceContext test, Configuration configuration) {
        return start(test, new Recording(configuration));
    }

    private static JfrCapture start(ConformanceContext test, Recording r) {
        JfrCapture capture = test.closeAfterTest(new JfrCapture(r));
        r.setName("netloop conformance " + test.backendId());
        r.start();
        return capture;
    }

    /**
     * Stops the recording, writes it to a file and returns every event the file holds, by start
     * time: a file keeps them in the order their threads' buffers were written out, not the order
     * they happened in, even for one thread.
     */
    List<RecordedEvent> stop() {
        recording.stop();
        try {
            Path file = Files.createTempFile("netloop-conformance-", ".jfr");
            try {
                recording.dump(file);
                List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(file));
                events.sort(Comparator.comparing(RecordedEvent::getStartTime)); // stable: equal times keep the file's order
                return events;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("dumping the JFR recording", e);
        } finally {
            recording.close();
        }
    }

    @Override
    public void close() {
        recording.close();
    }

    /** The names of {@code group}'s loops, as events carry them ({@code EventLoop.toString()}, the thread's name). */
    static Set<String> loopNames(EventLoopGroup group) {
        return group.loops().stream().map(EventLoop::toString).collect(Collectors.toSet());
    }

    /** The events named {@code name} whose {@code loop} field names one of {@code group}'s loops. */
    static List<RecordedEvent> onLoops(List<RecordedEvent> events, String name, EventLoopGroup group) {
        Set<String> loops = loopNames(group);
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(name) && loops.contains(e.getString("loop")))
                .toList();
    }

    /** The events named {@code name} committed on one of {@code group}'s loop threads (for events without a loop field). */
    static List<RecordedEvent> onThreadsOf(List<RecordedEvent> events, String name, EventLoopGroup group) {
        Set<String> loops = loopNames(group);
        return events.stream().filter(e -> {
            RecordedThread t = e.getThread();
            return e.getEventType().getName().equals(name) && t != null && loops.contains(t.getJavaName());
        }).toList();
    }

    /** How an event states a close or failure cause: empty for none, else the class and message. */
    static String causeText(Throwable t) {
        if (t == null) {
            return "";
        }
        return t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage();
    }
}
