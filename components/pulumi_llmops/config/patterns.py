"""Prose for the string patterns of the config specs: errors say what is allowed, not a regex.

`describe_pattern(regex)` returns the sentence a pattern error shows; a pattern without an
entry falls back to a generic sentence (tests/config/test_patterns.py keeps every pattern of
the specs described).
"""

from __future__ import annotations

_DNS_LABEL = (
    "1-63 characters of lowercase letters, digits and '-', starting and ending with a letter "
    "or digit"
)

PATTERN_PROSE: dict[str, str] = {
    # names and keys
    r"^[a-z][a-z0-9-]{0,15}$": "1-16 characters of lowercase letters, digits and '-', "
    "starting with a letter (e.g. dev, staging, prod)",
    r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$": "2-40 characters of lowercase letters, digits and '-', "
    "starting with a letter and ending with a letter or digit (e.g. prod-llm)",
    r"^[a-z0-9][a-z0-9-]{0,62}$": "1-63 characters of lowercase letters, digits and '-', "
    "starting with a letter or digit (e.g. us-east-1, or an on-prem site such as fra-dc1)",
    r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$": _DNS_LABEL + " (a Kubernetes name)",
    r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$": "1-253 characters of lowercase letters, digits, "
    "'-' and '.', starting and ending with a letter or digit (a StorageClass name)",
    r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$": "lowercase letters, digits, '-' and '.', starting "
    "and ending with a letter or digit (a DNS name)",
    r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$": "3-63 characters of lowercase letters, digits, '-' "
    "and '.', starting and ending with a letter or digit (a bucket name)",
    r"^[a-z0-9][a-z0-9-]*$": "lowercase letters, digits and '-', starting with a letter or digit",
    r"^[A-Za-z][A-Za-z0-9_-]{0,63}$": "1-64 characters of letters, digits, '_' and '-', "
    "starting with a letter (a Pulumi config key in the llmops namespace)",
    r"^[-._a-zA-Z0-9]{1,253}$": "1-253 characters of letters, digits, '-', '_' and '.' "
    "(a Secret key such as ca.crt)",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "letters, digits, '.', '_' and '-', starting with a "
    "letter or digit (a machine type such as g6.xlarge)",
    r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$": "letters, digits, spaces, '.', '_' and '-', starting "
    "with a letter or digit (a GPU model such as A100-80GB)",
    r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$": "up to 201 characters of letters, digits, '.', "
    "'_', '/' and '-', starting with a letter or digit",
    r"^[-\w._()]+$": "letters, digits, '-', '_', '.' and parentheses, at most 90 characters "
    "(an Azure resource group name)",
    r"^oci://[a-z0-9][a-z0-9.:-]*(/[a-z0-9][a-z0-9._-]*)*$": "an OCI registry path: oci://, "
    "a lowercase host[:port], then /-separated lowercase path parts "
    "(e.g. oci://registry.lab.internal/charts)",
    # cloud identifiers
    r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$": "a Google Cloud project id: 6-30 characters of "
    "lowercase letters, digits and '-', starting with a letter (e.g. acme-llm-prod)",
    r"^subnet-[0-9a-f]{8,17}$": "an AWS subnet id: subnet- and 8-17 hex digits "
    "(e.g. subnet-0abc1234)",
    r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$": "an IPv4 CIDR block such as 10.0.0.0/16",
    r"^1\.\d{2}$": "a Kubernetes minor version such as 1.33",
    r"^v\d+\.\d+\.\d+$": "a release tag v<major>.<minor>.<patch> (e.g. v1.33.1)",
    r"^[a-z]+-[a-z]+\d+-[a-z]$": "a Compute Engine zone such as us-central1-a",
    r"^\d{1,2}\.\d$": "a CUDA compute capability <major>.<minor> (e.g. 8.9)",
    r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/.+$": "an IAM role or user ARN "
    "(arn:aws:iam::<12-digit account>:role/<name>)",
    r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+$": "a KMS key ARN "
    "(arn:aws:kms:<region>:<12-digit account>:key/<key id>)",
    r"^[a-z0-9-]+@[a-z0-9.-]+\.iam\.gserviceaccount\.com$": "a Google service account email "
    "(<name>@<project>.iam.gserviceaccount.com)",
    r"^projects/.+/locations/.+/keyRings/.+/cryptoKeys/.+$": "a Cloud KMS key name "
    "(projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)",
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$": "a lowercase GUID "
    "(e.g. 0b6e9c1e-4d55-4a7f-9d6b-1f2c3d4e5f60)",
    r"^https://[a-z0-9-]+\.vault\.[a-z0-9.]+/keys/[A-Za-z0-9-]+/[0-9a-f]{32}$": "a versioned "
    "Key Vault key id (https://<vault>.vault.azure.net/keys/<name>/<32 hex digit version>)",
    r"^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/"
    r"Microsoft\.KeyVault/vaults/[A-Za-z0-9-]+$": "a Key Vault resource id "
    "(/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>)",
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[^/]+/subnets/[^/]+$": "a subnet resource id "
    "(/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/"
    "virtualNetworks/<vnet>/subnets/<subnet>)",
    # URIs, paths, schedules
    r"^(hf|s3|gs|pvc)://[A-Za-z0-9][A-Za-z0-9._/-]*$": "a model location: hf://<org>/<model>, "
    "s3://<bucket>/<path>, gs://<bucket>/<path> or pvc://<claim>/<path>",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$": "a Hugging Face repository id <org>/<name> "
    "(letters, digits, '.', '_' and '-')",
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._/-]*)?$": "an http(s) URL: host, "
    "optional port and path (letters, digits, '.', '_', '/' and '-')",
    r"^(https://|ssh://|git@)\S+$": "a Git URL starting with https://, ssh:// or git@",
    r"^(https://|oci://)": "a chart repository URL starting with https:// or oci://",
    r"^https?://[^\s/]+(:\d+)?/?$": "an http(s) URL of a host (and port), without a path",
    r"^/[A-Za-z0-9._/-]*$": "an absolute path of letters, digits, '.', '_', '/' and '-'",
    r"^(\S+\s+){4}\S+$": "a cron schedule of five fields (e.g. '0 3 * * *')",
    r"^\d{4}-\d{2}(-\d{2})?$": "a date YYYY-MM or YYYY-MM-DD",
}


def describe_pattern(pattern: str) -> str:
    """The sentence shown for a value that does not match `pattern`."""
    prose = PATTERN_PROSE.get(pattern)
    return f"must be {prose}" if prose else "does not have the expected format"
