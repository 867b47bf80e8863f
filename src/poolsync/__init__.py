"""poolsync: Amazon Cognito user pools as code."""

__version__ = "0.1.0"
