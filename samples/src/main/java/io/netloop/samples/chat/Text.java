package io.netloop.samples.chat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation and formatting of what users type: nicknames, UTF-8, control characters, IRC formatting. */
final class Text {
    static final int MAX_NICK = 30;
    private static final Pattern NICK = Pattern.compile("[A-Za-z\\[\\]\\\\`_^{|}][A-Za-z0-9\\[\\]\\\\`_^{|}-]{0,29}");
    private static final Pattern CHANNEL = Pattern.compile("#[^\\s,:\\x00-\\x1f\\x7f]{1,49}");
    private static final Pattern IRC_FORMATTING = Pattern.compile("\\x03(\\d{1,2}(,\\d{1,2})?)?|[\\x02\\x0f\\x16\\x1d\\x1f]");

    private Text() {
    }

    static boolean isValidNick(String nick) {
        return NICK.matcher(nick).matches();
    }

    static boolean isValidChannel(String name) {
        return CHANNEL.matcher(name).matches();
    }

    /** The case-folded key nicknames and channels are compared by (ASCII case mapping). */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Strict UTF-8 decoding; {@code null} when the bytes are not valid UTF-8. */
    static String decodeUtf8(CharsetDecoder decoder, byte[] bytes, int off, int len) {
        try {
            return decoder.reset().decode(ByteBuffer.wrap(bytes, off, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Whether {@code len} bytes at {@code off} are strict UTF-8 (what {@link #strictDecoder()}
     * accepts: no overlong forms, surrogates or code points past U+10FFFF) holding no C0 control
     * but tab and no DEL: a plain-mode line that may be passed on as it is. {@code false} says
     * only that the line needs the careful path, which tells the user what is wrong.
     */
    static boolean isPlainSafeUtf8(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return false;
                }
                i++;
                continue;
            }
            int more;
            int lo = 0x80;
            int hi = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                more = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                more = 2;
                if (c == 0xe0) {
                    lo = 0xa0; // no overlong form
                } else if (c == 0xed) {
                    hi = 0x9f; // no surrogate
                }
            } else if (c >= 0xf0 && c <= 0xf4) {
                more = 3;
                if (c == 0xf0) {
                    lo = 0x90;
                } else if (c == 0xf4) {
                    hi = 0x8f; // nothing past U+10FFFF
                }
            } else {
                return false;
            }
            if (i + more >= end) {
                return false; // cut short
            }
            int second = b[i + 1] & 0xff;
            if (second < lo || second > hi) {
                return false;
            }
            for (int k = 2; k <= more; k++) {
                int next = b[i + k] & 0xff;
                if (next < 0x80 || next > 0xbf) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }

    /**
     * Whether {@code s} holds a control character that must not reach other users' terminals: C0
     * controls and DEL, except tab, and in IRC mode the formatting codes and CTCP's 0x01.
     */
    static boolean hasForbiddenControl(String s, boolean ircFormattingAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t') {
                continue;
            }
            if (c < 0x20 || c == 0x7f) {
                if (ircFormattingAllowed && (c == 0x01 || c == 0x02 || c == 0x03 || c == 0x0f || c == 0x16 || c == 0x1d || c == 0x1f)) {
                    continue;
                }
                return true;
            }
        }
        return false;
    }

    /** {@code s} without IRC colour and style codes, for plain terminals. */
    static String stripFormatting(String s) {
        return s.indexOf(0x02) < 0 && s.indexOf(0x03) < 0 && s.indexOf(0x0f) < 0 && s.indexOf(0x16) < 0
                && s.indexOf(0x1d) < 0 && s.indexOf(0x1f) < 0 ? s : IRC_FORMATTING.matcher(s).replaceAll("");
    }

    /** The action of a CTCP ACTION ({@code \x01ACTION waves\x01}), or {@code null} when {@code s} is not one. */
    static String ctcpAction(String s) {
        if (s.startsWith("\u0001ACTION ") ) {
            int end = s.endsWith("\u0001") ? s.length() - 1 : s.length();
            return s.substring(8, Math.max(8, end));
        }
        return null;
    }

    static boolean isCtcp(String s) {
        return !s.isEmpty() && s.charAt(0) == 0x01;
    }

    static String ctcpActionOf(String action) {
        return "\u0001ACTION " + action + "\u0001";
    }

    /**
     * Splits {@code text} into pieces whose UTF-8 encoding is at most {@code maxBytes}, at
     * code-point boundaries, so a long message reaches IRC clients whole as several lines.
     */
    static List<String> splitUtf8(String text, int maxBytes) {
        List<String> parts = new ArrayList<>(1);
        if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            parts.add(text);
            return parts;
        }
        CharBuffer in = CharBuffer.wrap(text);
        var encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate(Math.max(4, maxBytes));
        int start = 0;
        while (in.hasRemaining()) {
            out.clear();
            encoder.reset();
            encoder.encode(in, out, true); // stops before a code point that does not fit
            int end = in.position();
            if (end == start) {
                break; // maxBytes smaller than one code point; cannot happen with IRC's limits
            }
            parts.add(text.substring(start, end));
            start = end;
        }
        return parts;
    }
}
