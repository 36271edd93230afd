"""Names the program shares with its consumers: the stack outputs (renderer) and the intent labels (policy pack)."""
