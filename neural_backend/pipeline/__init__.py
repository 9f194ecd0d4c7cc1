"""What the API and the CLI run: models wrapped with their pre- and post-processing."""
