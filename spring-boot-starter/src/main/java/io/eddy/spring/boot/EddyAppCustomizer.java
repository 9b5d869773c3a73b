package io.eddy.spring.boot;

import io.eddy.EddyApp;

/**
 * Sets options of the starter's {@link EddyApp} that {@code eddy.*} properties do not cover (an error
 * handler, listeners, a client factory, {@link io.eddy.Trigger#availableNow()}, …). Every bean of this
 * type is applied in {@link org.springframework.core.annotation.Order order} after the properties, so a
 * customizer's setting wins over a property's. {@link EddyApp.Builder#build()} then checks them all.
 *
 * <pre>{@code
 * @Bean
 * EddyAppCustomizer skipBadRecords() {
 *     return builder -> builder.errorHandler(ErrorHandler.skip());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface EddyAppCustomizer {

    /**
     * Changes {@code builder}; called once, on the thread that creates the {@code EddyApp} bean.
     *
     * @param builder the application's builder, with the properties applied; not null; do not call
     *        {@code build()} on it
     */
    void customize(EddyApp.Builder builder);
}
