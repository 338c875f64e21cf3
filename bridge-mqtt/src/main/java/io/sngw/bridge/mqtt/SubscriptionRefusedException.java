package io.sngw.bridge.mqtt;

/** The broker answered a SUBSCRIBE with failure (SUBACK return code 0x80) for this filter. */
public final class SubscriptionRefusedException extends RuntimeException {

    private final String filter;

    public SubscriptionRefusedException(String filter) {
        super("broker refused the subscription to '" + filter + "' (SUBACK return code 0x80)", null, false, false);
        this.filter = filter;
    }

    public String filter() {
        return filter;
    }
}
