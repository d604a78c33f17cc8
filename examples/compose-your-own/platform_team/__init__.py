"""ACME's LLM platform, composed from pulumi-llmops components (no bundle).

settings  the team's typed stack config, built from the library's specs
cluster   L1: the EKS cluster
gpu       L1: GPU node pools, their catalogue cost; L2: the NVIDIA GPU operator
data      L2: platform namespaces, vector database, observability
serving   L2: cert-manager, KServe, the models (sized with the library's sizing)
"""
