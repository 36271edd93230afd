"""The Pulumi program under Pulumi's mock runtime, as `pulumi preview` would run it: no CLI, no credentials."""
