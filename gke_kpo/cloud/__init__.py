"""What Google Cloud, GKE and Kubernetes accept, require, cost or do on a change: each fact once, with its source.

Standard library only, and nothing else of gke_kpo: the policy pack imports these modules.
"""
