package io.netloop.internal.readiness;

import io.netloop.ConnectionHandler;
import io.netloop.ConnectionResetException;
import io.netloop.SocketOptions;
import io.netloop.internal.loop.AcceptPause;
import io.netloop.internal.loop.EventLoopImpl;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections from one listening socket and hands each to a loop. When the process runs
 * out of descriptors the acceptor stops watching the socket instead of spinning on a listener that
 * stays ready, and resumes when a connection of its loop closes or after a short pause.
 */
final class Acceptor implements ReadyHandler, IoDriver.ListenHandle, ReadinessDriver.Resumable {
    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
    private static final int MAX_ACCEPTS_PER_EVENT = 64;

    private final ReadinessDriver driver;
    private final ListenSocket socket;
    private final SocketOptions options;
    private final boolean perLoop;
    private final Supplier<? extends ConnectionHandler> handlers;
    private final SocketAddress localAddress;
    private final AcceptPause pause;
    private boolean closed;

    Acceptor(ReadinessDriver driver, ListenSocket socket, SocketOptions options, boolean perLoop,
             Supplier<? extends ConnectionHandler> handlers) {
        this.driver = driver;
        this.socket = socket;
        this.options = options;
        this.perLoop = perLoop;
        this.handlers = handlers;
        this.localAddress = socket.localAddress();
        this.pause = new AcceptPause(driver.loop, localAddress, this::resumeAccepting);
    }

    @Override
    public void onReady(int readyOps) {
        acceptSome();
    }

    @Override
    public void resume() {
        if (!closed && !pause.isPaused()) {
            acceptSome();
        }
    }

    private void acceptSome() {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !closed; i++) {
            StreamSocket accepted;
            try {
                accepted = socket.accept(options);
            } catch (ConnectionResetException abortedBeforeAccept) {
                continue; // the peer gave up while queued: not our failure
            } catch (IOException e) {
                pause(e);
                return;
            }
            if (accepted == null) {
                return;
            }
            handOff(accepted);
        }
        if (driver.edgeTriggered && !closed) {
            driver.again(this);
        }
    }

    private void handOff(StreamSocket accepted) {
        DriverContext target = perLoop ? driver.context : driver.context.nextForAccept();
        if (target == driver.context) {
            adoptSafely(driver, accepted, false);
            return;
        }
        ReadinessDriver targetDriver = (ReadinessDriver) target.driver();
        try {
            ((EventLoopImpl) target.loop()).execute(() -> adoptSafely(targetDriver, accepted, true));
        } catch (RejectedExecutionException shuttingDown) {
            accepted.close();
        }
    }

    private void adoptSafely(ReadinessDriver owner, StreamSocket accepted, boolean acceptedElsewhere) {
        try {
            owner.adopt(accepted, acceptedElsewhere, handlers, options);
        } catch (RuntimeException | Error e) {
            log.warn("the handler factory of listener {} failed; connection dropped", localAddress, e);
        }
    }

    private void pause(IOException e) {
        pause.pause(e);
        try {
            driver.poller.setInterest(socket, 0);
        } catch (IOException ignored) {
            // the pause's timer resumes either way
        }
    }

    /** A connection of this loop closed and freed a descriptor. */
    void descriptorFreed() {
        pause.descriptorFreed();
    }

    private void resumeAccepting() {
        if (closed) {
            return;
        }
        try {
            driver.poller.setInterest(socket, ReadinessPoller.READ);
        } catch (IOException e) {
            pause(e);
            return;
        }
        driver.again(this);
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
        driver.poller.deregister(socket);
        socket.close();
        driver.removed(this);
    }
}
