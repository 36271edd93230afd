"""Pulumi components of gke-kpo: one ComponentResource per file."""
