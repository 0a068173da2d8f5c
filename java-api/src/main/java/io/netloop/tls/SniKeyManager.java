package io.netloop.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the server's key by the SNI name the client asked for: one JDK key manager per configured
 * name, and the default one for clients that sent no name (or, when unknown names are allowed, an
 * unknown one). Aliases are prefixed with the index of the key manager that made them.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager[] managers;
    /** Lower-case host name, or {@code *.suffix} for a wildcard, to an index in {@link #managers}. */
    private final Map<String, Integer> byName;

    /** @param managers the default at index 0, then one per name */
    SniKeyManager(X509ExtendedKeyManager[] managers, Map<String, Integer> byName) {
        this.managers = managers;
        this.byName = byName;
    }

    /** The index of the key for {@code hostName}, or -1 when no configured name matches. */
    int indexFor(String hostName) {
        String name = hostName.toLowerCase(Locale.ROOT);
        Integer exact = byName.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            Integer wildcard = byName.get("*" + name.substring(dot));
            if (wildcard != null) {
                return wildcard;
            }
        }
        return -1;
    }

    static String requestedHostName(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n.getType() == StandardConstants.SNI_HOST_NAME && n instanceof SNIHostName h) {
                    return h.getAsciiName();
                }
            }
        }
        return null;
    }

    private int managerFor(SSLEngine engine) {
        String name = engine == null ? null : requestedHostName(engine.getHandshakeSession());
        if (name == null) {
            return 0;
        }
        int i = indexFor(name);
        return i < 0 ? 0 : i;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        int i = managerFor(engine);
        String alias = managers[i].chooseEngineServerAlias(keyType, issuers, engine);
        return alias == null ? null : i + ":" + alias;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        String alias = managers[0].chooseServerAlias(keyType, issuers, socket);
        return alias == null ? null : "0:" + alias;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        String alias = managers[0].chooseEngineClientAlias(keyType, issuers, engine);
        return alias == null ? null : "0:" + alias;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        String alias = managers[0].chooseClientAlias(keyType, issuers, socket);
        return alias == null ? null : "0:" + alias;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        int colon = alias == null ? -1 : alias.indexOf(':');
        return colon < 0 ? null : managers[Integer.parseInt(alias, 0, colon, 10)].getCertificateChain(alias.substring(colon + 1));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        int colon = alias == null ? -1 : alias.indexOf(':');
        return colon < 0 ? null : managers[Integer.parseInt(alias, 0, colon, 10)].getPrivateKey(alias.substring(colon + 1));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return prefixed(keyType, issuers, false);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return prefixed(keyType, issuers, true);
    }

    private String[] prefixed(String keyType, Principal[] issuers, boolean client) {
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < managers.length; i++) {
            String[] a = client ? managers[i].getClientAliases(keyType, issuers) : managers[i].getServerAliases(keyType, issuers);
            if (a != null) {
                for (String s : a) {
                    all.add(i + ":" + s);
                }
            }
        }
        return all.isEmpty() ? null : all.toArray(new String[0]);
    }
}
