package io.netloop.samples.chat.client;

/**
 * Where the chat client shows what happens: a terminal, plain standard output, or a test's list.
 * Called on the client's event loop thread, one call at a time; implementations must not block for
 * long (printing to a terminal is fine).
 *
 * <pre>{@code
 * ChatView view = (kind, text) -> System.out.println(text);
 * ChatClient client = ChatClient.start(ClientOptions.defaults().withNick("alice"), view);
 * }</pre>
 */
@FunctionalInterface
public interface ChatView {

    /** What a shown line is, so that a terminal can style it. */
    enum Kind {
        /** Someone's message in a channel: {@code <bob> hi}, {@code * bob waves}. */
        MESSAGE,
        /** A private message or notice to you: {@code *bob* hi}. */
        PRIVATE,
        /** Your message, sent and not yet echoed back by the server: {@code … <alice> hi}. */
        PENDING,
        /** Your message, echoed back by the server (or sent, when the server cannot echo): {@code <alice> hi ✓}. */
        OWN,
        /** Joins, leaves, topics, names, help: {@code *** bob joined #lobby}. */
        INFO,
        /** Errors, disconnects and unconfirmed messages: {@code *** No such nick: carol}. */
        ERROR
    }

    /** Shows one line; {@code text} holds no control characters. */
    void show(Kind kind, String text);

    /** The prompt to show from now on, such as {@code "[#lobby] alice> "}. */
    default void promptChanged(String prompt) {
    }
}
