"""servicehub: run a multi-site IT service centre from request to invoice."""
