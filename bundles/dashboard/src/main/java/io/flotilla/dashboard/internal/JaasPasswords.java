package io.flotilla.dashboard.internal;

import java.io.IOException;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;

/**
 * Checks a user name and password against a JAAS realm of Karaf ({@code karaf}: the users of
 * {@code etc/users.properties}, or LDAP, or whatever the realm is made of), and that the user has
 * the role the dashboard needs.
 */
final class JaasPasswords {

    /** What became of a sign-in. */
    enum Outcome { ACCEPTED, WRONG_PASSWORD, MISSING_ROLE }

    private final String realm;
    private final String role;

    JaasPasswords(String realm, String role) {
        this.realm = realm;
        this.role = role;
    }

    Outcome check(String user, char[] password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The realm's configuration names Karaf's proxy module, which the login context loads from here
        thread.setContextClassLoader(ProxyLoginModule.class.getClassLoader());
        try {
            LoginContext login = new LoginContext(realm, subject, callbacks -> answer(callbacks, user, password));
            login.login();
            boolean allowed = subject.getPrincipals(RolePrincipal.class).stream().anyMatch(r -> role.equals(r.getName()));
            login.logout();
            return allowed ? Outcome.ACCEPTED : Outcome.MISSING_ROLE;
        } catch (LoginException e) {
            return Outcome.WRONG_PASSWORD;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    String role() {
        return role;
    }

    private static void answer(Callback[] callbacks, String user, char[] password) throws IOException,
            UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(user);
            } else if (callback instanceof PasswordCallback secret) {
                secret.setPassword(password);
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }
}
