package io.netloop.samples.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code redis://} and {@code rediss://} URIs: what parses, what is refused and why. */
class RedisUriTest {

    @Test
    void parsesHostPortAndDatabase() {
        assertEquals(new RedisUri(false, "localhost", 6379, null, null, 0), RedisUri.parse("redis://localhost"));
        assertEquals(new RedisUri(false, "127.0.0.1", 6380, null, null, 0), RedisUri.parse("redis://127.0.0.1:6380"));
        assertEquals(new RedisUri(false, "127.0.0.1", 6380, null, null, 0), RedisUri.parse("redis://127.0.0.1:6380/"));
        assertEquals(new RedisUri(false, "redis.example.com", 6379, null, null, 15), RedisUri.parse("redis://redis.example.com:6379/15"));
        assertEquals(new RedisUri(true, "cache.internal", 6380, null, null, 1), RedisUri.parse("REDISS://cache.internal:6380/1"));
        assertEquals(new RedisUri(false, "::1", 7000, null, null, 0), RedisUri.parse("redis://[::1]:7000"));
        assertEquals(new RedisUri(false, "fe80::1%eth0", 6379, null, null, 0), RedisUri.parse("redis://[fe80::1%eth0]"));
    }

    @Test
    void parsesUserAndPassword() {
        assertEquals(new RedisUri(false, "h", 6379, null, "s3cret", 0), RedisUri.parse("redis://:s3cret@h"));
        assertEquals(new RedisUri(false, "h", 1234, "chat", "s3cret", 2), RedisUri.parse("redis://chat:s3cret@h:1234/2"));
        // Percent-encoded, and an unencoded '@' or ':' in the password: the last '@' ends the user info.
        assertEquals(new RedisUri(false, "h", 6379, "a@b", "p@ss:w/rd", 0), RedisUri.parse("redis://a%40b:p@ss:w/rd@h"));
        assertEquals(new RedisUri(false, "h", 6379, null, "p w", 0), RedisUri.parse("redis://:p%20w@h"));
    }

    @Test
    void toStringHidesThePassword() {
        RedisUri uri = RedisUri.parse("redis://chat:s3cret@10.0.0.5:6380/2");
        assertEquals("redis://chat:***@10.0.0.5:6380/2", uri.toString());
        assertEquals("rediss://:***@[::1]:6379", RedisUri.parse("rediss://:s3cret@[::1]").toString());
        assertEquals("redis://h:6379", RedisUri.parse("redis://h").toString());
        assertFalse(uri.toString().contains("s3cret"));
    }

    @Test
    void refusesBadUrisSayingWhy() {
        assertRefused("http://h:6379", "scheme 'http' is not redis or rediss");
        assertRefused("localhost:6379", "scheme 'localhost' is not redis or rediss");
        assertRefused("h", "no redis:// or rediss:// scheme");
        assertRefused("redis://", "the host is empty");
        assertRefused("redis://:6379", "the host is empty");
        assertRefused("redis://h:", "port '' is not a number");
        assertRefused("redis://h:abc", "port 'abc' is not a number");
        assertRefused("redis://h:0", "port 0 is not between 1 and 65535");
        assertRefused("redis://h:65536", "port 65536 is not between 1 and 65535");
        assertRefused("redis://h:99999999999", "is not a number below 10^9");
        assertRefused("redis://h/x", "database 'x' is not a number");
        assertRefused("redis://h/-1", "database '-1' is not a number");
        assertRefused("redis://h/1/2", "database '1/2' is not a number");
        assertRefused("redis://::1:6379", "more than one ':'; write an IPv6 address in brackets");
        assertRefused("redis://[::1", "has no closing ']'");
        assertRefused("redis://[::1]x", "unexpected 'x' after the IPv6 address");
        assertRefused("redis://[zz]:1", "'zz' is not an IPv6 address");
        assertRefused("redis://h st:1", "'h st' is not a host name");
        assertRefused("redis://h?timeout=5", "query parameters and fragments are not supported");
        assertRefused("redis://s3cret@h", "user info must be user:password or :password");
        assertRefused("redis://user:@h", "the password is empty");
        assertRefused("redis://:%zz@h", "the password has a '%' not followed by two hex digits");
    }

    @Test
    void refusalsNeverRepeatThePassword() {
        for (String bad : new String[] {"redis://u:s3cret@h:0", "redis://u:s3cret@h/x", "redis://u:s3cret@", "redis://u:s3cret@[::1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(bad));
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    private static void assertRefused(String uri, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(uri), uri);
        assertTrue(e.getMessage().startsWith("bad Redis URI: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> uri + ": '" + e.getMessage() + "' should contain '" + fragment + "'");
        assertTrue(e.getMessage().contains("redis://[[user]:password@]host[:port][/db]"), e.getMessage());
    }
}
