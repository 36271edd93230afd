"""Evaluate the Pulumi program without the CLI or a cloud: Pulumi's mock runtime and the real stack file."""
