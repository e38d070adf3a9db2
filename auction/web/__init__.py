"""HTTP and websocket handlers: translate requests into service calls and errors into responses."""
