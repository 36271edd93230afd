"""Every version the generated Airflow artifacts pin: the one place to bump them."""

from __future__ import annotations

from typing import Final

ASTRO_RUNTIME_IMAGE: Final = "astrocrpublic.azurecr.io/runtime:3.3-2"
"""Astro Runtime 3.3 (Airflow 3); Airflow 3 runtimes are published under this repository."""

ASTRO_RUNTIME_USER: Final = "astro"

GOOGLE_CLOUD_CLI_IMAGE: Final = "gcr.io/google.com/cloudsdktool/google-cloud-cli:528.0.0"
"""The full (deb-based) image: it ships gke-gcloud-auth-plugin; the slim and stable ones do not."""

AUTH_PLUGIN_PATH_IN_CLI_IMAGE: Final = "/usr/lib/google-cloud-sdk/bin/gke-gcloud-auth-plugin"
AUTH_PLUGIN_PATH_IN_RUNTIME: Final = "/usr/local/bin/gke-gcloud-auth-plugin"

TASK_IMAGE: Final = "ubuntu:24.04"
"""The example tasks' image: the seed's ubuntu with a fixed tag (24.04 LTS, noble) instead of ``latest``; a fixed
tag also makes the kubelet's default pull policy IfNotPresent."""

GPU_TASK_IMAGE: Final = "nvidia/cuda:12.4.1-base-ubuntu22.04"
"""The GPU tasks' image: CUDA's base image (libcudart only; its PATH and LD_LIBRARY_PATH already name
/usr/local/nvidia/bin and /usr/local/nvidia/lib64, where GKE's device plugin mounts the node's driver libraries and
nvidia-smi into every container that requests a GPU: GoogleCloudPlatform/container-engine-accelerators,
cmd/nvidia_gpu, ``-container-path``; GKE "Run GPUs in Standard node pools", CUDA libraries). CUDA 12.4 runs on
the R535 and newer drivers GKE installs by default (NVIDIA's minor-version compatibility within CUDA 12)."""

KUBERNETES_PROVIDER: Final = "apache-airflow-providers-cncf-kubernetes"
KUBERNETES_PROVIDER_VERSION: Final = "10.25.0"
"""The version the end-to-end test runs; a test fails if the installed one drifts from it."""

OLDEST_AIRFLOW: Final = (3, 3)
"""The oldest Airflow the rendered files run on. The DAG's LONG_TASK sets ``durable``, which provider 10.25.0 honours
only on Airflow 3.3+ and warns about below it (``durable has no effect on Airflow versions below 3.3``,
airflow/providers/cncf/kubernetes/operators/pod.py); the DAG imports ``airflow.sdk`` (Airflow 3)."""

OLDEST_RUNTIME_TAG: Final = "3.3-1"
"""The first Astro Runtime on Airflow 3.3 (tag X.Y-Z is Airflow X.Y: gke_kpo/render/astro.py)."""
