package io.gatehouse.itests.deployed;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;

/** {@code GET /hello}: the version of the bundle that serves it. */
@Path("/hello")
public class HelloResource {

    private final String version;

    HelloResource(String version) {
        this.version = version;
    }

    @GET
    @Produces("text/plain")
    public String hello() {
        return "hello " + version;
    }
}
