"""The three neural models; create and load them through registry.py."""
