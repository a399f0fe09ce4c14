package io.flotilla.dashboard.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code /}: the page (for a signed-in user, which the gate checked), and {@code /static/*}: its files. */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(DashboardGate.SELECT)
@HttpWhiteboardServletPattern({"/", "/static/*"})
public final class AssetServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Assets assets;

    @Activate
    public AssetServlet(@Reference Assets assets) {
        this.assets = assets;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        if (path.equals("/") || path.equals("/index.html")) {
            assets.serve("index.html", response);
        } else if (path.startsWith("/static/")) {
            assets.serve(path.substring("/static/".length()), response);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
