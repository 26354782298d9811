package dev.rehearsal.branch;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who creates a branch: {@code user@host} of this JVM, recorded in the branch's metadata. */
final class Owner {
    private Owner() {
    }

    static String current() {
        return System.getProperty("user.name", "unknown") + "@" + host();
    }

    /** This machine's name: {@code HOSTNAME} when set (containers), else what the resolver says. */
    static String host() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
        }
        return host;
    }
}
