package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The page's static files, from the bundle's {@code web/} folder: plain HTML, CSS and JavaScript,
 * with nothing fetched from elsewhere and nothing built by a toolchain.
 */
@Component(service = Assets.class)
public final class Assets {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}\\.(html|js|css|svg|png)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8", "css", "text/css;charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png");

    /** Sends {@code name} of {@code web/}, or 404 when there is no such file. */
    void serve(String name, HttpServletResponse response) throws IOException {
        if (!NAME.matcher(name).matches()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        byte[] bytes;
        try (InputStream in = Assets.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            bytes = in.readAllBytes();
        }
        response.setContentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        // Pages show who is signed in: never from a cache; scripts and styles change with the bundle
        response.setHeader("Cache-Control", name.endsWith(".html") ? "no-store" : "no-cache");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
