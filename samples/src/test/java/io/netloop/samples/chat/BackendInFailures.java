package io.netloop.samples.chat;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Puts the backend into every failure message ({@code "[epoll-et] ..."}): surefire's console and
 * its XML name a parameterized invocation {@code method(String)[2]}, not by its display name, so
 * without this a failure would not say where it failed.
 */
final class BackendInFailures implements TestExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        String name = context.getDisplayName();   // "method(String) [epoll-et]", see @EachBackend
        int open = name.lastIndexOf('[');
        if (thrown instanceof TestAbortedException || open < 0 || !name.endsWith("]")) {
            throw thrown;
        }
        String backend = name.substring(open + 1, name.length() - 1);
        String message = thrown.getMessage() == null ? "" : thrown.getMessage();
        if (message.startsWith(backend) || message.startsWith("[" + backend + "]")) {
            throw thrown;
        }
        String prefixed = "[" + backend + "] " + message;
        Throwable replacement;
        if (thrown instanceof AssertionFailedError a && a.isExpectedDefined() && a.isActualDefined()) {
            replacement = new AssertionFailedError(prefixed, a.getExpected().getValue(), a.getActual().getValue(), a.getCause());
        } else if (thrown instanceof AssertionError) {
            replacement = new AssertionFailedError(prefixed, thrown.getCause());
        } else {
            thrown.addSuppressed(new Exception("on backend " + backend));
            throw thrown;
        }
        replacement.setStackTrace(thrown.getStackTrace());
        throw replacement;
    }
}
