package io.github.jamesp0f.syn;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A {@code label} line of p0f.fp, {@code type:class:name:flavor}, e.g.
 * {@code s:unix:Linux:3.11 and newer}: what the signatures after it identify. Class {@code !}
 * marks an application (a user-space tool such as NMap), not an operating system; its
 * {@code sys} line lists the systems it runs on.
 */
public final class SignatureLabel {

    private static final String APPLICATION_CLASS = "!";

    private final boolean generic;
    private final String osClass;
    private final String name;
    private final String flavor;
    private final List<String> systems;

    private SignatureLabel(boolean generic, String osClass, String name, String flavor, List<String> systems) {
        this.generic = generic;
        this.osClass = osClass;
        this.name = name;
        this.flavor = flavor;
        this.systems = systems;
    }

    /**
     * Reads a label's text (what follows {@code label = }).
     *
     * @param classes the classes the database declared ({@code classes = win,unix,other})
     * @throws IllegalArgumentException saying which part is wrong
     */
    static SignatureLabel parse(String text, Set<String> classes) {
        String[] parts = text.split(":", 4);
        if (parts.length < 4) {
            throw new IllegalArgumentException("a label is type:class:name:flavor (flavor may be empty), not '"
                + text + "'");
        }
        if (!parts[0].equals("s") && !parts[0].equals("g")) {
            throw new IllegalArgumentException("the label's type must be s (specific) or g (generic), not '"
                + parts[0] + "'");
        }
        if (!parts[1].equals(APPLICATION_CLASS) && !classes.contains(parts[1])) {
            throw new IllegalArgumentException("the label's class '" + parts[1] + "' is not declared by 'classes = "
                + String.join(",", classes) + "' (nor ! for an application)");
        }
        if (parts[2].isEmpty()) {
            throw new IllegalArgumentException("the label's name is empty");
        }
        return new SignatureLabel(parts[0].equals("g"), parts[1], parts[2], parts[3], List.of());
    }

    /** This application label with its {@code sys} line. */
    SignatureLabel withSystems(List<String> systemList) {
        return new SignatureLabel(generic, osClass, name, flavor, Collections.unmodifiableList(systemList));
    }

    /** Type {@code g}: considered only when no specific signature matches. */
    public boolean isGeneric() {
        return generic;
    }

    /** Class {@code !}: a user-space tool, which p0f never reports as the host's operating system. */
    public boolean isApplication() {
        return APPLICATION_CLASS.equals(osClass);
    }

    /** The class, e.g. {@code unix}, or {@code !} for an application. */
    public String osClass() {
        return osClass;
    }

    /** e.g. {@code Linux}: what p0f's API calls os_name. */
    public String name() {
        return name;
    }

    /** e.g. {@code 3.11 and newer}: os_flavor; may be empty. */
    public String flavor() {
        return flavor;
    }

    /** An application's {@code sys} line: OS names and {@code @class} entries; empty for an OS label. */
    public List<String> systems() {
        return systems;
    }

    @Override
    public String toString() {
        return (generic ? "g" : "s") + ":" + osClass + ":" + name + ":" + flavor;
    }
}
