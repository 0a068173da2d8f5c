package io.netloop.internal.loop;

import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.LoopMetrics;
import io.netloop.Timer;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.internal.jfr.Jfr;
import io.netloop.internal.jfr.LoopIterationEvent;
import io.netloop.spi.IoDriver;
import io.netloop.spi.WaitRecorder;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic event loop, written once for every backend: one thread, a task queue, timers,
 * wakeup and shutdown. The backend's {@link IoDriver} waits for and dispatches I/O.
 */
public final class EventLoopImpl implements EventLoop, DriverContext {
    private static final Logger log = LoggerFactory.getLogger(EventLoopImpl.class);

    private static final int AWAKE = 0, SLEEPING = 1;
    private static final int NOT_STARTED = 0, RUNNING = 1, SHUTTING_DOWN = 2, TERMINATED = 3;
    /** Tasks run per iteration before I/O is polled again, so a flood of tasks cannot starve I/O. */
    private static final int MAX_TASKS_PER_ITERATION = 4096;

    private final EventLoopGroup group;
    private final Backend backend;
    private final int readBufferSize;
    private final Supplier<EventLoopImpl> nextForAccept;
    private final Thread thread;
    private final LoopStats stats;
    private final TaskQueue tasks = new TaskQueue();
    private final TimerHeap timers = new TimerHeap();
    private final AtomicInteger wakeState = new AtomicInteger(AWAKE);
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile int state = NOT_STARTED;
    /** Loop thread only. */
    private long timerSequence;
    private long shutdownDeadlineNanos;
    private boolean connectionsClosing;
    private IoDriver driver;
    /**
     * The iteration event being timed, kept across turns until one is long enough to commit: turns
     * under the threshold (10 ms in netloop.jfc) begin it again rather than build one each.
     */
    private LoopIterationEvent iterationEvent;
    private volatile long leakedNativeBytes;
    /** The local address the loop's last opened connection had; see {@link #sharedLocalAddress}. Loop thread. */
    private SocketAddress lastLocalAddress;

    /**
     * @param nextForAccept the group's loops in turn, for handing accepted connections round robin
     */
    public EventLoopImpl(EventLoopGroup group, Backend backend, int readBufferSize,
                         Supplier<EventLoopImpl> nextForAccept, ThreadFactory threads) {
        this.group = group;
        this.backend = backend;
        this.readBufferSize = readBufferSize;
        this.nextForAccept = nextForAccept;
        this.thread = threads.newThread(this::run);
        this.stats = new LoopStats(thread.getName(), backend.id());
    }

    /** Starts the thread; the future completes once the driver exists, or fails with why it could not be created. */
    public CompletableFuture<Void> start() {
        state = RUNNING;
        thread.start();
        return started;
    }

    public Thread thread() {
        return thread;
    }

    @Override
    public EventLoopGroup group() {
        return group;
    }

    @Override
    public EventLoop loop() {
        return this;
    }

    @Override
    public IoDriver driver() {
        return driver;
    }

    @Override
    public WaitRecorder waits() {
        return stats;
    }

    @Override
    public LoopMetrics metrics() {
        return stats;
    }

    /** The loop's counters, for the connections and sockets it owns to add to. */
    public LoopStats stats() {
        return stats;
    }

    @Override
    public int readBufferSize() {
        return readBufferSize;
    }

    @Override
    public DriverContext nextForAccept() {
        return nextForAccept.get();
    }

    /**
     * {@code address}, or an equal one an earlier connection of this loop kept: connections accepted
     * by one listener have one local address, so they share one object rather than each keeping
     * its own (192 bytes with its {@code InetAddress}, measured per idle connection). Loop thread.
     */
    public SocketAddress sharedLocalAddress(SocketAddress address) {
        SocketAddress last = lastLocalAddress;
        if (address != null && address.equals(last)) {
            return last;
        }
        lastLocalAddress = address;
        return address;
    }

    @Override
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        enqueue(LoopTask.of(task));
    }

    /** Queues a reusable task node without allocating; see {@link LoopTask}. */
    public void execute(LoopTask task) {
        enqueue(task);
    }

    private void enqueue(LoopTask task) {
        if (state == TERMINATED) {
            throw new RejectedExecutionException("event loop " + thread.getName() + " has terminated");
        }
        tasks.offer(task);
        if (!inEventLoop() && wakeState.getAndSet(AWAKE) == SLEEPING) {
            stats.wakeup();
            driver.wakeup();
        }
    }

    @Override
    public Timer schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        long delayNanos = Math.max(0, saturatedNanos(Objects.requireNonNull(delay, "delay")));
        long deadline = System.nanoTime() + delayNanos;
        if (inEventLoop()) {
            TimerImpl t = new TimerImpl(this, task, deadline, timerSequence++);
            timers.add(t);
            return t;
        }
        // The sequence must be taken on the loop thread to keep FIFO order among equal deadlines,
        // so the timer is created there; the handle given back now forwards to it.
        ForeignTimer handle = new ForeignTimer();
        execute(() -> {
            if (handle.cancelledEarly) {
                return;
            }
            TimerImpl t = new TimerImpl(this, task, deadline, timerSequence++);
            handle.timer = t;
            timers.add(t);
            if (handle.cancelledEarly) {
                t.cancel();
            }
        });
        return handle;
    }

    /** Any thread: removes a cancelled timer from the heap (on the loop thread). */
    void removeTimer(TimerImpl t) {
        if (inEventLoop()) {
            timers.remove(t);
        } else if (state != TERMINATED) {
            try {
                execute(() -> timers.remove(t));
            } catch (RejectedExecutionException ignored) {
                // terminated meanwhile: the heap is gone with the loop
            }
        }
    }

    /** Begins graceful shutdown: connections close after their queued output; by the deadline they are aborted. */
    public void shutdown(long deadlineNanos) {
        execute(() -> {
            if (state == RUNNING) {
                state = SHUTTING_DOWN;
                shutdownDeadlineNanos = deadlineNanos;
            } else if (state == SHUTTING_DOWN && deadlineNanos - shutdownDeadlineNanos < 0) {
                shutdownDeadlineNanos = deadlineNanos;
            }
        });
    }

    public boolean isShuttingDown() {
        return state >= SHUTTING_DOWN;
    }

    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    /** Native bytes still lent out when the driver closed: 0 unless something leaked. */
    public long leakedNativeBytes() {
        return leakedNativeBytes;
    }

    private void run() {
        stats.started();
        try {
            driver = backend.newDriver(this);
        } catch (Throwable t) {
            state = TERMINATED;
            started.completeExceptionally(t);
            terminated.complete(null);
            return;
        }
        started.complete(null);
        try {
            runLoop();
        } finally {
            terminate();
        }
    }

    private void runLoop() {
        while (true) {
            if (state == SHUTTING_DOWN && shutdownStep()) {
                return;
            }
            if (Jfr.active() && LoopIterationEvent.enabled()) {
                recordedIteration();
                continue;
            }
            pollIo();
            stats.tasksRun(runExpiredTimers() + runTasks());
            driver.afterTasks();
            stats.iteration();
        }
    }

    /** Waits for I/O no longer than the next timer, not at all with tasks queued, and dispatches it. */
    private void pollIo() {
        long timeout = pollTimeoutNanos();
        if (timeout != 0) {
            wakeState.set(SLEEPING);
            if (!tasks.isEmpty()) {
                timeout = 0;
            }
        }
        try {
            driver.poll(timeout);
        } catch (Throwable t) {
            log.warn("{}: I/O poll failed", thread.getName(), t);
        }
        wakeState.set(AWAKE);
    }

    /** One iteration as {@link #runLoop} runs it, timed part by part into a {@code netloop.LoopIteration} event. */
    private void recordedIteration() {
        LoopIterationEvent e = iterationEvent;
        if (e == null) {
            iterationEvent = e = new LoopIterationEvent();
        }
        e.begin();
        stats.takeIterationWait();
        stats.takeIterationEvents();
        long began = System.nanoTime();
        pollIo();
        long polled = System.nanoTime();
        int ran = runExpiredTimers() + runTasks();
        long ranTasks = System.nanoTime();
        driver.afterTasks();
        long done = System.nanoTime();
        stats.tasksRun(ran);
        stats.iteration();
        e.end();
        long waited = stats.takeIterationWait();
        int events = stats.takeIterationEvents();
        if (!e.shouldCommit()) {
            return; // under the threshold: timed again next turn
        }
        iterationEvent = null; // a committed event is not used again
        e.loop = stats.loopName();
        e.backend = stats.backendId();
        e.waitTime = waited;
        e.ioEvents = events;
        e.tasks = ran;
        e.taskTime = ranTasks - polled;
        e.ioTime = Math.max(0, (polled - began) - waited) + (done - ranTasks);
        e.pendingWriteBytes = stats.pendingWriteBytes();
        e.commit();
    }

    /** Returns {@code true} when the loop may terminate. */
    private boolean shutdownStep() {
        if (!connectionsClosing) {
            connectionsClosing = true;
            driver.closeConnections(false);
        }
        if (driver.connectionCount() == 0 && tasks.isEmpty()) {
            return true;
        }
        if (System.nanoTime() - shutdownDeadlineNanos >= 0) {
            driver.closeConnections(true);
            runTasks();
            return true;
        }
        return false;
    }

    private long pollTimeoutNanos() {
        if (!tasks.isEmpty()) {
            return 0;
        }
        long now = System.nanoTime();
        long timeout = -1;
        TimerImpl next = timers.peek();
        if (next != null) {
            timeout = Math.max(0, next.deadlineNanos - now);
        }
        if (state == SHUTTING_DOWN) {
            long untilDeadline = Math.max(0, shutdownDeadlineNanos - now);
            timeout = timeout < 0 ? untilDeadline : Math.min(timeout, untilDeadline);
        }
        return timeout;
    }

    /** Returns how many timers ran. */
    private int runExpiredTimers() {
        if (timers.size() == 0) {
            return 0;
        }
        long now = System.nanoTime();
        int ran = 0;
        TimerImpl t;
        while ((t = timers.peek()) != null && t.deadlineNanos - now <= 0) {
            timers.poll();
            if (t.start()) {
                safeRun(t.task);
                ran++;
            }
        }
        return ran;
    }

    /** Returns how many tasks ran. */
    private int runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            LoopTask task = tasks.poll();
            if (task == null) {
                return i;
            }
            safeRun(task);
        }
        return MAX_TASKS_PER_ITERATION;
    }

    private void safeRun(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.warn("{}: task {} failed", thread.getName(), task, t);
        }
    }

    private void terminate() {
        try {
            if (driver != null) {
                driver.closeConnections(true);
                runTasks();
                leakedNativeBytes = driver.outstandingNativeBytes();
                driver.close();
            }
        } catch (Throwable t) {
            log.warn("{}: closing the I/O driver failed", thread.getName(), t);
        } finally {
            state = TERMINATED;
            stats.stopped();
            // Tasks that raced with termination still run, so nothing queued is silently lost.
            runTasks();
            timers.clear();
            if (leakedNativeBytes != 0) {
                log.warn("{}: {} native bytes were still lent out when the loop closed", thread.getName(), leakedNativeBytes);
            }
            terminated.complete(null);
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE / 2;
        }
    }

    @Override
    public String toString() {
        return thread.getName();
    }

    /** The handle for a timer scheduled from another thread, before the loop has created it. */
    private static final class ForeignTimer implements Timer {
        volatile TimerImpl timer;
        volatile boolean cancelledEarly;

        @Override
        public boolean cancel() {
            TimerImpl t = timer;
            if (t != null) {
                return t.cancel();
            }
            if (cancelledEarly) {
                return false;
            }
            cancelledEarly = true;
            t = timer;
            return t == null || t.cancel();
        }

        @Override
        public boolean isCancelled() {
            TimerImpl t = timer;
            return t != null ? t.isCancelled() : cancelledEarly;
        }

        @Override
        public boolean hasRun() {
            TimerImpl t = timer;
            return t != null && t.hasRun();
        }
    }
}
