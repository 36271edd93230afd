"""What the stack declares, as plain data built from settings and facts; the components pass it to Pulumi."""
