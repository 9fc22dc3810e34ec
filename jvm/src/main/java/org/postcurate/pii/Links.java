package org.postcurate.pii;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links: public web addresses keep their digits and "@"s ("https://bbc.co.uk/news/uk-12345678",
 * "medium.com/@author"), but the personal part of a link goes: an e-mail address in it (also percent-encoded), a
 * position in a map link (OpenStreetMap {@code #map=zoom/lat/lon}, Google Maps {@code @lat,lng,zoom},
 * {@code ?q=lat,lng}, {@code geo:} URIs), the number in a WhatsApp click-to-chat link ({@code wa.me/<number>},
 * {@code api.whatsapp.com/send?phone=}) and in {@code tel:} and {@code sms:} links. What is left of the link stays
 * as written, and is set aside from the detectors that run after this stage.
 */
final class Links {
    private Links() {}

    private static final String AN = Shapes.AN;
    private static final Pattern URL = Pattern.compile(
            "(?i)(?:https?://|www\\.)(?:[" + AN + "][" + AN + "\\-]{0,62}\\.){1,10}\\p{L}{2,24}(?::[0-9]{1,5})?"
                    + "(?:[/?#](?:[^\\s<>\"'\\uE000]{0,2000}[^\\s<>\"'\\uE000.,;:!?)\\]}])?)?");
    /** A WhatsApp click-to-chat link up to its number; a Telegram or Signal link to a number ("t.me/+4915..."). */
    private static final Pattern WHATSAPP = Pattern.compile(
            "(?i)(?:https?://)?(?:www\\.)?(?:wa\\.me/|t\\.me/(?=\\+)|signal\\.me/#p/(?=\\+)|(?:api|web)\\.whatsapp\\.com/send/?\\?(?:[^\\s#&]{0,100}&){0,5}phone="
                    + "|whatsapp://send/?\\?(?:[^\\s#&]{0,100}&){0,5}phone=)(\\+?[0-9]{7,15})(?![0-9])"
                    + "(?:[/?#&][^\\s<>\"'\\uE000]{0,2000}[^\\s<>\"'\\uE000.,;:!?)\\]}])?");
    private static final Pattern PHONE_SCHEME = Pattern.compile("(?i)(?:tel|sms|callto|facetime)://?|(?i)(?:tel|sms|callto):");
    private static final String LAT = "-?(?:[1-8]?[0-9]|90)";
    private static final String LON = "-?(?:1[0-7][0-9]|[1-9]?[0-9]|180)";
    private static final String SEP = "(?:,|%2[Cc]|~|/|\\+|%20| )";
    /** A position inside a link; group 1 is the part that goes. */
    private static final Pattern MAP = Pattern.compile(
            "(?:#map=[0-9]{1,2}(?:\\.[0-9]{1,3})?/|(?i:[?&;](?:q|ll|sll|query|center|destination|daddr|saddr|cp|coords?|latlng"
                    + "|lat_lng|location|loc|pos|position|point|near|sspn|viewpoint)=)|(?i:geo:))"
                    + "(" + LAT + "(?:\\.[0-9]{1,15})?" + SEP + LON + "(?:\\.[0-9]{1,15})?)(?![0-9]|\\.[0-9])"
                    + "|[@/=,](" + LAT + "\\.[0-9]{3,15}" + SEP + LON + "\\.[0-9]{3,15})(?![0-9]|\\.[0-9])"
                    + "|(?i:[?&;]m?lat(?:itude)?=)(" + LAT + "(?:\\.[0-9]{1,15})?(?i:&m?(?:lon|lng|long|longitude)=)" + LON
                    + "(?:\\.[0-9]{1,15})?)(?![0-9]|\\.[0-9])");
    private static final Pattern GEO = Pattern.compile("(?i)geo:(" + LAT + "(?:\\.[0-9]{1,15})?," + LON + "(?:\\.[0-9]{1,15})?)"
            + "(?:,-?[0-9]{1,5}(?:\\.[0-9]{1,5})?)?(?:;[^\\s<>\"']{0,200})?");

    /** Finds every link in the text, takes the personal parts out of it and sets it aside. */
    static void scan(Scan s, Engine e) {
        char[] c = s.t.c;
        int n = s.n;
        Matcher url = null;
        for (int i = 0; i < n; i++) {
            char ch = c[i];
            if (!Text.asciiLetter(ch)) {
                continue;
            }
            char before = i > 0 ? c[i - 1] : ' ';
            if (Text.alnum(before) || before == '@' || before == '.' || before == '-') {
                continue;
            }
            int end = -1;
            switch (ch | 0x20) {
                case 'h':
                case 'w':
                case 'a':
                    if (!(starts(c, n, i, "http") || starts(c, n, i, "www.") || starts(c, n, i, "wa.me/")
                            || starts(c, n, i, "api.whatsapp.") || starts(c, n, i, "web.whatsapp.") || starts(c, n, i, "whatsapp:"))) {
                        break;
                    }
                    end = whatsapp(s, e, i);
                    if (end < 0 && (ch | 0x20) != 'a') {
                        if (url == null) {
                            url = matcher(URL, c, n);
                        }
                        url.region(i, n);
                        if (url.lookingAt()) {
                            end = url.end();
                            inside(s, e, i, end);
                            if (e.spec.protectUrls) {
                                s.protect(i, end);
                            }
                        }
                    }
                    break;
                case 't':
                case 's':
                case 'c':
                case 'f':
                    if (starts(c, n, i, "tel:") || starts(c, n, i, "sms:") || starts(c, n, i, "callto:") || starts(c, n, i, "facetime:")) {
                        end = phoneLink(s, e, i);
                    }
                    break;
                case 'g':
                    if (starts(c, n, i, "geo:")) {
                        end = geo(s, e, i);
                    }
                    break;
                default:
                    break;
            }
            if (end > i) {
                i = end - 1;
            } else {
                while (i + 1 < n && Text.alnum(c[i + 1])) {
                    i++; // not a link: on to the next word
                }
            }
        }
    }

    /** {@code word} (lower case) at {@code i}, in any case. */
    static boolean starts(char[] c, int n, int i, String word) {
        if (i + word.length() > n) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            char ch = c[i + k];
            if (ch != word.charAt(k) && (ch | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static Matcher matcher(Pattern p, char[] c, int n) {
        return Scan.reusable(p, c, n);
    }

    /** E-mail addresses and positions inside the link [s, e) (read in the unprotected view). */
    private static void inside(Scan s, Engine e, int from, int to) {
        char[] c = s.t.c;
        if (e.email >= 0) {
            for (int k = from; k < to; k++) {
                if (c[k] == '@') {
                    Emails.at(s, e, c, k, from, to);
                }
            }
        }
        if (e.coords >= 0) {
            Matcher m = matcher(MAP, c, to);
            m.region(from, to);
            while (m.find()) {
                int g = m.start(1) >= 0 ? 1 : m.start(2) >= 0 ? 2 : 3;
                s.add(m.start(g), m.end(g), e.coords);
            }
        }
    }

    private static int whatsapp(Scan s, Engine e, int i) {
        char[] c = s.t.c;
        Matcher m = matcher(WHATSAPP, c, s.n);
        m.region(i, s.n);
        if (!m.lookingAt()) {
            return -1;
        }
        int end = m.end();
        if (e.phone >= 0) {
            // The number of a click-to-chat link is a phone number, in international form without the "+",
            // whatever the numbering plans say.
            s.add(m.start(1), m.end(1), e.phone);
        }
        inside(s, e, i, end);
        s.protect(i, end);
        return end;
    }

    private static int phoneLink(Scan s, Engine e, int i) {
        if (e.phone < 0) {
            return -1;
        }
        Matcher m = matcher(PHONE_SCHEME, s.t.c, s.n);
        m.region(i, s.n);
        if (!m.lookingAt()) {
            return -1;
        }
        // What follows "tel:" is a phone number, whatever the numbering plans say: its digits and separators.
        char[] v = s.v;
        int at = m.end();
        int end = at < s.n && v[at] == '+' ? at + 1 : at;
        int digits = 0;
        int last = at;
        // digits, with at most two separator characters between two of them ("(0)", ") ", " -"), never ". "
        while (end < s.n && end - at < 40) {
            if (Text.digit(v[end])) {
                digits++;
                last = ++end;
                continue;
            }
            int gap = end;
            while (gap < s.n && gap - end < 2 && "-. ()/".indexOf(v[gap]) >= 0 && !(v[gap] == '.' && gap + 1 < s.n && v[gap + 1] == ' ')) {
                gap++;
            }
            if (gap == end || gap >= s.n || !Text.digit(v[gap])) {
                break;
            }
            end = gap;
        }
        if (digits < 6 || digits > 15 || (last < s.n && Text.alnum(v[last]))) {
            return -1;
        }
        s.add(at, last, e.phone);
        s.protect(i, last);
        return last;
    }

    private static int geo(Scan s, Engine e, int i) {
        if (e.coords < 0) {
            return -1;
        }
        Matcher m = matcher(GEO, s.t.c, s.n);
        m.region(i, s.n);
        if (!m.lookingAt()) {
            return -1;
        }
        s.add(m.start(1), m.end(1), e.coords);
        s.protect(i, m.end());
        return m.end();
    }
}
