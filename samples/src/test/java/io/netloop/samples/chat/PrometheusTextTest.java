package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The text format's details that a scrape of a real server does not reach (label values with
 * quotes, backslashes and line feeds; seconds), and the test's strict parser refusing what the
 * format does not allow, so that its acceptance of a scrape means something.
 */
class PrometheusTextTest {

    @Test
    void labelValuesAndHelpAreEscapedAsTheFormatSays() {
        assertEquals("plain-loop-0", PrometheusText.escapeLabelValue("plain-loop-0"));
        assertEquals("a\\\"b\\\\c\\nd", PrometheusText.escapeLabelValue("a\"b\\c\nd"));
        assertEquals("a\"b\\\\c\\nd", PrometheusText.escapeHelp("a\"b\\c\nd"), "HELP leaves double quotes alone");

        String line = "m{loop=\"" + PrometheusText.escapeLabelValue("we\"ird\\loop\nname") + "\"} 1\n";
        PrometheusScrape s = PrometheusScrape.parse("# TYPE m gauge\n" + line);
        assertEquals(Map.of("loop", "we\"ird\\loop\nname"), s.family("m").samples().get(0).labels(), "the parser reads back what was escaped");
    }

    @Test
    void secondsAreExactAndNeverInExponentNotation() {
        assertEquals("0.000000000", seconds(0));
        assertEquals("0.000000001", seconds(1));
        assertEquals("0.000012345", seconds(12_345));
        assertEquals("12.345678901", seconds(12_345_678_901L));
        assertEquals("9223372036.854775807", seconds(Long.MAX_VALUE));
    }

    private static String seconds(long nanos) {
        StringBuilder b = new StringBuilder();
        PrometheusText.seconds(b, nanos);
        return b.toString();
    }

    @Test
    void theStrictParserAcceptsTheFormat() {
        PrometheusScrape s = PrometheusScrape.parse("""
                # HELP a_total Some help with \\\\ and \\n.
                # TYPE a_total counter
                a_total{x="1",y="2"} 3
                a_total{x="2",y="2",} 4.5e3 1700000000000
                # a comment
                b NaN
                """);
        assertEquals("counter", s.family("a_total").type());
        assertEquals("Some help with \\ and \n.", s.family("a_total").help());
        assertEquals(4503.0, s.sum("a_total"));
        assertEquals("untyped", s.family("b").type());
    }

    @Test
    void theStrictParserRefusesWhatTheFormatDoesNotAllow() {
        refused("the exposition must end with a line feed", "a 1");
        refused("an empty line", "a 1\n\nb 2\n");
        refused("TYPE after samples of a", "a 1\n# TYPE a gauge\n");
        refused("a second TYPE for a", "# TYPE a gauge\n# TYPE a gauge\na 1\n");
        refused("a second HELP for a", "# HELP a x\n# HELP a y\na 1\n");
        refused("not a metric type: gague", "# TYPE a gague\n");
        refused("samples of a are not one group", "a{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n");
        refused("a second sample of a with labels", "a{x=\"1\"} 1\na{x=\"1\"} 2\n");
        refused("not an escape of the format: \\t", "a{x=\"\\t\"} 1\n");
        refused("an unterminated label value", "a{x=\"1} 1\n");
        refused("a label value must be in double quotes", "a{x=1} 1\n");
        refused("not a label name: __x", "a{__x=\"1\"} 1\n");
        refused("not a metric name: 1a", "1a 1\n");
        refused("not a sample value: 1,5", "a 1,5\n");
        refused("a negative counter", "# TYPE a_total counter\na_total -1\n");
        refused("a value and at most a timestamp", "a 1 2 3\n");
    }

    private static void refused(String why, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrometheusScrape.parse(text),
                () -> "should be refused (" + why + "): " + text);
        assertTrue(e.getMessage().contains(why), () -> "expected \"" + why + "\" in: " + e.getMessage());
    }
}
