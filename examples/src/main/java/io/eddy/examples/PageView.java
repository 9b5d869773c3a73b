package io.eddy.examples;

import java.util.Locale;

/**
 * One page view as the demo's input topic carries it: a small JSON object such as
 * {@code {"view":42,"url":"https://Shop.example/Products/7/?ref=mail","ts":1764000000123}}, keyed
 * by user id. The demo pipeline parses it, drops load-balancer health checks, normalises the URL
 * to a lower-case path without query or fragment, and writes it back as JSON with a {@code path}
 * field.
 *
 * <p>The parser reads exactly the flat objects {@link #toInputJson()} writes (no nesting, no
 * escapes); it is not a general JSON parser. Immutable and thread-safe.
 *
 * @param view the view's sequence number, unique across a demo run
 * @param url the URL as the browser sent it, or the normalised path after {@link #normalised()}
 * @param timestamp when the view happened, epoch milliseconds
 */
public record PageView(long view, String url, long timestamp) {

    /**
     * Parses a value written by {@link #toInputJson()} or {@link #toOutputJson()}.
     *
     * @throws IllegalArgumentException if a field is missing or malformed
     */
    public static PageView parse(String json) {
        String url = stringField(json, "url");
        if (url == null) {
            url = stringField(json, "path");
        }
        if (url == null) {
            throw new IllegalArgumentException("no url in " + json);
        }
        return new PageView(longField(json, "view"), url, longField(json, "ts"));
    }

    /** Whether this is a load balancer's probe rather than a person's view. */
    public boolean isHealthCheck() {
        String path = pathOf(url);
        return path.equals("/healthz") || path.equals("/health");
    }

    /** Whether the (normalised) path is an API call rather than a page. */
    public boolean isApiCall() {
        return pathOf(url).startsWith("/api/");
    }

    /**
     * This view with its URL reduced to the path: scheme, host and port dropped, query and
     * fragment dropped, lower case, no trailing slash (except for the root).
     */
    public PageView normalised() {
        return new PageView(view, pathOf(url), timestamp);
    }

    /** The input form, with the raw URL. */
    public String toInputJson() {
        return "{\"view\":" + view + ",\"url\":\"" + url + "\",\"ts\":" + timestamp + "}";
    }

    /** The output form, with the normalised path. */
    public String toOutputJson() {
        return "{\"view\":" + view + ",\"path\":\"" + pathOf(url) + "\",\"ts\":" + timestamp + "}";
    }

    static String pathOf(String url) {
        String s = url;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int slash = s.indexOf('/', scheme + 3);
            s = slash < 0 ? "/" : s.substring(slash);
        }
        int cut = s.length();
        int query = s.indexOf('?');
        int fragment = s.indexOf('#');
        if (query >= 0) {
            cut = query;
        }
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        s = s.substring(0, cut).toLowerCase(Locale.ROOT);
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? "/" : s;
    }

    private static String stringField(String json, String name) {
        String marker = "\"" + name + "\":\"";
        int start = json.indexOf(marker);
        if (start < 0) {
            return null;
        }
        start += marker.length();
        int end = json.indexOf('"', start);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated " + name + " in " + json);
        }
        return json.substring(start, end);
    }

    private static long longField(String json, String name) {
        String marker = "\"" + name + "\":";
        int start = json.indexOf(marker);
        if (start < 0) {
            throw new IllegalArgumentException("no " + name + " in " + json);
        }
        start += marker.length();
        int end = start;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        try {
            return Long.parseLong(json.substring(start, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + name + " in " + json, e);
        }
    }
}
