package io.netloop.benchmarks.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the load generator's one-line JSON: a flat object of numbers and strings. */
final class Json {
    private Json() {
    }

    static Map<String, String> flat(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = line.trim();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object: " + line);
        }
        s = s.substring(1, s.length() - 1);
        int i = 0;
        while (i < s.length()) {
            int k1 = s.indexOf('"', i);
            if (k1 < 0) {
                break;
            }
            int k2 = s.indexOf('"', k1 + 1);
            String key = s.substring(k1 + 1, k2);
            int colon = s.indexOf(':', k2);
            int v = colon + 1;
            while (v < s.length() && s.charAt(v) == ' ') {
                v++;
            }
            String value;
            int next;
            if (s.charAt(v) == '"') {
                int end = s.indexOf('"', v + 1);
                value = s.substring(v + 1, end);
                next = end + 1;
            } else {
                int end = s.indexOf(',', v);
                end = end < 0 ? s.length() : end;
                value = s.substring(v, end).trim();
                next = end;
            }
            out.put(key, value);
            i = s.indexOf(',', next);
            if (i < 0) {
                break;
            }
            i++;
        }
        return out;
    }

    static double num(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isEmpty() || v.equals("null")) {
            return Double.NaN;
        }
        return Double.parseDouble(v);
    }
}
