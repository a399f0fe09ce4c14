package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import io.flotilla.util.Json;

/** JSON answers of the dashboard's API. */
final class Responses {

    private static final Json JSON = new Json();

    private Responses() {
    }

    static void json(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = JSON.toBytes(body);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        json(response, status, Map.of("error", message));
    }

    static Json mapper() {
        return JSON;
    }
}
