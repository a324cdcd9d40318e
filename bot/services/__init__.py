"""The agile domain. Services take a Session and `now`, never import slack_bolt, never commit:
the caller owns the transaction."""
