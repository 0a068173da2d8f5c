package io.netloop.internal.completion;

import io.netloop.ConnectionHandler;
import io.netloop.ConnectionResetException;
import io.netloop.SocketOptions;
import io.netloop.internal.loop.AcceptPause;
import io.netloop.internal.loop.EventLoopImpl;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps accepts posted on one listening socket ({@link SocketOptions#postedAccepts()} of them, or
 * one multishot accept) and hands each accepted socket to a loop. When accepting fails it stops
 * posting for an {@link AcceptPause}.
 * Closing frees the port at once, cancels the posted accepts, and closes the socket once they are back.
 */
final class CompletionAcceptor implements IoDriver.ListenHandle, Operation.Owner {
    private static final Logger log = LoggerFactory.getLogger(CompletionAcceptor.class);

    private final CompletionDriver driver;
    private final CompletionPort port;
    private final long socket;
    private final SocketOptions options;
    private final boolean perLoop;
    private final Supplier<? extends ConnectionHandler> handlers;
    private final SocketAddress localAddress;
    /** Accepts the kernel holds. */
    private final List<Operation> posted = new ArrayList<>();
    private boolean multishot;
    private boolean closed;
    private boolean socketClosing;
    /** {@link CompletionPort#stopListening} closed the socket: closing ends when the accepts are back. */
    private boolean socketClosed;
    private final AcceptPause pause;

    CompletionAcceptor(CompletionDriver driver, long socket, SocketOptions options, boolean perLoop,
                       Supplier<? extends ConnectionHandler> handlers) {
        this.driver = driver;
        this.port = driver.port;
        this.socket = socket;
        this.options = options;
        this.perLoop = perLoop;
        this.handlers = handlers;
        this.localAddress = port.localAddress(socket);
        this.pause = new AcceptPause(driver.loop, localAddress, this::postAccepts);
    }

    void start() {
        postAccepts();
    }

    private void postAccepts() {
        while (!closed && !pause.isPaused() && posted.size() < (multishot ? 1 : options.postedAccepts())) {
            Operation op = driver.take(Operation.ACCEPT, this);
            try {
                multishot = port.accept(op, socket);
            } catch (IOException e) {
                driver.give(op);
                pause.pause(e);
                return;
            }
            posted.add(op);
            driver.posted(op);
        }
    }

    @Override
    public void completed(Operation op, long result, boolean more) {
        if (!more) {
            posted.remove(op);
        }
        if (op.kind == Operation.CLOSE) {
            driver.removed(this);
            return;
        }
        if (result >= 0) {
            long accepted;
            try {
                accepted = port.accepted(op, result, socket, options);
            } catch (IOException e) {
                log.debug("dropping a connection whose socket could not be set up", e);
                accepted = -1;
            }
            if (accepted >= 0) {
                if (closed) {
                    port.closeNow(accepted);
                } else {
                    handOff(accepted);
                }
            }
        } else {
            port.acceptFailed(op);
        }
        if (result < 0 && !closed) {
            int error = (int) -result;
            IOException e = port.exception("accept", error);
            if (!(e instanceof ConnectionResetException)) { // a peer that gave up while queued is not our failure
                pause.pause(e);
            }
        }
        if (closed) {
            closeWhenIdle();
        } else if (!more) {
            postAccepts();
        }
    }

    private void handOff(long accepted) {
        DriverContext target = perLoop ? driver.context : driver.context.nextForAccept();
        if (target == driver.context) {
            adoptSafely(driver, accepted);
            return;
        }
        CompletionDriver targetDriver = (CompletionDriver) target.driver();
        try {
            ((EventLoopImpl) target.loop()).execute(() -> adoptSafely(targetDriver, accepted));
        } catch (RejectedExecutionException shuttingDown) {
            port.closeNow(accepted);
        }
    }

    private void adoptSafely(CompletionDriver owner, long accepted) {
        try {
            owner.adopt(accepted, handlers, options);
        } catch (RuntimeException | Error e) {
            log.warn("the handler factory of listener {} failed; connection dropped", localAddress, e);
        }
    }

    /** A connection of this loop closed and freed a descriptor. */
    void descriptorFreed() {
        pause.descriptorFreed();
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pause.cancel();
        socketClosed = port.stopListening(socket);
        if (!socketClosed) {
            // A closed socket aborted its accepts already, and its handle value may be another's now.
            for (Operation op : posted) {
                driver.cancel(op);
            }
        }
        closeWhenIdle();
    }

    private void closeWhenIdle() {
        if (!posted.isEmpty() || socketClosing) {
            return;
        }
        socketClosing = true;
        if (socketClosed) {
            driver.removed(this);
            return;
        }
        Operation op = driver.take(Operation.CLOSE, this);
        port.close(op, socket);
        posted.add(op);
        driver.posted(op);
    }
}
