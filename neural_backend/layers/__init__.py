"""Building blocks shared by the models; never imports neural_backend.models."""
