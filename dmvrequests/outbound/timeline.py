"""Outgoing staff email on a case's timeline (registered in OutboundConfig.ready)."""
