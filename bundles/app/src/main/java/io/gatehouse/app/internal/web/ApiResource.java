package io.gatehouse.app.internal.web;

/** Constants shared by the API's resources. */
public final class ApiResource {

    /** The whiteboard extensions every resource needs before it is published: JSON and the error mapper. */
    public static final String JSON = "(osgi.jaxrs.name=gatehouse.json)";
    public static final String ERRORS = "(osgi.jaxrs.name=gatehouse.errors)";
    public static final String JSON_UTF8 = ErrorMapper.JSON_UTF8;

    private ApiResource() {
    }
}
