package io.eddy.spring.boot;

import io.eddy.dsl.Pipeline;

/**
 * A part of the application's pipeline, declared as a Spring bean. The starter's {@link io.eddy.EddyApp}
 * gives one {@link Pipeline} to every bean of this type in their {@link org.springframework.core.annotation.Order
 * order}, so a service may split its pipeline across beans (each with its own sources and sinks).
 *
 * <pre>{@code
 * @Bean
 * EddyPipeline cleanClicks() {
 *     return p -> p.kafka("clicks", Consumed.with(Serdes.string(), Serdes.string()))
 *             .filter((user, page) -> !page.startsWith("/health"))
 *             .toKafka("clicks-clean", Produced.with(Serdes.string(), Serdes.string()));
 * }
 * }</pre>
 *
 * <p>Called once, on the thread that creates the {@code EddyApp} bean, while the application is built;
 * the same rules as {@link io.eddy.EddyApp.Builder#pipeline} apply (a topic is read by one source only,
 * operator names are unique across all the beans).
 */
@FunctionalInterface
public interface EddyPipeline {

    /**
     * Declares sources, operators and sinks on {@code pipeline}.
     *
     * @param pipeline the application's pipeline; not null; use it only during this call
     */
    void define(Pipeline pipeline);
}
