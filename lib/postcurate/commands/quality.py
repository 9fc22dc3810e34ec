"""``postcurate validate``: re-check a published snapshot."""

from __future__ import annotations

from pathlib import Path

import click

from postcurate.errors import InputError, SecretError


@click.command()
@click.argument("snapshot")
@click.option(
    "--config",
    "config_path",
    default=None,
    type=click.Path(),
    help="The run's config: lets SNAPSHOT be an id, and (with the key in the environment) re-checks the "
    "reconciliation and objections against the inputs at the manifest's pinned versions.",
)
@click.option("--master", default="local[2]", show_default=True, help="Spark master (without --config).")
def validate(snapshot: str, config_path: str | None, master: str) -> None:
    """Verify SNAPSHOT's shard checksums against its manifest and re-run the data-quality gate on it.

    SNAPSHOT is a snapshot folder (<output_root>/snapshots/<id>), or an id when --config is given.
    Exit code 0 when everything matches; 4 when a checksum or an expectation does not, a shard file is missing or
    listed by no revision, or the manifest is damaged (as `postcurate inspect`); 2 when there is no snapshot there.
    """
    from postcurate.quality.validate import naive_cutoff, read_published, validate_snapshot
    from postcurate.session import build_spark, build_spark_from_config
    from postcurate.snapshot import layout

    config = None
    folder = Path(snapshot)
    if config_path:
        from postcurate.config import load_config

        config = load_config(config_path)
        if not folder.is_dir():
            folder = layout.snapshot_dir(config.output_root, snapshot)
    if not (folder / layout.MANIFEST).is_file():
        raise InputError(f"{folder} is not a published snapshot (no {layout.MANIFEST})")
    manifest = read_published(folder)  # a damaged manifest is refused before Spark starts
    spark = build_spark_from_config(config, app_name="postcurate-validate") if config else build_spark("postcurate-validate", master=master)
    inputs = None
    if config is not None and config.key_env:
        inputs = _pinned_inputs(spark, config, manifest, naive_cutoff)
    result = validate_snapshot(spark, folder, inputs)
    scope = "snapshot and input" if inputs else "snapshot"
    click.echo(
        f"snapshot {result.snapshot_id}: {result.files_checked} shard files match the manifest; "
        f"quality gate passed ({len(result.gate.outcomes)} {scope} expectations)"
    )


def _pinned_inputs(spark, config, manifest, naive_cutoff):
    """The inputs at the versions the snapshot was built from, or None when the key is not available."""
    import os

    from postcurate.lake import read_pinned
    from postcurate.pseudonyms import keyed_pseudonyms
    from postcurate.quality import GateInputs

    if not os.environ.get(config.key_env):
        click.echo(f"validate: {config.key_env} is not set; checking the snapshot's own files only", err=True)
        return None
    pseudonyms = keyed_pseudonyms(spark, config.key())
    if pseudonyms.fingerprint != manifest.key_fingerprint:
        raise SecretError(f"the key in {config.key_env} is not the one this snapshot was built with (fingerprints differ)")
    identity = manifest.identity()
    pinned = {name: read_pinned(spark, name, identity.paths[name], identity.versions[name]) for name in ("posts", "objections")}
    return GateInputs(posts=pinned["posts"].df, objections=pinned["objections"].df, as_of=naive_cutoff(manifest), pseudonyms=pseudonyms)
