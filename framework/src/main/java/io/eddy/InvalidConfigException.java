package io.eddy;

/**
 * An option given to {@link EddyApp.Builder} is missing or out of range. Thrown by
 * {@link EddyApp.Builder#build()}; the message names the option and the rejected value.
 */
public class InvalidConfigException extends IllegalArgumentException {

    private final String option;
    private final transient Object value;

    /** The option {@code option} was given {@code value}, which breaks {@code rule}. */
    public InvalidConfigException(String option, Object value, String rule) {
        super("invalid value for option '" + option + "': " + render(value) + " (" + rule + ")");
        this.option = option;
        this.value = value;
    }

    private static String render(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    /** The option's name, as the builder method is named. */
    public String option() {
        return option;
    }

    /** The rejected value; may be null. */
    public Object value() {
        return value;
    }
}
