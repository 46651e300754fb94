package io.github.jamesp0f.greylist;

/** A store's decision for one attempt, with how long the triplet waited when this attempt let it through. */
public final class GreylistVerdict {

    private final GreylistDecision decision;
    private final long delayMillis;

    private GreylistVerdict(GreylistDecision decision, long delayMillis) {
        this.decision = decision;
        this.delayMillis = delayMillis;
    }

    /** A decision that delayed nothing: deferrals, and passes of a whitelisted triplet or client. */
    public static GreylistVerdict of(GreylistDecision decision) {
        return new GreylistVerdict(decision, 0);
    }

    /** The retry that passed, {@code delayMillis} after the triplet's first attempt. */
    public static GreylistVerdict passedAfter(long delayMillis) {
        return new GreylistVerdict(GreylistDecision.PASSED, Math.max(0, delayMillis));
    }

    public GreylistDecision decision() {
        return decision;
    }

    /** From the first attempt to this one when this one passed greylisting; 0 otherwise. */
    public long delayMillis() {
        return delayMillis;
    }

    @Override
    public String toString() {
        return delayMillis > 0 ? decision + " after " + delayMillis + " ms" : decision.toString();
    }
}
