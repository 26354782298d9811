package dev.rehearsal.internal;

/** Walks exception chains. Not API. */
public final class Causes {
    private Causes() {
    }

    /** The first throwable of this type in the cause chain (the throwable itself included), or null. */
    public static <T extends Throwable> T find(Throwable throwable, Class<T> type) {
        for (Throwable t = throwable; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
