"""Errors whose message is meant for the user, shown with Operator.report."""


class UserError(Exception):
    """The user asked for something that cannot be done; the message says why and what to do."""
