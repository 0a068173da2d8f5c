package io.netloop.samples.chat;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a chat test once per Linux backend, with the backend id in the test's name
 * ({@code "broadcastReachesEveryoneElse(String) [epoll-et]"}); the test method takes the id and
 * starts its server through {@link ChatFixture#start(String)}, which skips, with the reason, a
 * backend that cannot run here. Failure messages start with the backend ({@link BackendInFailures}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ParameterizedTest(name = "{displayName} [{0}]")
@ExtendWith(BackendInFailures.class)
@ValueSource(strings = {"epoll-lt", "epoll-et", "io_uring", "nio"})
@interface EachBackend {
}
