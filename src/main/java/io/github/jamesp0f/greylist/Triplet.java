package io.github.jamesp0f.greylist;

import java.util.Locale;
import java.util.Objects;

/**
 * The greylisting key: the client (its address, or its network when grouped), the envelope sender
 * ("" for the null sender) and one recipient. Addresses are lower-cased: a sender that changes case
 * between retries is the same sender.
 */
public final class Triplet {

    private final String client;
    private final String sender;
    private final String recipient;

    private Triplet(String client, String sender, String recipient) {
        this.client = client;
        this.sender = sender;
        this.recipient = recipient;
    }

    public static Triplet of(String client, String sender, String recipient) {
        return new Triplet(Objects.requireNonNull(client, "client"),
            Objects.requireNonNull(sender, "sender").toLowerCase(Locale.ROOT),
            Objects.requireNonNull(recipient, "recipient").toLowerCase(Locale.ROOT));
    }

    public String client() {
        return client;
    }

    public String sender() {
        return sender;
    }

    public String recipient() {
        return recipient;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Triplet)) {
            return false;
        }
        Triplet other = (Triplet) o;
        return client.equals(other.client) && sender.equals(other.sender) && recipient.equals(other.recipient);
    }

    @Override
    public int hashCode() {
        return Objects.hash(client, sender, recipient);
    }

    @Override
    public String toString() {
        return client + " | " + sender + " | " + recipient;
    }
}
