"""The HTTP API: app.py builds the FastAPI app, routes/ has one file per resource."""
