/**
 * The Spring Boot starter: {@link io.eddy.spring.boot.EddyAutoConfiguration} runs one
 * {@link io.eddy.EddyApp} in a Spring Boot service, configured by {@link io.eddy.spring.boot.EddyProperties}
 * ({@code eddy.*}), its pipeline declared by {@link io.eddy.spring.boot.EddyPipeline} beans and
 * adjusted by {@link io.eddy.spring.boot.EddyAppCustomizer} beans, started and closed with the context
 * by {@link io.eddy.spring.boot.EddyLifecycle}, with Actuator health ({@code eddy}, {@code eddyLiveness})
 * and the endpoint {@link io.eddy.spring.boot.EddyEndpoint} ({@code /actuator/eddy}).
 */
package io.eddy.spring.boot;
