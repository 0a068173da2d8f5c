package io.netloop.conformance;

import io.netloop.ConnectionHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** A listener's handler factory that keeps every handler it made, so the test can inspect the server side. */
public final class ServerHandlers<H extends ConnectionHandler> implements Supplier<H> {
    private final Supplier<H> factory;
    private final List<H> made = new CopyOnWriteArrayList<>();

    public ServerHandlers(Supplier<H> factory) {
        this.factory = factory;
    }

    @Override
    public H get() {
        H h = factory.get();
        made.add(h);
        return h;
    }

    /** Waits until the listener has accepted {@code n} connections and returns the {@code n}-th handler. */
    public H await(int n) {
        Await.until(() -> made.size() >= n, () -> n + " accepted connection(s), have " + made.size());
        return made.get(n - 1);
    }

    public H awaitFirst() {
        return await(1);
    }

    public List<H> all() {
        return List.copyOf(made);
    }
}
