package io.eddy.spring.boot;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Puts the starter's health indicators into Actuator's probe groups by default, at the lowest
 * precedence: {@code management.endpoint.health.group.readiness.include=readinessState,eddy} and
 * {@code ...liveness.include=livenessState,eddyLiveness}. A service that sets either property itself
 * replaces the default. Does nothing without Spring Boot's health support on the class path or with
 * {@code eddy.enabled=false}.
 */
public final class EddyHealthGroups implements EnvironmentPostProcessor {
    static final String READINESS = "management.endpoint.health.group.readiness.include";
    static final String LIVENESS = "management.endpoint.health.group.liveness.include";

    /** Called by Spring Boot, once per application, before the context is created. */
    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator",
                EddyHealthGroups.class.getClassLoader())
                || !environment.getProperty("eddy.enabled", Boolean.class, true)) {
            return;
        }
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(READINESS, "readinessState,eddy");
        defaults.put(LIVENESS, "livenessState,eddyLiveness");
        environment.getPropertySources().addLast(new MapPropertySource("eddyHealthGroups", defaults));
    }
}
