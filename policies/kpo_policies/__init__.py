"""The gke-kpo policies. Importing this package never starts the analyzer server."""
