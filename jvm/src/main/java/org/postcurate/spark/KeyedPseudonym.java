package org.postcurate.spark;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.spark.sql.api.java.UDF2;

/**
 * {@code pseudonym(domain, value)}: lower-case hex HMAC-SHA256 of {@code domain + ":" + value} under a secret key.
 *
 * <p>The key is a private field of this object and nothing else. Spark ships the object to executors inside the
 * serialized task (which is never logged), while query plans, {@code explain()}, the UI, the event log and error
 * messages show only the name the function was registered under. {@link #toString()} is overridden so that no
 * debugging aid prints the key either.
 */
final class KeyedPseudonym implements UDF2<String, String, String> {
    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] key;
    // A Mac is not thread-safe and costs a key schedule to build: one per task thread, made on first use.
    private transient ThreadLocal<Mac> macs;

    KeyedPseudonym(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("an HMAC key is required");
        }
        this.key = Arrays.copyOf(key, key.length);
    }

    @Override
    public String call(String domain, String value) throws GeneralSecurityException {
        if (value == null || domain == null) {
            return null;
        }
        Mac mac = mac();
        mac.update(domain.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) ':');
        byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(out);
    }

    private Mac mac() throws GeneralSecurityException {
        if (macs == null) {
            synchronized (this) {
                if (macs == null) {
                    macs = new ThreadLocal<>();
                }
            }
        }
        Mac mac = macs.get();
        if (mac == null) {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            macs.set(mac);
        }
        return mac;
    }

    @Override
    public String toString() {
        return "KeyedPseudonym(key withheld)";
    }
}
