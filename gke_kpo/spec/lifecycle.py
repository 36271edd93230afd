"""Resource options that answer how Google Cloud and the Pulumi engine replace and delete, stated once.

Sources: pulumi-terraform-bridge pkg/tfbridge/provider.go (Diff: deleteBeforeReplace) and schema.go
(nameRequiresDeleteBeforeReplace); pulumi/pulumi#8158 and #7055 (a protected resource fails the preview of
``pulumi destroy``, so nothing is deleted).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi


def fixed_name(
    parent: pulumi.Resource,
    *,
    protect: bool | None = None,
    depends_on: Sequence[pulumi.Resource] = (),
    ignore_changes: Sequence[str] = (),
) -> pulumi.ResourceOptions:
    """Options of a resource whose name (or id) comes from config.

    Google Cloud refuses a second cluster, pool, network, router, service account or custom role with the same
    name, so a replacement must delete the old one first. The bridge already infers this for a ``name`` it could
    have autonamed; saying it here keeps it true for any bridge version and for ``account_id``/``role_id``.
    ``protect`` makes ``pulumi destroy`` (and any replacement) stop before it deletes anything; left None, the
    resource inherits its component's protection. Kubernetes objects with a set ``metadata.name`` (the tenant's
    namespace, Role, task KSA, ...) need nothing here: pulumi-kubernetes deletes a named object before replacing
    it itself (its tests/sdk "Cause hard delete-before-replace" steps).
    """
    return pulumi.ResourceOptions(
        parent=parent,
        delete_before_replace=True,
        protect=protect,
        depends_on=list(depends_on) or None,
        ignore_changes=list(ignore_changes) or None,
    )
