package io.netloop.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the backend a {@link ConformanceSuite} subclass runs on. An annotation rather than an
 * overridden method so that the display-name generator, which only sees the class, can put the id
 * into every test's name.
 *
 * <pre>{@code
 * @BackendUnderTest("epoll-et")
 * class EpollEtConformanceTest extends ConformanceSuite {}
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BackendUnderTest {
    /** The backend id, as given to {@code EventLoopGroup.builder().backend(id)}. */
    String value();
}
