/**
 * A Spring Boot service running an Eddy pipeline with the starter ({@code eddy-spring-boot-starter}):
 * {@link io.eddy.examples.spring.PageViewService}.
 */
package io.eddy.examples.spring;
