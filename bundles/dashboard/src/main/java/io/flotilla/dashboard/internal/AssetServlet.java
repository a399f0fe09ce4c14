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
        // the servlet and path info the request was matched by, not the path as sent
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        if ("/static".equals(request.getServletPath()) && info.startsWith("/")) {
            assets.serve(info.substring(1), response);
        } else if ((request.getServletPath() + info).isEmpty()) { // the context root: servlet path "", no path info
            assets.serve("index.html", response);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
