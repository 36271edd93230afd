"""Plain logic of gke-kpo: everything that does not need the Pulumi engine."""
