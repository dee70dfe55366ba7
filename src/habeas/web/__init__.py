"""The server-rendered web pages: Jinja2 templates over the service object, no scripts
needed, nothing fetched from elsewhere."""
