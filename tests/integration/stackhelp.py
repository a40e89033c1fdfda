"""The stack side for tests on a reliability Pair: both emulators seeded with their stacks."""

import json

from conftest import ROOT

SOURCE_STACK, DEST_STACK, STAGING_STACK = "blt8f2e6d4c0a9b7e53", "blt3c9d1e7f5a2b4c68", "blt6b2d8f0e4c1a3e95"


def with_stacks(pair, kind, variables):
    """Both emulators seeded with their stacks (the retail source stack; the destination's two stacks), the
    destination project connected to its stack ("connected"), to none ("unconnected") or to the staging
    stack, which has no shipping_notice content type ("staging"); both sides of ``variables`` (copy_vars)
    given their stack. Returns the new variables."""
    dest_seed = json.loads((ROOT / "tests" / "emulator" / "seeds" / "empty-dest.json").read_text())
    dest_key = STAGING_STACK if kind == "staging" else DEST_STACK
    dest_seed["projects"][0]["connectedStackApiKey"] = None if kind == "unconnected" else dest_key
    pair.source.reset({"seeds": ["retail", "retail-stack"]})
    pair.dest.reset({"seeds": [dest_seed, "dest-stack"]})
    out = dict(variables)
    out["migrate_source"] = dict(out["migrate_source"], stack_api_key=SOURCE_STACK, cma_url=pair.source.url)
    out["migrate_destination"] = dict(out["migrate_destination"], stack_api_key=dest_key, cma_url=pair.dest.url)
    return out
