"""The `sigmavault` command: validate, plan, apply and status for one box."""
