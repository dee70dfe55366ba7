"""The API's routers, one per area; each endpoint is a few lines over one service call."""
