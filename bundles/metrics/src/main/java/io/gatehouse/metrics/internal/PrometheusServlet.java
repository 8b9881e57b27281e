package io.gatehouse.metrics.internal;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** Serves the registry as Prometheus text at {@code /metrics} on the management HTTP port (8181). */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
public class PrometheusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient MetricRegistry registry;

    @Activate
    public PrometheusServlet(@Reference MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StringWriter text = new StringWriter(8192);
        PrometheusTextFormat.write(registry, text);
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType(PrometheusTextFormat.CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
