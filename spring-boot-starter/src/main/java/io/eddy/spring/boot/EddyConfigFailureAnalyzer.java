package io.eddy.spring.boot;

import io.eddy.InvalidConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidConfigException} that stopped the start into Spring Boot's
 * "APPLICATION FAILED TO START" report: Eddy's message (the property or option, the value, the rule)
 * as the description, and what to change as the action. Secret values never reach the message.
 */
public final class EddyConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigException cause) {
        String option = cause.option();
        String action = option.startsWith("eddy.")
                ? "Change the property '" + option + "' (application.properties, the environment, or a command line argument)."
                : "Change the option '" + option + "' set by an EddyAppCustomizer bean, or the eddy.* property that sets it.";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
