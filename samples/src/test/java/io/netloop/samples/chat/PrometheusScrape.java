package io.netloop.samples.chat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4, for the tests of {@code /metrics}:
 * every line must be a {@code # HELP}, a {@code # TYPE}, another comment, or a sample
 * {@code name{label="value",...} value [timestamp]}; escapes must be the format's; a family's
 * HELP and TYPE come at most once each and before its samples; a family's samples are one group;
 * a sample of a counter or gauge has its family's name; no two samples of a family have the same
 * labels; a counter is not negative. Anything else throws, naming the line.
 *
 * <pre>{@code
 * PrometheusScrape s = PrometheusScrape.parse(body);
 * double open = s.sum("netloop_connections_open");
 * }</pre>
 */
final class PrometheusScrape {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(Map<String, String> labels, double value) {
    }

    static final class Family {
        final String name;
        String type = "untyped";
        String help;
        boolean typed;
        final List<Sample> samples = new ArrayList<>();
        private final Set<Map<String, String>> labelSets = new HashSet<>();

        Family(String name) {
            this.name = name;
        }

        String type() {
            return type;
        }

        String help() {
            return help;
        }

        List<Sample> samples() {
            return samples;
        }
    }

    final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusScrape() {
    }

    /** The family named {@code name}, or an assertion-style failure naming what there is. */
    Family family(String name) {
        Family f = families.get(name);
        if (f == null) {
            throw new AssertionError("no family " + name + " in the scrape; it has " + families.keySet());
        }
        return f;
    }

    /** The sum of a family's sample values. */
    double sum(String name) {
        return family(name).samples.stream().mapToDouble(Sample::value).sum();
    }

    /** The value of the family's one sample without labels (the chat's gauges). */
    double single(String name) {
        List<Sample> s = family(name).samples;
        if (s.size() != 1 || !s.get(0).labels().isEmpty()) {
            throw new AssertionError(name + " should be one sample without labels: " + s);
        }
        return s.get(0).value();
    }

    static PrometheusScrape parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        PrometheusScrape scrape = new PrometheusScrape();
        Set<String> closed = new HashSet<>(); // families whose group of samples has ended
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            try {
                current = scrape.line(line, current, closed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " \"" + line + "\": " + e.getMessage(), e);
            }
        }
        return scrape;
    }

    /** Parses one line; returns the family whose group of samples it belongs to, or continues. */
    private String line(String line, String current, Set<String> closed) {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("an empty line");
        }
        if (line.startsWith("#")) {
            String[] f = line.split(" ", 4);
            if (f.length >= 3 && f[0].equals("#") && (f[1].equals("HELP") || f[1].equals("TYPE"))) {
                String name = f[2];
                require(METRIC_NAME.matcher(name).matches(), "not a metric name: " + name);
                Family family = families.computeIfAbsent(name, Family::new);
                require(family.samples.isEmpty(), f[1] + " after samples of " + name);
                if (f[1].equals("HELP")) {
                    require(family.help == null, "a second HELP for " + name);
                    family.help = unescape(f.length == 4 ? f[3] : "", false);
                } else {
                    require(!family.typed, "a second TYPE for " + name);
                    require(f.length == 4 && TYPES.contains(f[3]), "not a metric type: " + (f.length == 4 ? f[3] : "(none)"));
                    family.type = f[3];
                    family.typed = true;
                }
                if (current != null && !current.equals(name)) {
                    closed.add(current);
                }
                return name;
            }
            return current; // other comments are allowed and ignored
        }
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        require(space > 0, "a sample needs a value after its name");
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        String rest;
        if (brace > 0 && brace < space) {
            name = line.substring(0, brace);
            int end = labels(line, brace + 1, labels);
            require(end < line.length() && line.charAt(end) == ' ', "a space after the labels");
            rest = line.substring(end + 1);
        } else {
            name = line.substring(0, space);
            rest = line.substring(space + 1);
        }
        require(METRIC_NAME.matcher(name).matches(), "not a metric name: " + name);
        String[] values = rest.split(" ", -1);
        require(values.length == 1 || values.length == 2, "a value and at most a timestamp after the name");
        double value = value(values[0]);
        if (values.length == 2) {
            require(values[1].matches("-?[0-9]+"), "the timestamp is not an integer: " + values[1]);
        }
        Family family = families.get(name);
        if (family == null) {
            family = new Family(name);
            families.put(name, family);
        }
        require(!closed.contains(name), "samples of " + name + " are not one group");
        if (current != null && !current.equals(name)) {
            closed.add(current);
        }
        require(!family.type.equals("histogram") && !family.type.equals("summary"),
                "this parser knows counters, gauges and untyped samples only");
        require(family.labelSets.add(Map.copyOf(labels)), "a second sample of " + name + " with labels " + labels);
        if (family.type.equals("counter")) {
            require(value >= 0, "a negative counter");
        }
        family.samples.add(new Sample(Map.copyOf(labels), value));
        return name;
    }

    /** Parses {@code name="value",...}} from {@code from}; returns the index after the closing brace. */
    private static int labels(String line, int from, Map<String, String> labels) {
        int i = from;
        while (true) {
            require(i < line.length(), "the labels do not end");
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            require(eq > i, "a label without =");
            String label = line.substring(i, eq);
            require(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"), "not a label name: " + label);
            require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', "a label value must be in double quotes");
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (true) {
                require(j < line.length(), "an unterminated label value");
                char c = line.charAt(j);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    require(j + 1 < line.length(), "an escape at the end of the line");
                    char n = line.charAt(++j);
                    value.append(switch (n) {
                        case '\\' -> '\\';
                        case '"' -> '"';
                        case 'n' -> '\n';
                        default -> throw new IllegalArgumentException("not an escape of the format: \\" + n);
                    });
                } else {
                    value.append(c);
                }
                j++;
            }
            require(labels.put(label, value.toString()) == null, "the label " + label + " twice");
            i = j + 1;
            require(i < line.length(), "the labels do not end");
            if (line.charAt(i) == ',') {
                i++;
            } else {
                require(line.charAt(i) == '}', "a comma or } after a label");
            }
        }
    }

    private static double value(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                require(FLOAT.matcher(s).matches(), "not a sample value: " + s);
                yield Double.parseDouble(s);
            }
        };
    }

    private static String unescape(String s, boolean quotes) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            require(i + 1 < s.length(), "an escape at the end of the line");
            char n = s.charAt(++i);
            if (n == '\\') {
                b.append('\\');
            } else if (n == 'n') {
                b.append('\n');
            } else if (n == '"' && quotes) {
                b.append('"');
            } else {
                throw new IllegalArgumentException("not an escape of the format: \\" + n);
            }
        }
        return b.toString();
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }
}
